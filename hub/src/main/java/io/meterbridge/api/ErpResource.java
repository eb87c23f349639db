package io.meterbridge.api;

import java.util.List;

import io.meterbridge.erp.ErpPostings;
import io.meterbridge.platform.AuditTrail;
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

/** Financial documents, ERP postings and accounting exceptions, for finance: docs/api/erp.md. */
@Path("/api/v1/erp")
@Produces(MediaType.APPLICATION_JSON)
// Every role reads; the methods that act say who may (docs/configuration.md#people-and-roles).
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR, Roles.FINANCE, Roles.PRICING_ADMIN, Roles.APPROVER, Roles.ADMIN})
public class ErpResource {

    private final SqlRows sqlRows;
    private final ErpPostings postings;
    private final AuditTrail audit;
    private final SecurityIdentity identity;

    public ErpResource(SqlRows sqlRows, ErpPostings postings, AuditTrail audit, SecurityIdentity identity) {
        this.sqlRows = sqlRows;
        this.postings = postings;
        this.audit = audit;
        this.identity = identity;
    }

    @GET
    @Path("/documents")
    @Operation(summary = "Invoices, credit memos and payments received from the billing platforms")
    public List<ErpViews.Document> documents(@QueryParam("contractKey") String contractKey) throws Exception {
        return sqlRows.list("SELECT " + ErpViews.Document.COLUMNS + """

                FROM financial_document d WHERE (?::text IS NULL OR d.contract_key = ?)
                ORDER BY d.received_at DESC LIMIT 500""", ErpViews.Document::of, contractKey, contractKey);
    }

    @GET
    @Path("/postings")
    @Operation(summary = "ERP postings (latest first), optionally of one status")
    public List<ErpViews.Posting> postings(@QueryParam("status") String status) throws Exception {
        // A PENDING posting whose ledger prerequisite has not posted is shown as WAITING (derived, never stored).
        return sqlRows.list("""
                SELECT * FROM (
                    SELECT id, document_id, close_id, erp_system, kind,
                           CASE WHEN status = 'PENDING' AND %s THEN 'WAITING' ELSE status END AS status,
                           attempts, erp_id, last_error, created_at, next_attempt_at, posted_at, payload
                    FROM erp_posting p) postings
                WHERE (?::text IS NULL OR status = ?) ORDER BY created_at DESC LIMIT 500""".formatted(ErpPostings.WAITING),
                ErpViews.Posting::of, status, status);
    }

    @GET
    @Path("/exceptions")
    @Operation(summary = "Documents the accounting policy could not post, with the reason")
    public List<ErpViews.AccountingException> exceptions() throws Exception {
        return sqlRows.list("""
                SELECT id, document_id, close_id, kind, reason, created_at, resolved_at, resolved_by
                FROM accounting_exception ORDER BY (resolved_at IS NULL) DESC, created_at DESC LIMIT 500""",
                ErpViews.AccountingException::of);
    }

    public record Retried(String posting, boolean retried) {
    }

    @POST
    @Path("/postings/{id}/retry")
    @RolesAllowed({Roles.OPERATOR, Roles.FINANCE, Roles.ADMIN})
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Send a FAILED posting again (safe: its external id makes the ERP upsert or find it)")
    public Retried retry(@PathParam("id") String id) throws Exception {
        if (!postings.retry(id)) {
            throw new NotFoundException("no FAILED ERP posting " + id);
        }
        audit.record(Actors.of(identity), "erp.retry", "erp_posting", id, null, new Retried(id, true));
        return new Retried(id, true);
    }
}
