package io.meterbridge.sandbox.chargebee;

import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.sandbox.Operation;
import io.meterbridge.sandbox.SandboxPipeline;
import io.meterbridge.sandbox.SandboxRequest;
import io.meterbridge.sandbox.SandboxResource;
import io.meterbridge.sandbox.SandboxResponse;
import io.meterbridge.sandbox.SpecValidator;
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

    @POST
    @Path("api/v2/invoices/create_for_charge_items_and_charges")
    @Consumes(MediaType.WILDCARD)
    public Response createInvoiceForCharges(String body) {
        return run("POST", body, "invoices", sandbox.createInvoiceForCharges(),
                r -> sandbox.state().createInvoiceForCharges(r.params()));
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
