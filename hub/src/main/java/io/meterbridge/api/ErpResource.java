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
    private final io.meterbridge.erp.FinancialDocuments documents;
    private final io.meterbridge.erp.PlatformWebhooks webhooks;
    private final AuditTrail audit;
    private final SecurityIdentity identity;

    public ErpResource(SqlRows sqlRows, ErpPostings postings, io.meterbridge.erp.FinancialDocuments documents,
            io.meterbridge.erp.PlatformWebhooks webhooks, AuditTrail audit, SecurityIdentity identity) {
        this.sqlRows = sqlRows;
        this.postings = postings;
        this.documents = documents;
        this.webhooks = webhooks;
        this.audit = audit;
        this.identity = identity;
    }

    @GET
    @Path("/documents")
    @Operation(summary = "Invoices, credit memos, payments and refunds received from the billing platforms")
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
                SELECT id, document_id, close_id, kind, reason, created_at, resolved_at, resolved_by, source_system,
                       platform_event ->> 'id' AS event_id
                FROM accounting_exception ORDER BY (resolved_at IS NULL) DESC, created_at DESC LIMIT 500""",
                ErpViews.AccountingException::of);
    }

    public record Retried(String posting, boolean retried) {
    }

    public record Replayed(long exception, String eventId, boolean duplicate, Long documentId, String posting,
            String accountingException) {
    }

    @POST
    @Path("/exceptions/{id}/replay")
    @RolesAllowed({Roles.OPERATOR, Roles.FINANCE, Roles.ADMIN})
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Handle again a platform event the polling fallback set aside (kind PLATFORM_EVENT)")
    public Replayed replay(@PathParam("id") long id) throws Exception {
        var event = documents.setAsideEvent(id).orElseThrow(
                () -> new NotFoundException("no open PLATFORM_EVENT exception " + id));
        io.meterbridge.erp.FinancialDocuments.Outcome outcome;
        try {
            outcome = webhooks.replay(event.getKey(), event.getValue());
        } catch (Exception e) {
            // the cause is still there: the caller learns why, and the exception stays open for the next replay
            throw new jakarta.ws.rs.WebApplicationException(jakarta.ws.rs.core.Response.status(409)
                    .type(MediaType.APPLICATION_JSON).entity(java.util.Map.of("error", "exception " + id
                            + " stays open, its event still fails: " + e.getMessage())).build());
        }
        var actor = Actors.of(identity);
        documents.resolveSetAside(id, actor.person());
        Replayed replayed = new Replayed(id, outcome.eventId(), outcome.duplicate(), outcome.documentId(),
                outcome.posting(), outcome.exception());
        audit.record(actor, "erp.replay", "accounting_exception", String.valueOf(id), null, replayed);
        return replayed;
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
