package io.meterbridge.sandbox;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Base of a sandbox's JAX-RS resource: the control API under {@code <root>/_sandbox/} (requests, faults, clock, stats) and the
 * conversion of {@link SandboxResponse} to JAX-RS. A subclass adds {@code @Path("/sandbox/<vendor>")} and the vendor's
 * endpoints. The control API needs no credentials: the sandboxes hold test data only and are off in prod.
 */
@Produces(MediaType.APPLICATION_JSON)
// Public by design (default run and tests only; off in prod): each sandbox checks the vendor's own credentials.
@PermitAll
public abstract class SandboxResource {

    @Inject
    protected ObjectMapper mapper;

    protected abstract SandboxPipeline pipeline();

    /** The sandbox's events and webhook deliveries; null when it sends none (the webhook control API answers 404). */
    protected WebhookDispatcher webhooks() {
        return null;
    }

    public static Response toResponse(SandboxResponse response) {
        Response.ResponseBuilder builder = Response.status(response.status());
        if (response.body() != null) {
            builder.entity(response.body()).type(MediaType.APPLICATION_JSON_TYPE);
        }
        response.headers().forEach(builder::header);
        return builder.build();
    }

    @GET
    @Path("_sandbox/requests")
    public List<RequestJournal.Entry> requests() {
        return pipeline().journal().entries();
    }

    @DELETE
    @Path("_sandbox/requests")
    public Response forgetRequests() {
        pipeline().journal().clear();
        return Response.noContent().build();
    }

    @GET
    @Path("_sandbox/faults")
    public SandboxFaults.Settings faults() {
        return pipeline().faults().settings();
    }

    @PUT
    @Path("_sandbox/faults")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response setFaults(String body) {
        try {
            SandboxFaults.Settings settings = body == null || body.isBlank() ? SandboxFaults.Settings.none()
                    : mapper.readerFor(SandboxFaults.Settings.class)
                            .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                            .readValue(body);
            pipeline().faults().set(settings);
            return Response.ok(pipeline().faults().settings()).build();
        } catch (IllegalArgumentException | java.io.IOException e) {
            return Response.status(400).entity(Map.of("error", String.valueOf(e.getMessage()).split("\n")[0])).build();
        }
    }

    /** The sandbox's clock: {@code now} (ISO-8601, UTC) and how far it is ahead of real time. */
    @GET
    @Path("_sandbox/clock")
    public Map<String, Object> clock() {
        SandboxClock clock = pipeline().clock();
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("now", clock.now().toString());
        out.put("offsetSeconds", clock.offset().toSeconds());
        return out;
    }

    /** {"seconds": 90000} moves the clock forward: keys older than the retention are then forgotten. */
    @POST
    @Path("_sandbox/clock/advance")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response advanceClock(String body) {
        try {
            com.fasterxml.jackson.databind.JsonNode json = body == null || body.isBlank()
                    ? mapper.createObjectNode() : mapper.readTree(body);
            com.fasterxml.jackson.databind.JsonNode seconds = json.path("seconds");
            if (!json.isObject() || !seconds.canConvertToLong() || !seconds.isIntegralNumber()) {
                throw new IllegalArgumentException("expected {\"seconds\": <a positive whole number>}");
            }
            pipeline().clock().advance(java.time.Duration.ofSeconds(seconds.asLong()));
            return Response.ok(clock()).build();
        } catch (IllegalArgumentException | java.io.IOException e) {
            return Response.status(400).entity(Map.of("error", String.valueOf(e.getMessage()).split("\n")[0])).build();
        }
    }

    /** Back to real time. */
    @DELETE
    @Path("_sandbox/clock")
    public Map<String, Object> resetClock() {
        pipeline().clock().reset();
        return clock();
    }

    @GET
    @Path("_sandbox/stats")
    public Map<String, Object> stats() {
        Map<String, Object> out = new java.util.LinkedHashMap<>(pipeline().stats().snapshot());
        out.putAll(extraStats());
        return out;
    }

    /** Counters a sandbox keeps beyond the pipeline's (e.g. the highest concurrency seen), added to the stats. */
    protected Map<String, Object> extraStats() {
        return Map.of();
    }

    /** Every webhook delivery, oldest first: event id, type, status, attempts and their outcomes. */
    @GET
    @Path("_sandbox/webhooks")
    public Response webhookDeliveries() {
        WebhookDispatcher webhooks = webhooks();
        return webhooks == null ? notFound() : Response.ok(webhooks.deliveries()).build();
    }

    /** Delivers an event again (also a dropped one), with a new round of retries. */
    @POST
    @Path("_sandbox/webhooks/{eventId}/resend")
    public Response resendWebhook(@PathParam("eventId") String eventId) {
        WebhookDispatcher webhooks = webhooks();
        if (webhooks == null) {
            return notFound();
        }
        try {
            return webhooks.resend(eventId).map(d -> Response.accepted(d).build())
                    .orElseGet(() -> Response.status(404).entity(Map.of("error", "no such event: " + eventId)).build());
        } catch (IllegalStateException e) {
            return Response.status(409).entity(Map.of("error", e.getMessage())).build();
        }
    }

    @GET
    @Path("_sandbox/webhooks/endpoint")
    public Response webhookEndpoint() {
        WebhookDispatcher webhooks = webhooks();
        if (webhooks == null) {
            return notFound();
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("url", webhooks.endpoint());
        return Response.ok(out).build();
    }

    /** {"url":"http://..."} sends later deliveries (retries included) there; {"url":null} or {} restores the configured one. */
    @PUT
    @Path("_sandbox/webhooks/endpoint")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response setWebhookEndpoint(String body) {
        WebhookDispatcher webhooks = webhooks();
        if (webhooks == null) {
            return notFound();
        }
        try {
            com.fasterxml.jackson.databind.JsonNode json = body == null || body.isBlank()
                    ? mapper.createObjectNode() : mapper.readTree(body);
            if (!json.isObject()) {
                throw new IllegalArgumentException("expected a JSON object {\"url\": ...}");
            }
            com.fasterxml.jackson.databind.JsonNode url = json.get("url");
            if (url != null && !url.isNull() && !url.isTextual()) {
                throw new IllegalArgumentException("url must be a string or null");
            }
            webhooks.setEndpoint(url == null || url.isNull() ? null : url.asText());
            return webhookEndpoint();
        } catch (IllegalArgumentException | java.io.IOException e) {
            return Response.status(400).entity(Map.of("error", String.valueOf(e.getMessage()).split("\n")[0])).build();
        }
    }

    private static Response notFound() {
        return Response.status(404).entity(Map.of("error", "this sandbox sends no webhooks")).build();
    }
}
