package io.meterbridge.sandbox.chargebee;

import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.sandbox.Operation;
import io.meterbridge.sandbox.SandboxPipeline;
import io.meterbridge.sandbox.SandboxRequest;
import io.meterbridge.sandbox.SandboxResource;
import io.meterbridge.sandbox.SandboxResponse;
import io.meterbridge.sandbox.SpecValidator;
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
 * Chargebee-compatible endpoints under /sandbox/chargebee (in place of https://{site}.chargebee.com): usages and
 * invoices for one-off charges. Control API: /sandbox/chargebee/_sandbox/...
 */
@Path(ChargebeeSandboxResource.ROOT)
// Public by design (default run and tests only; off in prod): each sandbox checks the vendor's own credentials.
@PermitAll
public class ChargebeeSandboxResource extends SandboxResource {

    static final String ROOT = "/sandbox/chargebee";

    private final ChargebeeSandbox sandbox;

    @Context
    UriInfo uri;

    @Context
    HttpHeaders headers;

    public ChargebeeSandboxResource(ChargebeeSandbox sandbox) {
        this.sandbox = sandbox;
    }

    @Override
    protected SandboxPipeline pipeline() {
        return sandbox.pipeline();
    }

    private Response run(String method, String body, String name, SpecValidator validator,
            Function<SandboxRequest, JsonNode> effect) {
        SandboxRequest request = SandboxRequest.of(method, ROOT, uri, headers, body);
        return toResponse(sandbox.pipeline().handle(request,
                new Operation(name, validator, method.equals("POST"), r -> SandboxResponse.of(200, effect.apply(r)))));
    }

    @POST
    @Path("api/v2/subscriptions/{subscriptionId}/usages")
    @Consumes(MediaType.WILDCARD)
    public Response createUsage(@PathParam("subscriptionId") String subscriptionId, String body) {
        return run("POST", body, "usages", sandbox.createUsage(),
                r -> sandbox.state().createUsage(subscriptionId, r.params()));
    }

    @GET
    @Path("api/v2/usages")
    public Response listUsages() {
        return run("GET", null, "usages", null, r -> sandbox.state().listUsages(r.params()));
    }

    @Override
    protected io.meterbridge.sandbox.WebhookDispatcher webhooks() {
        return sandbox.webhooks();
    }

    @POST
    @Path("api/v2/invoices/create_for_charge_items_and_charges")
    @Consumes(MediaType.WILDCARD)
    public Response createInvoiceForCharges(String body) {
        return run("POST", body, "invoices", sandbox.createInvoiceForCharges(),
                r -> sandbox.change(c -> "invoice_generated", () -> sandbox.state().createInvoiceForCharges(r.params())));
    }

    @POST
    @Path("api/v2/invoices/{id}/record_payment")
    @Consumes(MediaType.WILDCARD)
    public Response recordPayment(@PathParam("id") String id, String body) {
        return run("POST", body, "invoices", sandbox.recordPayment(), r -> sandbox.change(
                c -> c.at("/transaction/status").asText().equals("success") ? "payment_succeeded" : "payment_failed",
                () -> sandbox.state().recordPayment(id, r.params())));
    }

    /**
     * A refund of a paid invoice: the credit note it makes is announced (credit_note_created), then the refund
     * (payment_refunded, with the transaction, the invoice and the credit note), as Chargebee does.
     */
    @POST
    @Path("api/v2/invoices/{id}/refund")
    @Consumes(MediaType.WILDCARD)
    public Response refundInvoice(@PathParam("id") String id, String body) {
        return run("POST", body, "invoices", sandbox.refundInvoice(), r -> sandbox.change(c -> "payment_refunded",
                () -> {
                    com.fasterxml.jackson.databind.node.ObjectNode refunded = sandbox.state().refundInvoice(id, r.params());
                    com.fasterxml.jackson.databind.node.ObjectNode note = com.fasterxml.jackson.databind.node
                            .JsonNodeFactory.instance.objectNode();
                    note.set("credit_note", refunded.get("credit_note").deepCopy());
                    sandbox.emit("credit_note_created", note);
                    return refunded;
                }));
    }

    @POST
    @Path("api/v2/credit_notes")
    @Consumes(MediaType.WILDCARD)
    public Response createCreditNote(String body) {
        return run("POST", body, "credit_notes", sandbox.createCreditNote(),
                r -> sandbox.change(c -> "credit_note_created", () -> sandbox.state().createCreditNote(r.params())));
    }

    @GET
    @Path("api/v2/credit_notes/{id}")
    public Response getCreditNote(@PathParam("id") String id) {
        return run("GET", null, "credit_notes", null, r -> sandbox.state().getCreditNote(id));
    }

    @GET
    @Path("api/v2/events")
    public Response listEvents() {
        return run("GET", null, "events", null, r -> sandbox.listEvents(r.params()));
    }

    @GET
    @Path("api/v2/events/{id}")
    public Response getEvent(@PathParam("id") String id) {
        return run("GET", null, "events", null, r -> sandbox.getEvent(id));
    }

    @GET
    @Path("api/v2/invoices/{id}")
    public Response getInvoice(@PathParam("id") String id) {
        return run("GET", null, "invoices", null, r -> sandbox.state().getInvoice(id));
    }

    @GET
    @Path("api/v2/invoices")
    public Response listInvoices() {
        return run("GET", null, "invoices", null, r -> sandbox.state().listInvoices(r.params()));
    }
}
