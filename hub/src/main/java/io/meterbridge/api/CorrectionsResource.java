package io.meterbridge.api;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.meterbridge.billing.Corrections;
import io.meterbridge.masterdata.MasterData.LateUsagePolicy;
import io.meterbridge.platform.Approvals;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Corrections of closed periods (late usage, re-rates) and the HOLD queue: docs/api/billing.md#corrections. */
@Path("/api/v1/billing/corrections")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR, Roles.FINANCE, Roles.PRICING_ADMIN, Roles.APPROVER, Roles.ADMIN})
public class CorrectionsResource {

    static final String COLUMNS = """
            id, source, contract_key, period_start, period_end, close_id, policy, currency, amount, lines::text AS lines,
            status, approval_id, requested_by, created_at, issued_at, rerate_id""";

    @Schema(description = "A correction of a closed period; amounts are exact decimal strings in `currency`")
    public record Correction(String id, String source, String contractKey, Instant periodStart, Instant periodEnd,
            Long closeId, String policy, String currency,
            @Schema(description = "the difference: positive when the customer owes more", example = "5.60") String amount,
            @Schema(description = "per line: lineNo, metric, lineType, description, priceVersion, reratedPriceVersion,"
                    + " billedQuantity, quantity, billedAmount, amount, difference (decimal strings)") JsonNode lines,
            String status, Long approvalId, String requestedBy, Instant createdAt, Instant issuedAt, String rerateId) {

        static Correction of(SqlRows.Row row) throws Exception {
            return new Correction(row.text("id"), row.text("source"), row.text("contract_key"),
                    row.instant("period_start"), row.instant("period_end"), row.numberOrNull("close_id"),
                    row.text("policy"), row.text("currency"), row.money("amount", "currency"), row.json("lines"),
                    row.text("status"), row.numberOrNull("approval_id"), row.text("requested_by"),
                    row.instant("created_at"), row.instant("issued_at"), row.text("rerate_id"));
        }
    }

    /** @param policy NEXT_CYCLE, ADJUST or REBILL */
    public record Decision(String policy) {
    }

    @Schema(description = "A decision waiting for a second person: approve it at /api/v1/approvals/{approvalId}/approve")
    public record Decided(String correctionId, long approvalId, String status) {
    }

    private final SqlRows sqlRows;
    private final Corrections corrections;
    private final SecurityIdentity identity;

    public CorrectionsResource(SqlRows sqlRows, Corrections corrections, SecurityIdentity identity) {
        this.sqlRows = sqlRows;
        this.corrections = corrections;
        this.identity = identity;
    }

    @GET
    @Operation(summary = "Corrections (latest first), filtered by contract, status and source")
    public List<Correction> list(@QueryParam("contractKey") String contractKey, @QueryParam("status") String status,
            @QueryParam("source") String source) throws Exception {
        return sqlRows.list("SELECT " + COLUMNS + " " + """
                FROM correction WHERE (?::text IS NULL OR contract_key = ?) AND (?::text IS NULL OR status = ?)
                  AND (?::text IS NULL OR source = ?) ORDER BY created_at DESC, id LIMIT 500""", Correction::of,
                contractKey, contractKey, status, status, source, source);
    }

    @GET
    @Path("/held")
    @Operation(summary = "The HOLD queue: corrections waiting for finance's decision (oldest first)")
    public List<Correction> held() throws Exception {
        return sqlRows.list("SELECT " + COLUMNS + " FROM correction WHERE status = 'HELD' ORDER BY created_at, id",
                Correction::of);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One correction")
    public Correction get(@PathParam("id") String id) throws Exception {
        List<Correction> found = sqlRows.list("SELECT " + COLUMNS + " FROM correction WHERE id = ?", Correction::of, id);
        if (found.isEmpty()) {
            throw new NotFoundException("no correction " + id);
        }
        return found.get(0);
    }

    @POST
    @Path("/{id}/decision")
    @RolesAllowed({Roles.FINANCE, Roles.ADMIN})
    @Operation(summary = "Decide a HELD correction (NEXT_CYCLE, ADJUST or REBILL): an approval request a second "
            + "person approves (kind late-usage-decision)")
    public Decided decide(@PathParam("id") String id, Decision decision) throws Exception {
        if (decision == null || decision.policy() == null) {
            throw new IllegalArgumentException("policy: required (NEXT_CYCLE, ADJUST or REBILL)");
        }
        LateUsagePolicy policy;
        try {
            policy = LateUsagePolicy.valueOf(decision.policy());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("policy: '" + decision.policy() + "' is not NEXT_CYCLE, ADJUST or REBILL");
        }
        Approvals.Request request = corrections.decide(id, policy, Actors.of(identity));
        return new Decided(id, request.id(), "PENDING_APPROVAL");
    }
}
