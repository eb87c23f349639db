package io.meterbridge.api;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.meterbridge.billing.Adjustments;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jboss.resteasy.reactive.ResponseStatus;

/**
 * Manual adjustments of closed periods: docs/api/billing.md#manual-adjustments. Finance requests, a second person with
 * the approver role approves (POST /api/v1/approvals/{id}/approve); the approved correction is issued as a credit note
 * or an invoice.
 */
@Path("/api/v1/billing/adjustments")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR, Roles.FINANCE, Roles.PRICING_ADMIN, Roles.APPROVER, Roles.ADMIN})
public class AdjustmentsResource {

    private final Adjustments adjustments;
    private final SqlRows sqlRows;
    private final SecurityIdentity identity;

    public AdjustmentsResource(Adjustments adjustments, SqlRows sqlRows, SecurityIdentity identity) {
        this.adjustments = adjustments;
        this.sqlRows = sqlRows;
        this.identity = identity;
    }

    @Schema(description = "A credit (negative amount) or charge (positive) on a closed period")
    public record AdjustmentRequest(String contractKey,
            @Schema(description = "the start of a closed period of the contract") Instant periodStart,
            @Schema(description = "signed exact decimal in currency: negative = credit", example = "-12.50") String amount,
            @Schema(description = "ISO 4217; must be the contract's") String currency, String reason,
            @Schema(description = "optional: the metric the adjustment concerns") String metric) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(description = "A manual adjustment (a correction of source ADJUSTMENT), who requested and who decided it")
    public record AdjustmentView(String id, String contractKey, Instant periodStart, Instant periodEnd, long closeId,
            String currency, @Schema(description = "signed exact decimal: negative = credit") String amount,
            @Schema(description = "[{lineNo, metric, description, difference}]") JsonNode lines,
            @Schema(enumeration = {"PENDING_APPROVAL", "APPROVED", "ISSUED", "REJECTED"}) String status,
            long approvalId, String requestedBy, Instant requestedAt, String decidedBy, Instant decidedAt,
            String decisionReason) {

        static final String SELECT = """
                SELECT c.id, c.contract_key, c.period_start, c.period_end, c.close_id, c.currency, c.amount, c.lines,
                       c.status, c.approval_id, c.requested_by, c.created_at, a.decided_by, a.decided_at,
                       a.decision_reason
                FROM correction c JOIN approval_request a ON a.id = c.approval_id WHERE c.source = 'ADJUSTMENT'""";

        static AdjustmentView of(SqlRows.Row row) throws Exception {
            return new AdjustmentView(row.text("id"), row.text("contract_key"), row.instant("period_start"),
                    row.instant("period_end"), row.number("close_id"), row.text("currency"), row.money("amount", "currency"),
                    row.json("lines"), row.text("status"), row.number("approval_id"), row.text("requested_by"),
                    row.instant("created_at"), row.text("decided_by"), row.instant("decided_at"),
                    row.text("decision_reason"));
        }
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.FINANCE)
    @ResponseStatus(202)
    @Operation(summary = "Request a credit or charge on a closed period; it is issued once an approver approves it")
    public AdjustmentView request(AdjustmentRequest request) throws Exception {
        String id = adjustments.request(Actors.of(identity), request == null ? null : new Adjustments.Request(
                request.contractKey(), request.periodStart(), request.amount(), request.currency(), request.reason(),
                request.metric()));
        return sqlRows.list(AdjustmentView.SELECT + " AND c.id = ?", AdjustmentView::of, id).get(0);
    }

    @GET
    @Operation(summary = "Manual adjustments, latest first (filters: contractKey, status)")
    public List<AdjustmentView> list(@QueryParam("contractKey") String contractKey,
            @QueryParam("status") String status) throws Exception {
        return sqlRows.list(AdjustmentView.SELECT + """
                 AND (?::text IS NULL OR c.contract_key = ?) AND (?::text IS NULL OR c.status = ?)
                ORDER BY c.created_at DESC, c.id DESC LIMIT 500""", AdjustmentView::of, contractKey, contractKey,
                status, status);
    }
}
