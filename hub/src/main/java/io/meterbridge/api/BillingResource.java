package io.meterbridge.api;

import java.time.Instant;
import java.util.List;

import io.meterbridge.billing.BillingDeliveries;
import io.meterbridge.billing.PeriodCloseService;
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

/** Period close, rated charges, billing deliveries and their exceptions, for finance: docs/api/billing.md. */
@Path("/api/v1/billing")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
// Every role reads; the methods that act say who may (docs/configuration.md#people-and-roles).
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR, Roles.FINANCE, Roles.PRICING_ADMIN, Roles.APPROVER, Roles.ADMIN})
public class BillingResource {

    private final PeriodCloseService periodClose;
    private final BillingDeliveries deliveries;
    private final SqlRows sqlRows;
    private final SecurityIdentity identity;
    private final AuditTrail audit;

    public BillingResource(PeriodCloseService periodClose, BillingDeliveries deliveries, SqlRows sqlRows,
            SecurityIdentity identity, AuditTrail audit) {
        this.audit = audit;
        this.periodClose = periodClose;
        this.deliveries = deliveries;
        this.sqlRows = sqlRows;
        this.identity = identity;
    }

    /** @param at any instant inside the period to close (default: just before the current period began) */
    public record CloseRequest(String contractKey, Instant at) {
    }

    @POST
    @Path("/periods/close")
    @RolesAllowed({Roles.FINANCE, Roles.ADMIN})
    @Operation(summary = "Close a contract's billing period now (idempotent: a closed period is returned as it is)")
    public BillingViews.Close close(CloseRequest request) throws Exception {
        if (request == null || request.contractKey() == null || request.contractKey().isBlank()) {
            throw new IllegalArgumentException("contractKey: required");
        }
        Instant at = request.at();
        if (at == null) {
            at = periodClose.previousPeriodStart(request.contractKey(), Instant.now());
        }
        // The open periods before it are closed first, in order (the chain has no gaps), each audited on its own as
        // it commits (so also when a later one fails).
        List<PeriodCloseService.Closed> closes = periodClose.closeThrough(request.contractKey(), at,
                identity.getPrincipal().getName(), each -> {
                    if (each.created()) {
                        // The close owns its transaction; the audit event follows its commit (docs/architecture.md,
                        // "Audit trail").
                        BillingViews.Close view = BillingViews.Close.of(each);
                        audit.record(Actors.of(identity), "period.close", "period", request.contractKey() + "@"
                                + view.periodStart(), null, view);
                    }
                });
        List<BillingViews.Close> before = closes.subList(0, closes.size() - 1).stream().map(BillingViews.Close::of)
                .toList();
        BillingViews.Close closed = BillingViews.Close.of(closes.get(closes.size() - 1), before);
        return closed;
    }

    @GET
    @Path("/periods")
    @Operation(summary = "Closed periods (latest first per contract), with their deliveries")
    public List<BillingViews.Period> periods(@QueryParam("contractKey") String contractKey) throws Exception {
        return sqlRows.list("SELECT " + BillingViews.Period.COLUMNS + """

                FROM period_close p WHERE (?::text IS NULL OR p.contract_key = ?)
                ORDER BY p.contract_key, p.period_start DESC LIMIT 500""", BillingViews.Period::of, contractKey,
                contractKey);
    }

    @GET
    @Path("/periods/{id}/charges")
    @Operation(summary = "Rated charges of a closed period, with price version, schema versions and lineage")
    public BillingViews.PeriodCharges charges(@PathParam("id") long closeId) throws Exception {
        List<BillingViews.Period> close = sqlRows.list("SELECT " + BillingViews.Period.COLUMNS
                + " FROM period_close p WHERE p.id = ?", BillingViews.Period::of, closeId);
        if (close.isEmpty()) {
            throw new NotFoundException("no closed period " + closeId);
        }
        return new BillingViews.PeriodCharges(close.get(0),
                sqlRows.list("""
                        SELECT line_no, metric, line_type, description, quantity, amount, currency, amount_minor,
                               price_version, schema_refs, usage_quantity
                        FROM rated_charge WHERE close_id = ? ORDER BY line_no""", BillingViews.Charge::of, closeId),
                sqlRows.list("""
                        SELECT metric, window_start, window_end, quantity, platform_ref, identifier, schema_refs
                        FROM usage_summary WHERE close_id = ? ORDER BY metric, window_start""",
                        BillingViews.UsageSummary::of, closeId),
                sqlRows.list("""
                        SELECT metric, count(*) AS hourly_aggregates, sum(event_count) AS events,
                               min(bucket_start) AS first_bucket, max(bucket_start) AS last_bucket
                        FROM charge_source WHERE close_id = ? GROUP BY metric ORDER BY metric""",
                        BillingViews.ChargeSource::of, closeId));
    }

    @GET
    @Path("/deliveries")
    @Operation(summary = "Billing deliveries (latest first), optionally of one status")
    public List<BillingViews.Delivery> deliveries(@QueryParam("status") String status) throws Exception {
        return sqlRows.list("""
                SELECT id, close_id, report_id, correction_id, contract_key, target, kind, status, attempts, external_id,
                       last_error,
                       created_at, next_attempt_at, published_at, delivered_at
                FROM billing_delivery WHERE (?::text IS NULL OR status = ?) ORDER BY created_at DESC LIMIT 500""",
                BillingViews.Delivery::of, status, status);
    }

    @GET
    @Path("/exceptions")
    @Operation(summary = "Deliveries whose retries were exhausted (open ones first)")
    public List<BillingViews.BillingException> exceptions() throws Exception {
        return sqlRows.list("""
                SELECT e.id, e.delivery_id, e.correction_id, e.target, e.reason, e.failed_at, e.replayed_at,
                       e.replayed_by, d.status AS delivery_status
                FROM billing_exception e LEFT JOIN billing_delivery d ON d.id = e.delivery_id
                ORDER BY (e.replayed_at IS NULL) DESC, e.failed_at DESC LIMIT 500""", BillingViews.BillingException::of);
    }

    public record Replayed(long exception, boolean replayed) {
    }

    @POST
    @Path("/exceptions/{id}/replay")
    @RolesAllowed({Roles.OPERATOR, Roles.FINANCE, Roles.ADMIN})
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Send a dead-lettered delivery again (safe: its requests carry the same idempotency keys)")
    public Replayed replay(@PathParam("id") long exceptionId) throws Exception {
        if (!deliveries.replay(exceptionId, identity.getPrincipal().getName())) {
            throw new NotFoundException("no open billing exception " + exceptionId);
        }
        audit.record(Actors.of(identity), "billing.replay", "billing_exception", String.valueOf(exceptionId), null,
                new Replayed(exceptionId, true));
        return new Replayed(exceptionId, true);
    }
}
