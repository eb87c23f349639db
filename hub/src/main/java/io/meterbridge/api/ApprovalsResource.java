package io.meterbridge.api;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.meterbridge.platform.Approvals;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
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

/**
 * Four-eyes approvals: docs/api/admin.md#approvals. Requests are made by the APIs of what they change (re-rates,
 * adjustments, price publications, held corrections); here an approver lists, approves and rejects them. The requester
 * can never decide their own request (403).
 */
@Path("/api/v1/approvals")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.FINANCE, Roles.PRICING_ADMIN, Roles.APPROVER, Roles.ADMIN})
public class ApprovalsResource {

    private final Approvals approvals;
    private final SqlRows sqlRows;
    private final SecurityIdentity identity;

    public ApprovalsResource(Approvals approvals, SqlRows sqlRows, SecurityIdentity identity) {
        this.approvals = approvals;
        this.sqlRows = sqlRows;
        this.identity = identity;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(description = "An approval request: what was asked, by whom, and once decided, by whom, when and why")
    public record ApprovalView(long id, String kind, String objectKey, String summary,
            @Schema(description = "what approving it carries out (kind-specific)") JsonNode payload,
            @Schema(enumeration = {"PENDING", "APPROVED", "REJECTED"}) String status, String requestedBy,
            Instant requestedAt, String decidedBy, Instant decidedAt, String decisionReason) {

        static ApprovalView of(Approvals.Request r) {
            return new ApprovalView(r.id(), r.kind(), r.objectKey(), r.summary(), r.payload(), r.status().name(),
                    r.requestedBy(), r.requestedAt(), r.decidedBy(), r.decidedAt(), r.decisionReason());
        }

        static ApprovalView of(SqlRows.Row row) throws Exception {
            return new ApprovalView(row.number("id"), row.text("kind"), row.text("object_key"), row.text("summary"),
                    row.json("payload"), row.text("status"), row.text("requested_by"), row.instant("requested_at"),
                    row.text("decided_by"), row.instant("decided_at"), row.text("decision_reason"));
        }
    }

    @Schema(description = "The decision's reason: optional to approve, required to reject")
    public record Decision(String reason) {
    }

    @GET
    @Operation(summary = "Approval requests, latest first (filters: status, kind, requestedBy)")
    public List<ApprovalView> list(@QueryParam("status") String status, @QueryParam("kind") String kind,
            @QueryParam("requestedBy") String requestedBy, @QueryParam("limit") @DefaultValue("100") int limit)
            throws Exception {
        if (limit < 1 || limit > 500) {
            throw new IllegalArgumentException("limit: must be 1..500, got " + limit);
        }
        if (status != null) {
            try {
                Approvals.Status.valueOf(status);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("status: one of PENDING, APPROVED, REJECTED, got '" + status + "'");
            }
        }
        return sqlRows.list("""
                SELECT * FROM approval_request WHERE (?::text IS NULL OR status = ?) AND (?::text IS NULL OR kind = ?)
                  AND (?::text IS NULL OR requested_by = ?) ORDER BY id DESC LIMIT ?""", ApprovalView::of,
                status, status, kind, kind, requestedBy, requestedBy, limit);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One approval request")
    public ApprovalView get(@PathParam("id") long id) throws Exception {
        return approvals.find(id).map(ApprovalView::of)
                .orElseThrow(() -> new NotFoundException("approval request " + id + ": no such request"));
    }

    @POST
    @Path("/{id}/approve")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.APPROVER)
    @Operation(summary = "Approve a request (a second person: never the requester) and carry it out")
    public ApprovalView approve(@PathParam("id") long id, Decision decision) throws Exception {
        return ApprovalView.of(approvals.approve(id, Actors.of(identity), decision == null ? null : decision.reason()));
    }

    @POST
    @Path("/{id}/reject")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.APPROVER)
    @Operation(summary = "Reject a request, with a reason (a second person: never the requester)")
    public ApprovalView reject(@PathParam("id") long id, Decision decision) throws Exception {
        return ApprovalView.of(approvals.reject(id, Actors.of(identity), decision == null ? null : decision.reason()));
    }
}
