package io.meterbridge.sandbox.stripe;

import java.util.List;

import io.meterbridge.sandbox.Operation;
import io.meterbridge.sandbox.SandboxPipeline;
import io.meterbridge.sandbox.SandboxRequest;
import io.meterbridge.sandbox.SandboxResource;
import io.meterbridge.sandbox.SandboxResponse;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * Stripe-compatible endpoints under /sandbox/stripe: Stripe's own paths, form bodies in, Stripe's JSON out. Point a
 * Stripe client's API base at http://127.0.0.1:8080/sandbox/stripe. Control API: /sandbox/stripe/_sandbox/...
 */
@Path(StripeSandboxResource.ROOT)
// Public by design (default run and tests only; off in prod): each sandbox checks the vendor's own credentials.
@PermitAll
public class StripeSandboxResource extends SandboxResource {

    static final String ROOT = "/sandbox/stripe";

    private final StripeSandbox sandbox;

    @Context
    UriInfo uri;

    @Context
    HttpHeaders headers;

    public StripeSandboxResource(StripeSandbox sandbox) {
        this.sandbox = sandbox;
    }

    @Override
    protected SandboxPipeline pipeline() {
        return sandbox.pipeline();
    }

    private Response run(String method, String body, Operation operation) {
        SandboxRequest request = SandboxRequest.of(method, ROOT, uri, headers, body);
        return toResponse(sandbox.pipeline().handle(request, operation));
    }

    private Operation post(String name, String specPath, java.util.function.Function<SandboxRequest, com.fasterxml.jackson.databind.JsonNode> effect) {
        return new Operation(name, sandbox.validator(specPath), true, r -> SandboxResponse.of(200, effect.apply(r)));
    }

    /** A POST whose change emits an event: the event's request.id is the Request-Id this answer carries. */
    private Operation postWithEvent(String name, String specPath, String eventType,
            java.util.function.Function<SandboxRequest, com.fasterxml.jackson.databind.node.ObjectNode> effect) {
        return new Operation(name, sandbox.validator(specPath), true, r -> {
            String requestId = io.meterbridge.sandbox.Ids.random("req_", 14);
            return SandboxResponse.of(200, sandbox.change(r, requestId, eventType, () -> effect.apply(r)))
                    .withHeader("Request-Id", requestId);
        });
    }

    @Override
    protected io.meterbridge.sandbox.WebhookDispatcher webhooks() {
        return sandbox.webhooks();
    }

    private Operation get(String name, java.util.function.Function<SandboxRequest, com.fasterxml.jackson.databind.JsonNode> effect) {
        return new Operation(name, null, false, r -> SandboxResponse.of(200, effect.apply(r)));
    }

    @POST
    @Path("v1/billing/meter_events")
    @Consumes(MediaType.WILDCARD)
    public Response createMeterEvent(String body) {
        return run("POST", body, post(StripeDialect.METER_EVENTS, "/v1/billing/meter_events",
                r -> sandbox.state().createMeterEvent(r.params())));
    }

    @POST
    @Path("v1/billing/meter_event_adjustments")
    @Consumes(MediaType.WILDCARD)
    public Response createMeterEventAdjustment(String body) {
        return run("POST", body, post("meter_event_adjustments", "/v1/billing/meter_event_adjustments",
                r -> sandbox.state().createMeterEventAdjustment(r.params())));
    }

    @POST
    @Path("v1/invoiceitems")
    @Consumes(MediaType.WILDCARD)
    public Response createInvoiceItem(String body) {
        return run("POST", body, post("invoiceitems", "/v1/invoiceitems", r -> sandbox.state().createInvoiceItem(r.params())));
    }

    @GET
    @Path("v1/invoiceitems")
    public Response listInvoiceItems() {
        return run("GET", null, get("invoiceitems", r -> sandbox.state().listInvoiceItems(r.params())));
    }

