package io.meterbridge.sandbox.bc;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.sandbox.SandboxPipeline;
import io.meterbridge.sandbox.SandboxRequest;
import io.meterbridge.sandbox.SandboxResource;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * Business-Central-compatible endpoints under /sandbox/bc, laid out like api.businesscentral.dynamics.com:
 * {@code /sandbox/bc/v2.0/{tenant}/{environment}/api/v2.0/companies({companyId})/...} and {@code .../api/v2.0/$batch}.
 * Tokens: {@code POST /sandbox/bc/oauth2/token} (client credentials). Control API: /sandbox/bc/_sandbox/...
 */
@Path(BcSandboxResource.ROOT)
// Public by design (default run and tests only; off in prod): each sandbox checks the vendor's own credentials.
@PermitAll
public class BcSandboxResource extends SandboxResource {

    static final String ROOT = "/sandbox/bc";

    private final BcSandbox sandbox;

    @Context
    UriInfo uri;

    @Context
    HttpHeaders headers;

    public BcSandboxResource(BcSandbox sandbox) {
        this.sandbox = sandbox;
    }

    @Override
    protected SandboxPipeline pipeline() {
        return sandbox.pipeline();
    }

    /**
     * OAuth 2.0 client credentials, shaped like Entra ID's token endpoint: any non-empty client id and secret get a
     * bearer token for 3,599 s. Never journaled (the body holds the secret).
     */
    @POST
    @Path("oauth2/token")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response token(@FormParam("grant_type") String grantType, @FormParam("client_id") String clientId,
            @FormParam("client_secret") String clientSecret, @FormParam("scope") String scope) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        if (!"client_credentials".equals(grantType)) {
            body.put("error", "unsupported_grant_type");
            body.put("error_description", "AADSTS70003: The app requested an unsupported grant type.");
            return Response.status(400).entity(body).type(MediaType.APPLICATION_JSON_TYPE).build();
        }
        if (clientId == null || clientId.isBlank() || clientSecret == null || clientSecret.isBlank()) {
            body.put("error", "invalid_client");
            body.put("error_description", "AADSTS7000215: Invalid client secret provided.");
            return Response.status(401).entity(body).type(MediaType.APPLICATION_JSON_TYPE).build();
        }
        sandbox.tokenIssued();
        body.put("token_type", "Bearer");
        body.put("expires_in", BcTokens.LIFETIME.toSeconds());
        body.put("ext_expires_in", BcTokens.LIFETIME.toSeconds());
        body.put("access_token", sandbox.tokens().issue(clientId.trim()));
        return Response.ok(body).type(MediaType.APPLICATION_JSON_TYPE).build();
    }

    @GET
    @Path("v2.0/{tenant}/{environment}/api/v2.0/{path: .+}")
    public Response get(@PathParam("tenant") String tenant, @PathParam("environment") String environment,
            @PathParam("path") String path) {
        return run("GET", tenant, environment, path, null);
    }

    @POST
    @Path("v2.0/{tenant}/{environment}/api/v2.0/{path: .+}")
    @Consumes(MediaType.WILDCARD)
    public Response post(@PathParam("tenant") String tenant, @PathParam("environment") String environment,
            @PathParam("path") String path, String body) {
        return run("POST", tenant, environment, path, body);
    }

    @PATCH
    @Path("v2.0/{tenant}/{environment}/api/v2.0/{path: .+}")
    @Consumes(MediaType.WILDCARD)
    public Response patch(@PathParam("tenant") String tenant, @PathParam("environment") String environment,
            @PathParam("path") String path, String body) {
        return run("PATCH", tenant, environment, path, body);
    }

    @DELETE
    @Path("v2.0/{tenant}/{environment}/api/v2.0/{path: .+}")
    public Response delete(@PathParam("tenant") String tenant, @PathParam("environment") String environment,
            @PathParam("path") String path) {
        return run("DELETE", tenant, environment, path, null);
    }

    private Response run(String method, String tenant, String environment, String path, String body) {
        Map<String, String> hs = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.getRequestHeaders().forEach((name, values) -> {
            if (!values.isEmpty()) {
                hs.put(name, values.get(0));
            }
        });
        String query = uri.getRequestUri().getRawQuery();
        ObjectNode params = JsonNodeFactory.instance.objectNode();
        boolean malformed = false;
        if (body != null && !body.isBlank()) {
            try {
                JsonNode parsed = sandbox.mapper().readTree(body);
                malformed = parsed == null || !parsed.isObject();
                if (!malformed) {
                    params = (ObjectNode) parsed;
                }
            } catch (java.io.IOException e) {
                malformed = true;
            }
        } else if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                params.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        String fullPath = "/" + uri.getPath().replaceFirst("^/", "");
        SandboxRequest request = new SandboxRequest(method.toUpperCase(Locale.ROOT),
                fullPath.substring(ROOT.length()), query, hs, params);
        return toResponse(sandbox.handle(request, tenant + "/" + environment, "/" + path, malformed));
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** maxConcurrency (overall and per user), concurrencyRejected and tokensIssued, beside the pipeline's counters. */
    @Override
    protected Map<String, Object> extraStats() {
        return sandbox.extraStats();
    }

    /**
     * Revokes every access token issued so far (as an expiry or an admin's revocation in Entra ID would): the next
     * request with one of them is a 401, and a client must fetch a new token.
     */
    @DELETE
    @Path("_sandbox/tokens")
    public Response revokeTokens() {
        sandbox.tokens().revokeAll();
        return Response.noContent().build();
    }

    /**
     * What the sandbox holds, for walkthroughs and tests: {@code type} = customers, salesInvoices (status, number,
     * lines, totals), salesCreditMemos, journals (with their unposted lines) or generalLedgerEntries.
     */
    @GET
    @Path("_sandbox/records")
    @Produces(MediaType.APPLICATION_JSON)
    public Response records(@QueryParam("type") String type) {
        List<String> types = List.of("customers", "salesInvoices", "salesCreditMemos", "journals",
                "generalLedgerEntries");
        if (type == null || !types.contains(type)) {
            return Response.status(400).entity(Map.of("error", "type must be one of " + types)).build();
        }
        return Response.ok(sandbox.records(type)).build();
    }

    /**
     * Targeted lost answers: {"method":"POST","pathSuffix":"/salesInvoices","count":1} makes the next such request
     * take effect and answer 500. {} switches it off.
     */
    @jakarta.ws.rs.PUT
    @Path("_sandbox/lose-answers")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response loseAnswers(String body) {
        try {
            BcSandbox.LoseAnswers next = body == null || body.isBlank() || body.trim().equals("{}") ? null
                    : sandbox.mapper().readValue(body, BcSandbox.LoseAnswers.class);
            if (next != null && (next.method() == null || next.pathSuffix() == null)) {
                return Response.status(400).entity(Map.of("error", "method and pathSuffix are required")).build();
            }
            sandbox.loseAnswers(next);
            return Response.ok(next == null ? Map.of() : next).build();
        } catch (java.io.IOException e) {
            return Response.status(400).entity(Map.of("error", String.valueOf(e.getMessage()).split("\n")[0])).build();
        }
    }

    /** Forgets every record (customers, documents, journals, ledger entries) of every company. */
    @DELETE
    @Path("_sandbox/records")
    public Response clearRecords() {
        sandbox.clearRecords();
        return Response.noContent().build();
    }
}
