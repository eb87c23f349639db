package io.meterbridge.sandbox.crm;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.sandbox.SandboxConfig;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The built-in CRM sandbox: a small Salesforce-style REST API for Tasks, served by the hub itself under
 * {@code /sandbox/crm} when {@code hub.sandbox.enabled} is true (default run and tests; the production image has no
 * sandboxes). It checks the bearer token itself ({@code hub.sandbox.crm.access-token}); no hub login.
 * The control API under {@code /_sandbox} lists received requests (Authorization masked) and tasks, and switches
 * faults. Reference: docs/api/sandboxes.md#crm-sandbox.
 */
@Path("/sandbox/crm")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "CRM sandbox")
// Public by design (default run and tests only; off in prod): each sandbox checks the vendor's own credentials.
@PermitAll
public class CrmSandboxResource {

    static final String TASKS = "/services/data/v60.0/sobjects/Task";
    static final String ALERT_KEY = "Meterbridge_Alert_Key__c";
    /** Lenient: 15 to 18 letters and digits (Salesforce ids have 15 or 18; the demo's account id has 16). */
    private static final Pattern SALESFORCE_ID = Pattern.compile("[A-Za-z0-9]{15,18}");

    private final CrmSandbox sandbox;
    private final SandboxConfig config;
    private final ObjectMapper mapper;

    public CrmSandboxResource(CrmSandbox sandbox, SandboxConfig config, ObjectMapper mapper) {
        this.sandbox = sandbox;
        this.config = config;
        this.mapper = mapper;
    }

    @POST
    @Path(TASKS)
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Create a Task (Salesforce sObject API)")
    public Response createTask(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, String body) {
        Response response = guarded(authorization, () -> create(body));
        return journal("POST", TASKS, authorization, contentType, body, response);
    }

    @GET
    @Path(TASKS + "/{id}")
    @Operation(summary = "Read a Task by id")
    public Response getTask(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("id") String id) {
        Response response = guarded(authorization, () -> {
            ObjectNode task = sandbox.task(id);
            if (task == null) {
                return error(404, "NOT_FOUND", "The requested resource does not exist", null);
            }
            ObjectNode attributes = mapper.createObjectNode().put("type", "Task").put("url", "/services/data/v60.0/sobjects/Task/" + id);
            ObjectNode result = mapper.createObjectNode();
            result.set("attributes", attributes);
            result.setAll(task);
            return Response.ok(result).build();
        });
        return journal("GET", TASKS + "/" + id, authorization, null, null, response);
    }

    @GET
    @Path("/_sandbox/requests")
    @Operation(summary = "Requests the sandbox received, oldest first (Authorization masked)")
    public Response requests() {
        return enabled() ? Response.ok(sandbox.requests()).build() : notFound();
    }

    @DELETE
    @Path("/_sandbox/requests")
    @Operation(summary = "Forget the received requests")
    public Response clearRequests() {
        if (!enabled()) {
            return notFound();
        }
        sandbox.clearRequests();
        return Response.noContent().build();
    }

    @GET
    @Path("/_sandbox/tasks")
    @Operation(summary = "Every task created, oldest first")
    public Response tasks() {
        return enabled() ? Response.ok(sandbox.tasks()).build() : notFound();
    }

    @GET
    @Path("/_sandbox/faults")
    @Operation(summary = "The fault switches")
    public Response faults() {
        return enabled() ? Response.ok(sandbox.faults()).build() : notFound();
    }

    @PUT
    @Path("/_sandbox/faults")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace the fault switches (missing fields: off)")
    public Response faults(CrmSandbox.Faults faults) {
        return enabled() ? Response.ok(sandbox.faults(faults)).build() : notFound();
    }