    @POST
    @Path("v1/invoices")
    @Consumes(MediaType.WILDCARD)
    public Response createInvoice(String body) {
        return run("POST", body, post("invoices", "/v1/invoices", r -> sandbox.state().createInvoice(r.params())));
    }

    @GET
    @Path("v1/invoices")
    public Response listInvoices() {
        return run("GET", null, get("invoices", r -> sandbox.state().listInvoices(r.params())));
    }

    @GET
    @Path("v1/invoices/{id}")
    public Response getInvoice(@PathParam("id") String id) {
        return run("GET", null, get("invoices", r -> sandbox.state().getInvoice(id)));
    }

    @GET
    @Path("v1/invoices/{id}/lines")
    public Response invoiceLines(@PathParam("id") String id) {
        return run("GET", null, get("invoices", r -> sandbox.state().invoiceLines(id, r.params())));
    }

    @POST
    @Path("v1/invoices/{id}/finalize")
    @Consumes(MediaType.WILDCARD)
    public Response finalizeInvoice(@PathParam("id") String id, String body) {
        return run("POST", body, postWithEvent("invoices", "/v1/invoices/{invoice}/finalize", "invoice.finalized",
                r -> sandbox.state().finalizeInvoice(id, r.params())));
    }

    @POST
    @Path("v1/invoices/{id}/pay")
    @Consumes(MediaType.WILDCARD)
    public Response payInvoice(@PathParam("id") String id, String body) {
        // A declined card (Stripe's test method pm_card_chargeDeclined): invoice.payment_failed, then a 402 card_error.
        return run("POST", body, new Operation("invoices", sandbox.validator("/v1/invoices/{invoice}/pay"), true, r -> {
            String requestId = io.meterbridge.sandbox.Ids.random("req_", 14);
            com.fasterxml.jackson.databind.node.ObjectNode paid = sandbox.state().payInvoice(id, r.params());
            if (paid == null) {
                sandbox.change(r, requestId, "invoice.payment_failed", () -> sandbox.state().invoiceView(id));
                return SandboxResponse.of(402, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                        .set("error", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                                .put("type", "card_error").put("code", "card_declined").put("decline_code",
                                        "generic_decline").put("message", "Your card was declined.")))
                        .withHeader("Request-Id", requestId);
            }
            return SandboxResponse.of(200, sandbox.change(r, requestId, "invoice.paid", () -> paid))
                    .withHeader("Request-Id", requestId);
        }));
    }

    @POST
    @Path("v1/invoices/{id}/void")
    @Consumes(MediaType.WILDCARD)
    public Response voidInvoice(@PathParam("id") String id, String body) {
        return run("POST", body, postWithEvent("invoices", "/v1/invoices/{invoice}/void", "invoice.voided",
                r -> sandbox.state().voidInvoice(id)));
    }

    @POST
    @Path("v1/invoices/{id}/send")
    @Consumes(MediaType.WILDCARD)
    public Response sendInvoice(@PathParam("id") String id, String body) {
        return run("POST", body, postWithEvent("invoices", "/v1/invoices/{invoice}/send", "invoice.sent",
                r -> sandbox.state().sendInvoice(id)));
    }

    @GET
    @Path("v1/charges/{id}")
    public Response getCharge(@PathParam("id") String id) {
        return run("GET", null, get("charges", r -> sandbox.state().getCharge(id)));
    }

    /** A refund emits refund.created (the refund) and charge.refunded (its charge), as Stripe does. */
    @POST
    @Path("v1/refunds")
    @Consumes(MediaType.WILDCARD)
    public Response createRefund(String body) {
        return run("POST", body, new Operation("refunds", sandbox.validator("/v1/refunds"), true, r -> {
            String requestId = io.meterbridge.sandbox.Ids.random("req_", 14);
            com.fasterxml.jackson.databind.node.ObjectNode refund = sandbox.change(r, requestId, "refund.created",
                    () -> sandbox.state().createRefund(r.params()));
            sandbox.change(r, requestId, "charge.refunded", () -> sandbox.state().getCharge(refund.get("charge").asText()));
            return SandboxResponse.of(200, refund).withHeader("Request-Id", requestId);
        }));
    }

