package io.meterbridge.sandbox.netsuite;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.sandbox.ErrorKind;
import io.meterbridge.sandbox.Operation;
import io.meterbridge.sandbox.SandboxPipeline;
import io.meterbridge.sandbox.SandboxRequest;
import io.meterbridge.sandbox.SandboxResource;
import io.meterbridge.sandbox.SandboxResponse;
import io.meterbridge.sandbox.SpecValidator;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * NetSuite-compatible endpoints under /sandbox/netsuite, in NetSuite's own path layout after the account host:
 * {@code /services/rest/record/v1/{record}...} (point a client's base URL at
 * http://127.0.0.1:8080/sandbox/netsuite/services/rest/record/v1), {@code /services/rest/auth/oauth2/v1/token} and
 * {@code /services/rest/async/v1/job/{id}}. Control API: /sandbox/netsuite/_sandbox/... (docs/api/sandboxes.md).
 */
@Path(NetSuiteSandbox.ROOT)
// Public by design (default run and tests only; off in prod): each sandbox checks the vendor's own credentials.
@PermitAll
public class NetSuiteSandboxResource extends SandboxResource {

    private static final String RECORDS = "services/rest/record/v1/";
    private static final String ASYNC = "/services/rest/async/v1/job/";

    private final NetSuiteSandbox sandbox;

    @Context
    UriInfo uri;

    @Context
    HttpHeaders headers;

    public NetSuiteSandboxResource(NetSuiteSandbox sandbox) {
        this.sandbox = sandbox;
    }

    @Override
    protected SandboxPipeline pipeline() {
        return sandbox.pipeline();
    }

    // ---- records

    @POST
    @Path(RECORDS + "{type}")
    @Consumes(MediaType.WILDCARD)
    public Response create(@PathParam("type") String type, String body) {
        return write("POST", "/" + type, type, body, true, (r, base) -> {
            NetSuiteState.Written w = sandbox.state().create(type, r.params());
            return created(r, base, w);
        });
    }

    @PUT
    @Path(RECORDS + "{type}/{id}")
    @Consumes(MediaType.WILDCARD)
    public Response upsert(@PathParam("type") String type, @PathParam("id") String id, String body) {
        return write("PUT", "/" + type + "/" + id, type, body, false, (r, base) -> {
            if (!id.startsWith("eid:")) {
                throw new io.meterbridge.sandbox.SandboxException(400, ErrorKind.INVALID_REQUEST, "USER_ERROR",
                        "PUT (upsert) needs an external id in the path: /" + type + "/eid:<externalId>.", "id");
            }
            return created(r, base, sandbox.state().upsert(type, id.substring(4), r.params()));
        });
    }

    @PATCH
    @Path(RECORDS + "{type}/{id}")
    @Consumes(MediaType.WILDCARD)
    public Response update(@PathParam("type") String type, @PathParam("id") String id, String body) {
        return write("PATCH", "/" + type + "/" + id, type, body, false,
                (r, base) -> created(r, base, sandbox.state().update(type, id, r.params())));
    }

    /** Templated like the other record paths: a literal "invoice/" here would shadow POST /invoice in the router. */
    @POST
    @Path(RECORDS + "{type}/{id}/!transform/{target}")
    @Consumes(MediaType.WILDCARD)
    public Response transform(@PathParam("type") String type, @PathParam("id") String id,
            @PathParam("target") String target, String body) {
        if (!type.equals("invoice") || !target.equals("creditMemo")) {
            return unknownRecordType(request("POST", body), type + " to " + target + " transform");
        }
        // not in the excerpt: the body is checked against POST /creditMemo (the transformed record's schema)
        return write("POST", "/creditMemo", "creditMemo", body, true, (r, base) -> created(r, base,
                sandbox.state().transformInvoiceToCreditMemo(id, r.params().isEmpty() ? emptyObject() : r.params())));
    }

    @GET
    @Path(RECORDS + "{type}/{id}")
    public Response get(@PathParam("type") String type, @PathParam("id") String id) {
        SandboxRequest request = request("GET", null);
        if (!NetSuiteState.TYPES.contains(type)) {
            return unknownRecordType(request, type);
        }
        String base = recordBase();
        return toResponse(sandbox.governed(request, () -> sandbox.pipeline().handle(request,
                new Operation(type, null, false, r -> SandboxResponse.of(200, sandbox.state().get(type, id, base))))));
    }

    // ---- async jobs (Prefer: respond-async)

    @GET
    @Path("services/rest/async/v1/job/{id}")
    public Response job(@PathParam("id") String id) {
        SandboxRequest request = request("GET", null);
        return toResponse(sandbox.governed(request, () -> sandbox.pipeline().handle(request,
                new Operation("job", null, false, r -> {
                    String location = jobOrNotFound(id);
                    ObjectNode job = JsonNodeFactory.instance.objectNode().put("id", id).put("completed", true)
                            .put("progress", "succeeded");
                    job.putArray("links").addObject().put("rel", "self").put("href", jobBase() + id);
                    job.putArray("task").addObject().put("id", id).put("result", jobBase() + id + "/task/" + id
                            + "/result").put("recordLocation", location);
                    return SandboxResponse.of(200, job);
                }))));
    }

    @GET
    @Path("services/rest/async/v1/job/{id}/task/{task}/result")
    public Response jobResult(@PathParam("id") String id, @PathParam("task") String task) {
        SandboxRequest request = request("GET", null);
        return toResponse(sandbox.governed(request, () -> sandbox.pipeline().handle(request,
                new Operation("job", null, false, r -> new SandboxResponse(204, null, Map.of("Location", jobOrNotFound(id)))))));
    }

    private String jobOrNotFound(String id) {
        String location = sandbox.job(id);
        if (location == null) {
            throw new io.meterbridge.sandbox.SandboxException(404, ErrorKind.NOT_FOUND, null,
                    "The job does not exist.", null);
        }
        return location;
    }

    // ---- OAuth 2.0 client credentials

    /**
     * Token endpoint (client credentials). The client is authenticated with HTTP basic or client_id/client_secret form
     * fields, or, in NetSuite's machine-to-machine flow, with a certificate-signed JWT ({@code client_assertion_type}
     * jwt-bearer and {@code client_assertion}, checked by {@link M2mAssertions}; a refused assertion answers
     * invalid_request, invalid_client or invalid_grant). Never journaled (the body holds the secret or the assertion).
     */
    @POST
    @Path("services/rest/auth/oauth2/v1/token")
    @Consumes(MediaType.WILDCARD)
    public Response token(String body) {
        Map<String, String> form = new TreeMap<>();
        if (body != null) {
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    form.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        if (!"client_credentials".equals(form.get("grant_type"))) {
            return Response.status(400).type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("error", "unsupported_grant_type")).build();
        }
        if (form.containsKey("client_assertion_type") || form.containsKey("client_assertion")) {
            if (!M2mAssertions.ASSERTION_TYPE.equals(form.get("client_assertion_type"))) {
                return tokenError(400, "invalid_request", "client_assertion_type must be " + M2mAssertions.ASSERTION_TYPE);
            }
            String tokenUrl = uri.getBaseUriBuilder().path(NetSuiteSandbox.ROOT)
                    .path("services/rest/auth/oauth2/v1/token").build().toString();
            M2mAssertions.Outcome outcome = sandbox.verifyAssertion(form.get("client_assertion"), tokenUrl);
            if (outcome.refusal() != null) {
                return tokenError(outcome.refusal().status(), outcome.refusal().error(),
                        outcome.refusal().description());
            }
            return tokenAnswer(sandbox.mintToken());
        }
        String clientId = form.get("client_id");
        String clientSecret = form.get("client_secret");
        String authorization = headers.getHeaderString("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                        StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                clientId = colon < 0 ? decoded : decoded.substring(0, colon);
                clientSecret = colon < 0 ? "" : decoded.substring(colon + 1);
            } catch (IllegalArgumentException e) {
                clientId = null;
            }
        }
        Optional<String> token = clientId == null ? Optional.empty() : sandbox.issueToken(clientId, clientSecret);
        if (token.isEmpty()) {
            return Response.status(401).type(MediaType.APPLICATION_JSON).entity(Map.of("error", "invalid_client"))
                    .build();
        }
        return tokenAnswer(token.get());
    }

    private Response tokenAnswer(String token) {
        ObjectNode answer = JsonNodeFactory.instance.objectNode().put("access_token", token)
                .put("token_type", "Bearer").put("expires_in", sandbox.config().accessTokenLifetime().toSeconds());
        return Response.ok(answer, MediaType.APPLICATION_JSON_TYPE).header("Cache-Control", "no-store").build();
    }

    private static Response tokenError(int status, String error, String description) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", error, "error_description", description)).build();
    }

    // ---- control API (besides requests, faults and stats from SandboxResource)

    /** The records the sandbox holds, of one type ({@code ?type=invoice}) or counted per type. */
    @GET
    @Path("_sandbox/records")
    public Response records(@QueryParam("type") String type) {
        if (type == null || type.isBlank()) {
            return Response.ok(sandbox.state().counts()).build();
        }
        if (!NetSuiteState.TYPES.contains(type)) {
            return Response.status(400).entity(Map.of("error", "type must be one of " + NetSuiteState.TYPES)).build();
        }
        return Response.ok(sandbox.state().list(type)).build();
    }

    @DELETE
    @Path("_sandbox/records")
    public Response forgetRecords() {
        sandbox.state().clear();
        return Response.noContent().build();
    }

    @GET
    @Path("_sandbox/concurrency")
    public Map<String, Integer> concurrency() {
        return sandbox.concurrency();
    }

    /** {@code {"limit": 5}}: the account's concurrency pool; also restarts the maxConcurrency high-water mark. */
    @PUT
    @Path("_sandbox/concurrency")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response setConcurrency(Map<String, Integer> body) {
        try {
            Integer limit = body == null ? null : body.get("limit");
            sandbox.concurrency(limit == null ? sandbox.config().concurrencyLimit() : limit);
            return Response.ok(sandbox.concurrency()).build();
        } catch (IllegalArgumentException e) {
            return Response.status(400).entity(Map.of("error", e.getMessage())).build();
        }
    }

    // ---- plumbing

    private interface Effect {
        SandboxResponse apply(SandboxRequest request, String recordBase);
    }

    private Response write(String method, String specPath, String type, String body, boolean create, Effect effect) {
        String base = recordBase();
        SandboxRequest request = request(method, body);
        if (!NetSuiteState.TYPES.contains(type)) {
            return unknownRecordType(request, type);
        }
        String bodyProblem = bodyProblem(body);
        Function<SandboxRequest, Optional<SpecValidator.Violation>> check = r -> bodyProblem != null
                ? Optional.of(new SpecValidator.Violation(null, bodyProblem, "INVALID_CONTENT"))
                : sandbox.validate(method, specPath, r, body);
        boolean async = "respond-async".equalsIgnoreCase(trim(request.header("Prefer")));
        Operation operation = new Operation(type, null, create, r -> {
            SandboxResponse done = effect.apply(r, base);
            if (async && done.status() == 204) {
                String job = sandbox.registerJob(done.headers().get("Location"));
                return new SandboxResponse(202, null, Map.of("Location", jobBase() + job));
            }
            return done;
        }, check);
        return toResponse(sandbox.governed(request, () -> sandbox.pipeline().handle(request, operation)));
    }

    private static SandboxResponse created(SandboxRequest request, String base, NetSuiteState.Written written) {
        return new SandboxResponse(204, null, Map.of("Location", base + "/" + written.type() + "/" + written.id()));
    }

    private Response unknownRecordType(SandboxRequest request, String type) {
        SandboxResponse response = sandbox.dialect().error(404, ErrorKind.NOT_FOUND, null,
                "Record type '" + type + "' is not supported by this sandbox (" + NetSuiteState.TYPES + ").", null);
        sandbox.pipeline().journal().record(request, null, response, false, null);
        return toResponse(response);
    }

    private static String bodyProblem(String body) {
        if (body == null || body.isBlank()) {
            return null; // the spec validator reports a missing required body
        }
        try {
            JsonNode parsed = JSON_READER.readTree(body);
            return parsed != null && parsed.isObject() ? null : "Invalid content: the request body must be a JSON object.";
        } catch (java.io.IOException e) {
            return "Invalid content: the request body is not valid JSON.";
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON_READER =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * The request as the pipeline sees it: raw path below /sandbox/netsuite, the JSON body as parameters, and the
     * idempotency key only when NetSuite honours it (a POST with Prefer: respond-async).
     */
    private SandboxRequest request(String method, String body) {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        MultivaluedMap<String, String> all = headers.getRequestHeaders();
        all.forEach((name, values) -> {
            if (!values.isEmpty()) {
                h.put(name, values.get(0));
            }
        });
        if (!"respond-async".equalsIgnoreCase(trim(h.get("Prefer")))) {
            h.remove("X-NetSuite-Idempotency-Key");
        }
        String rawPath = uri.getRequestUri().getRawPath();
        String path = rawPath.startsWith(NetSuiteSandbox.ROOT) ? rawPath.substring(NetSuiteSandbox.ROOT.length()) : rawPath;
        ObjectNode params = JsonNodeFactory.instance.objectNode();
        if (body != null && !body.isBlank()) {
            try {
                JsonNode parsed = JSON_READER.readTree(body);
                if (parsed != null && parsed.isObject()) {
                    params = (ObjectNode) parsed;
                }
            } catch (java.io.IOException e) {
                // reported by the check
            }
        }
        return new SandboxRequest(method.toUpperCase(Locale.ROOT), path, uri.getRequestUri().getRawQuery(), h, params);
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }

    private static ObjectNode emptyObject() {
        return JsonNodeFactory.instance.objectNode();
    }

    private String origin() {
        String base = uri.getBaseUri().toString();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    private String recordBase() {
        return origin() + NetSuiteSandbox.ROOT + NetSuiteSandbox.RECORD_PATH;
    }

    private String jobBase() {
        return origin() + NetSuiteSandbox.ROOT + ASYNC;
    }
}