    private Response create(String body) {
        JsonNode parsed;
        try {
            parsed = body == null || body.isBlank() ? null : mapper.readTree(body);
        } catch (Exception e) {
            return error(400, "JSON_PARSER_ERROR", "The request body is not valid JSON", null);
        }
        if (parsed == null || !parsed.isObject()) {
            return error(400, "JSON_PARSER_ERROR", "The request body must be a JSON object", null);
        }
        ObjectNode fields = (ObjectNode) parsed;
        if (!fields.path("Subject").isTextual() || fields.path("Subject").asText().isBlank()) {
            return error(400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [Subject]", "Subject");
        }
        for (String field : List.of("WhatId", "WhoId")) {
            JsonNode value = fields.get(field);
            if (value != null && !value.isNull() && !(value.isTextual() && SALESFORCE_ID.matcher(value.asText()).matches())) {
                return error(400, "MALFORMED_ID", (field.equals("WhatId") ? "What ID" : "Who ID")
                        + ": id value of incorrect type: " + value.asText(), field);
            }
        }
        JsonNode key = fields.get(ALERT_KEY);
        String alertKey = key == null || key.isNull() || key.asText().isBlank() ? null : key.asText();
        CrmSandbox.Created created = sandbox.create(fields, alertKey);
        if (!created.created()) {
            return error(400, "DUPLICATE_VALUE", "duplicate value found: " + ALERT_KEY
                    + " duplicates value on record with id: " + created.id(), List.of());
        }
        ObjectNode result = mapper.createObjectNode().put("id", created.id()).put("success", true);
        result.putArray("errors");
        return Response.status(201).entity(result).build();
    }

    /** The order a gateway would apply: delay, outage, authentication, rate limit, server errors, then the call. */
    private Response guarded(String authorization, java.util.function.Supplier<Response> call) {
        if (!enabled()) {
            return notFound();
        }
        CrmSandbox.Fault fault = sandbox.nextFault();
        if (fault.delayMs() > 0) {
            try {
                Thread.sleep(fault.delayMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (fault.kind() == CrmSandbox.Fault.Kind.DOWN) {
            return error(503, "SERVER_UNAVAILABLE", "The CRM sandbox is down (fault switch 'down')", null);
        }
        if (!authorized(authorization)) {
            return Response.status(401).entity(errors(mapper.createObjectNode()
                    .put("message", "Session expired or invalid").put("errorCode", "INVALID_SESSION_ID"))).build();
        }
        if (fault.kind() == CrmSandbox.Fault.Kind.RATE_LIMITED) {
            return Response.fromResponse(error(429, "REQUEST_LIMIT_EXCEEDED",
                    "TotalRequests Limit exceeded (fault switch 'rateLimitNext')", null))
                    .header("Retry-After", String.valueOf(fault.retryAfterSeconds())).build();
        }
        if (fault.kind() == CrmSandbox.Fault.Kind.SERVER_ERROR) {
            return error(fault.status(), "SERVER_UNAVAILABLE", "Simulated server error (fault switch 'serverErrorNext')", null);
        }
        return call.get();
    }

    private boolean authorized(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, config.crm().accessToken().getBytes(StandardCharsets.UTF_8));
    }

    private Response journal(String method, String path, String authorization, String contentType, String body,
            Response response) {
        if (enabled()) {
            Map<String, String> headers = new LinkedHashMap<>();
            if (authorization != null) {
                headers.put(HttpHeaders.AUTHORIZATION, mask(authorization));
            }
            if (contentType != null) {
                headers.put(HttpHeaders.CONTENT_TYPE, contentType);
            }
            sandbox.record(method, path, headers, body, response.getStatus());
        }
        return response;
    }

    /** "Bearer ****": the scheme stays readable, the credential never is. */
    static String mask(String authorization) {
        int space = authorization.indexOf(' ');
        return space > 0 ? authorization.substring(0, space) + " ****" : "****";
    }

    private boolean enabled() {
        return config.enabled();
    }

    private Response notFound() {
        return Response.status(404).build();
    }

    private Response error(int status, String code, String message, Object fields) {
        ObjectNode error = mapper.createObjectNode().put("message", message).put("errorCode", code);
        if (fields instanceof String field) {
            error.putArray("fields").add(field);
        } else if (fields instanceof List<?>) {
            error.putArray("fields");
        }
        return Response.status(status).entity(errors(error)).type(MediaType.APPLICATION_JSON).build();
    }

    private ArrayNode errors(ObjectNode error) {
        return mapper.createArrayNode().add(error);
    }
}
