package io.meterbridge.api;

import java.util.List;

import io.meterbridge.billing.CreditLedger;
import io.meterbridge.masterdata.MasterDataService;
import io.meterbridge.masterdata.MasterDataVersions.ContractVersion;
import io.meterbridge.masterdata.MasterDataVersions.CustomerVersion;
import io.meterbridge.masterdata.MasterDataVersions.MetricVersion;
import io.meterbridge.metering.QuarantineService;
import io.meterbridge.platform.AuditTrail;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Master data, its audit trail and the metering quarantine, for admins: docs/api/admin.md. */
@Path("/api/v1/admin")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class AdminResource {

    private final MasterDataService service;
    private final QuarantineService quarantine;
    private final SecurityIdentity identity;
    private final SqlRows sqlRows;
    private final AuditTrail audit;
    private final CreditStatements credits;

    public AdminResource(MasterDataService service, QuarantineService quarantine, SecurityIdentity identity,
            SqlRows sqlRows, AuditTrail audit, CreditStatements credits) {
        this.audit = audit;
        this.credits = credits;
        this.sqlRows = sqlRows;
        this.service = service;
        this.quarantine = quarantine;
        this.identity = identity;
    }

    public record Changed(boolean changed) {
    }

    @POST
    @Path("/customers")
    @Operation(summary = "Add an effective-dated version of a tenant's crosswalk row (closes the version it supersedes)")
    public Changed putCustomer(CustomerVersion version) throws Exception {
        boolean changed = service.putCustomer(version, author());
        return audited("masterdata.customer", "customer", version.tenant(), version, changed);
    }

    @GET
    @Path("/customers")
    @Operation(summary = "Every version of the customer crosswalk (of one tenant)")
    public List<AdminViews.Customer> customers(@QueryParam("tenant") String tenant) throws Exception {
        return sqlRows.list("SELECT * FROM customer_mapping WHERE (?::text IS NULL OR tenant = ?) ORDER BY tenant, valid_from",
                AdminViews.Customer::of, tenant, tenant);
    }

    @POST
    @Path("/contracts")
    @Operation(summary = "Add an effective-dated version of a contract with its metrics")
    public Changed putContract(ContractVersion version) throws Exception {
        boolean changed = service.putContract(version, author());
        return audited("masterdata.contract", "contract", version.contractKey(), version, changed);
    }

    @GET
    @Path("/contracts")
    @Operation(summary = "Every version of the contracts (of one billing account), with their metrics")
    public List<AdminViews.Contract> contracts(@QueryParam("billingAccountId") String account) throws Exception {
        return sqlRows.list("""
                SELECT c.id, c.contract_key, c.billing_system, c.billing_account_id, c.billing_cycle, c.anchor_day,
                       c.time_zone, c.grace_period::text AS grace_period, c.valid_from, c.valid_to,
                       c.billing_mode, c.billing_subscription_id, c.prepaid_credits, c.minimum_commitment,
                       c.finalization_grace::text AS finalization_grace, c.collection_method, c.days_until_due,
                       c.auto_advance::text AS auto_advance, c.late_usage_policy,
                       (SELECT cm.currency FROM customer_mapping cm WHERE cm.billing_system = c.billing_system
                         AND cm.billing_account_id = c.billing_account_id ORDER BY cm.valid_from DESC LIMIT 1)
                         AS currency,
                       (SELECT jsonb_agg(to_jsonb(m) - 'contract_id' ORDER BY m.metric) FROM contract_metric m
                         WHERE m.contract_id = c.id) AS metrics
                FROM contract c WHERE (?::text IS NULL OR c.billing_account_id = ?)
                ORDER BY c.contract_key, c.valid_from""", AdminViews.Contract::of, account, account);
    }

    @POST
    @Path("/contracts/{contractKey}/credits")
    @RolesAllowed({Roles.FINANCE, Roles.ADMIN})
    @Operation(summary = "Grant prepaid credit to a contract (audited; a repeated reference adds nothing)")
    public CreditViews.Granted grantCredit(@PathParam("contractKey") String contractKey,
            CreditLedger.GrantRequest request) throws Exception {
        return credits.grant(contractKey, request);
    }

    @GET
    @Path("/contracts/{contractKey}/credits")
    @RolesAllowed({Roles.VIEWER, Roles.FINANCE, Roles.APPROVER, Roles.ADMIN})
    @Operation(summary = "A contract's prepaid credit: balance per currency, grants, draws per period, expiries")
    public CreditViews.CreditStatement credits(@PathParam("contractKey") String contractKey) throws Exception {
        return credits.statement(contractKey);
    }

    @PUT
    @Path("/metrics/{id}")
    @Operation(summary = "Create or replace a metric of the catalog")
    public Changed putMetric(@PathParam("id") String id, MetricVersion version) throws Exception {
        if (version.id() != null && !version.id().equals(id)) {
            throw new IllegalArgumentException("id: body says '" + version.id() + "', path says '" + id + "'");
        }
        MetricVersion named = new MetricVersion(id, version.aggregation(), version.unit(), version.description(),
                version.sources());
        boolean changed = service.putMetric(named, author());
        return audited("masterdata.metric", "metric", id, named, changed);
    }

    @GET
    @Path("/metrics")
    @Operation(summary = "The metric catalog with the event types and fields that feed each metric")
    public List<AdminViews.Metric> metrics() throws Exception {
        return sqlRows.list("""
                SELECT m.*, (SELECT jsonb_agg(to_jsonb(s) - 'metric' ORDER BY s.event_type) FROM metric_source s
                  WHERE s.metric = m.id) AS sources FROM metric m ORDER BY m.id""", AdminViews.Metric::of);
    }

    @GET
    @Path("/changes")
    @Operation(summary = "The audit trail of master data: who changed what, when, before and after")
    public List<AdminViews.Change> changes(@QueryParam("entity") String entity, @QueryParam("key") String key,
            @QueryParam("limit") @DefaultValue("100") int limit) throws Exception {
        return sqlRows.list("""
                SELECT id, entity, entity_key, changed_by, changed_at, before, after FROM master_data_change
                WHERE (?::text IS NULL OR entity = ?) AND (?::text IS NULL OR entity_key = ?)
                ORDER BY id DESC LIMIT ?""", AdminViews.Change::of, entity, entity, key, key, limit(limit));
    }

    @GET
    @Path("/quarantine")
    @RolesAllowed({Roles.OPERATOR, Roles.ADMIN})
    @Operation(summary = "Events metering could not attribute yet, with their reasons")
    public List<QuarantineService.QuarantinedEvent> quarantined(@QueryParam("subject") String subject,
            @QueryParam("reason") String reasonCode, @QueryParam("limit") @DefaultValue("100") int limit) throws Exception {
        return quarantine.list(subject, reasonCode, limit(limit));
    }

    @POST
    @Path("/quarantine/release")
    @RolesAllowed({Roles.OPERATOR, Roles.ADMIN})
    @Operation(summary = "Re-process quarantined events now (all, or one subject's)")
    public QuarantineService.Release release(@QueryParam("subject") String subject) throws Exception {
        QuarantineService.Release released = quarantine.release(subject);
        audit.record(Actors.of(identity), "quarantine.release", "quarantine", subject == null ? "*" : subject, null,
                released);
        return released;
    }

    private static int limit(int limit) {
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit: must be 1..1000, got " + limit);
        }
        return limit;
    }

    /**
     * The audit event of a master data change (only when something changed): the version as sent. The before/after of
     * the stored versions stays in master_data_change (GET /api/v1/admin/changes).
     */
    private Changed audited(String action, String objectType, String key, Object version, boolean changed)
            throws java.sql.SQLException {
        if (changed) {
            audit.record(Actors.of(identity), action, objectType, key == null ? "?" : key, null, version);
        }
        return new Changed(changed);
    }

    private String author() {
        return identity.getPrincipal().getName();
    }
}
