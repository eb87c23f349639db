package io.meterbridge.sandbox.netsuite;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.sandbox.ErrorKind;
import io.meterbridge.sandbox.Operation;
import io.meterbridge.sandbox.SandboxRequest;
import io.meterbridge.sandbox.SandboxResponse;
import io.meterbridge.sandbox.VendorDialect;

/**
 * NetSuite's REST conventions: TBA (OAuth 1.0a, HMAC-SHA256, verified) or OAuth 2.0 Bearer tokens issued by the
 * sandbox's token endpoint; errors as {@code {"type","title","status","o:errorDetails":[{"detail","o:errorCode",
 * "o:errorPath"}]}}; {@code X-NetSuite-Idempotency-Key} (the resource passes it on only with
 * {@code Prefer: respond-async}). No request-rate windows: NetSuite governs by concurrency, which the resource enforces.
 */
final class NetSuiteDialect implements VendorDialect {

    private static final Logger LOG = Logger.getLogger(NetSuiteDialect.class);
    static final String CONCURRENCY_LIMIT_EXCEEDED = "CONCURRENCY_LIMIT_EXCEEDED";

    private final TbaVerifier tba;
    private final Predicate<String> validBearer;
    private final String root;

    NetSuiteDialect(NetSuiteSandboxConfig config, Predicate<String> validBearer, String root) {
        this.tba = new TbaVerifier(config);
        this.validBearer = validBearer;
        this.root = root;
    }

    @Override
    public String name() {
        return "netsuite";
    }

    @Override
    public Optional<SandboxResponse> authenticate(SandboxRequest request) {
        String header = request.header("Authorization");
        if (header == null || header.isBlank()) {
            return Optional.of(invalidLogin());
        }
        if (TbaVerifier.isOAuth(header)) {
            String why = tba.verify(request.method(), absoluteUri(request), header);
            if (why != null) {
                LOG.debugf("NetSuite sandbox refused a TBA signature: %s", why);
                return Optional.of(invalidLogin());
            }
            return Optional.empty();
        }
        String[] parts = header.trim().split("\\s+", 2);
        if (parts.length == 2 && parts[0].equalsIgnoreCase("bearer") && validBearer.test(parts[1].trim())) {
            return Optional.empty();
        }
        return Optional.of(invalidLogin());
    }

    /** The URI the client signed: http(s)://host[:port]/sandbox/netsuite/services/... as the request named it. */
    URI absoluteUri(SandboxRequest request) {
        String proto = request.header("X-Forwarded-Proto");
        String host = request.header("Host");
        String query = request.query() == null || request.query().isEmpty() ? "" : "?" + request.query();
        return URI.create((proto == null ? "http" : proto) + "://" + (host == null ? "localhost" : host) + root
                + request.path() + query);
    }

    SandboxResponse invalidLogin() {
        return error(401, ErrorKind.AUTHENTICATION, "INVALID_LOGIN", "Invalid login attempt. For more details, see the "
                + "Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit "
                + "Trail.", null);
    }

    @Override
    public SandboxResponse error(int status, ErrorKind kind, String code, String message, String param) {
        String errorCode;
        String detail = message;
        switch (kind) {
            case AUTHENTICATION -> errorCode = "INVALID_LOGIN";
            case RATE_LIMIT -> {
                errorCode = CONCURRENCY_LIMIT_EXCEEDED;
                detail = "Request limit exceeded. Concurrent request limit exceeded for this account; request blocked.";
            }
            case NOT_FOUND -> errorCode = "NONEXISTENT_ID";
            case DUPLICATE -> errorCode = "DUP_RCRD";
            case SERVER_ERROR -> errorCode = status == 503 ? "SERVICE_UNAVAILABLE" : "UNEXPECTED_ERROR";
            case IDEMPOTENCY -> errorCode = "INVALID_HEADER";
            default -> errorCode = code != null && code.matches("[A-Z][A-Z_]+") ? code : "INVALID_CONTENT";
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("type", type(status));
        body.put("title", title(status));
        body.put("status", status);
        ObjectNode d = body.putArray("o:errorDetails").addObject();
        d.put("detail", detail);
        d.put("o:errorCode", errorCode);
        if (param != null && !param.isEmpty()) {
            d.put("o:errorPath", param);
        }
        return new SandboxResponse(status, body, java.util.Map.of("Content-Type", "application/vnd.oracle.resource+json; type=error"));
    }

    private static String type(int status) {
        return switch (status) {
            case 400 -> "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1";
            case 401 -> "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.2";
            case 403 -> "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.4";
            case 404 -> "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.5";
            case 409 -> "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.10";
            case 429 -> "https://www.rfc-editor.org/rfc/rfc6585.html#section-4";
            case 503 -> "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.6.4";
            default -> "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.6.1";
        };
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 429 -> "Too Many Requests";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        };
    }

    @Override
    public String idempotencyHeader() {
        return "X-NetSuite-Idempotency-Key";
    }

    @Override
    public String replayedHeader() {
        return "X-Sandbox-Idempotent-Replayed";
    }

    @Override
    public int maxIdempotencyKeyLength() {
        return 128;
    }

    @Override
    public List<Limit> limits(SandboxRequest request, Operation operation) {
        return List.of();
    }
}
