package io.meterbridge.sandbox;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Base of a sandbox's JAX-RS resource: the control API under {@code <root>/_sandbox/} (requests, faults, stats) and the
 * conversion of {@link SandboxResponse} to JAX-RS. A subclass adds {@code @Path("/sandbox/<vendor>")} and the vendor's
 * endpoints. The control API needs no credentials: the sandboxes hold test data only and are off in prod.
 */
@Produces(MediaType.APPLICATION_JSON)
public abstract class SandboxResource {

    @Inject
    protected ObjectMapper mapper;

    protected abstract SandboxPipeline pipeline();

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
}