    @POST
    @Path("v1/customers")
    @Consumes(MediaType.WILDCARD)
    public Response createCustomer(String body) {
        return run("POST", body, post("customers", "/v1/customers", r -> sandbox.state().createCustomer(r.params())));
    }

    @GET
    @Path("v1/customers/{id}")
    public Response getCustomer(@PathParam("id") String id) {
        return run("GET", null, get("customers", r -> sandbox.state().getCustomer(id)));
    }

    @POST
    @Path("v1/credit_notes")
    @Consumes(MediaType.WILDCARD)
    public Response createCreditNote(String body) {
        return run("POST", body, postWithEvent("credit_notes", "/v1/credit_notes", "credit_note.created",
                r -> sandbox.state().createCreditNote(r.params())));
    }

    @GET
    @Path("v1/credit_notes")
    public Response listCreditNotes() {
        return run("GET", null, get("credit_notes", r -> sandbox.state().listCreditNotes(r.params())));
    }

    @GET
    @Path("v1/credit_notes/{id}")
    public Response getCreditNote(@PathParam("id") String id) {
        return run("GET", null, get("credit_notes", r -> sandbox.state().getCreditNote(id)));
    }

    @GET
    @Path("v1/events")
    public Response listEvents() {
        return run("GET", null, get("events", r -> sandbox.listEvents(r.params())));
    }

    @GET
    @Path("v1/events/{id}")
    public Response getEvent(@PathParam("id") String id) {
        return run("GET", null, get("events", r -> sandbox.getEvent(id)));
    }

    /**
     * Stripe's own step at the end of a subscription period: the period's draft invoice, its metered lines following
     * the meter events until finalization (see {@link StripeState#draftSubscriptionInvoice}); emits invoice.created.
     */
    @POST
    @Path("_sandbox/subscription-invoices")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response draftSubscriptionInvoice(String body) {
        try {
            com.fasterxml.jackson.databind.JsonNode p = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
            return Response.ok(sandbox.change(null, null, "invoice.created",
                    () -> sandbox.state().draftSubscriptionInvoice(p))).build();
        } catch (io.meterbridge.sandbox.SandboxException e) {
            return Response.status(400).entity(java.util.Map.of("error", java.util.Map.of("message", e.getMessage())))
                    .build();
        } catch (java.io.IOException e) {
            return Response.status(400).entity(java.util.Map.of("error", java.util.Map.of("message", "not JSON")))
                    .build();
        }
    }

    /** Summed meter event values per (event_name, customer): what Stripe would bill from its meters. */
    @GET
    @Path("_sandbox/meter-totals")
    public List<StripeState.MeterTotal> meterTotals() {
        return sandbox.state().meterTotals();
    }

    /**
     * What the invoice of a subscription period bills from a meter: the events timestamped in [start, end) that
     * arrived (on the sandbox clock) before the invoice was finalized, end + finalization_grace_seconds (default 1 h).
     */
    @GET
    @Path("_sandbox/meter-usage")
    public Response meterUsage(@jakarta.ws.rs.QueryParam("event_name") String eventName,
            @jakarta.ws.rs.QueryParam("customer") String customer, @jakarta.ws.rs.QueryParam("start") long start,
            @jakarta.ws.rs.QueryParam("end") long end,
            @jakarta.ws.rs.QueryParam("finalization_grace_seconds") @jakarta.ws.rs.DefaultValue("3600") long grace) {
        try {
            return Response.ok(sandbox.state().periodUsage(eventName, customer, start, end, grace)).build();
        } catch (io.meterbridge.sandbox.SandboxException e) {
            return Response.status(400).entity(java.util.Map.of("error", java.util.Map.of("message", e.getMessage())))
                    .build();
        }
    }
}
