package io.meterbridge.sandbox.bc;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.sandbox.ErrorKind;
import io.meterbridge.sandbox.Operation;
import io.meterbridge.sandbox.SandboxRequest;
import io.meterbridge.sandbox.SandboxResponse;
import io.meterbridge.sandbox.VendorDialect;

/**
 * Business Central's conventions: an OAuth 2.0 access token as {@code Authorization: Bearer}, errors as
 * {"error":{"code":"...","message":"...  CorrelationId:  ..."}}, no idempotency header, and the published per-user
 * limit of 6,000 requests per 5 minutes (the 5 concurrent requests are enforced by {@link BcSandbox}).
 */
final class BcDialect implements VendorDialect {

    static final int REQUESTS_PER_WINDOW = 6000;
    static final Duration WINDOW = Duration.ofMinutes(5);

    private final BcTokens tokens;

    BcDialect(BcTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public String name() {
        return "business-central";
    }

    @Override
    public Optional<SandboxResponse> authenticate(SandboxRequest request) {
        String header = request.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
            return Optional.of(unauthorized("The credentials provided are incorrect"));
        }
        if (tokens.user(header.substring(7).trim()) == null) {
            return Optional.of(unauthorized("The access token is invalid or has expired"));
        }
        return Optional.empty();
    }

    private SandboxResponse unauthorized(String message) {
        return error(401, ErrorKind.AUTHENTICATION, BcErrors.UNAUTHORIZED, message, null)
                .withHeader("WWW-Authenticate", "Bearer authorization_uri=\"sandbox\", error=\"invalid_token\"");
    }

    @Override
    public SandboxResponse error(int status, ErrorKind kind, String code, String message, String param) {
        String bcCode = code != null && code.matches("(BadRequest|Application|Internal|Authentication|Authorization)_\\w+")
                ? code : switch (kind) {
                    case INVALID_REQUEST, IDEMPOTENCY, INVALID_STATE -> BcErrors.INVALID_BODY;
                    case AUTHENTICATION -> BcErrors.UNAUTHORIZED;
                    case RATE_LIMIT -> BcErrors.TOO_MANY_REQUESTS;
                    case NOT_FOUND -> BcErrors.RECORD_NOT_FOUND;
                    case DUPLICATE -> BcErrors.DUPLICATE;
                    case SERVER_ERROR -> status == 503 ? "Unavailable_ServiceUnavailable" : "Internal_ServerError";
                };
        ObjectNode error = JsonNodeFactory.instance.objectNode();
        error.put("code", bcCode);
        error.put("message", message + "  CorrelationId:  " + UUID.randomUUID() + ".");
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("error", error);
        return SandboxResponse.of(status, body);
    }

    @Override
    public String idempotencyHeader() {
        return null;
    }

    @Override
    public String replayedHeader() {
        return "Idempotent-Replayed";
    }

    @Override
    public List<Limit> limits(SandboxRequest request, Operation operation) {
        String user = tokens.userOf(request);
        return List.of(new Limit(user + ":requests", REQUESTS_PER_WINDOW, WINDOW));
    }

    @Override
    public SandboxResponse decorate(SandboxResponse response) {
        return response.headers().containsKey("request-id") ? response
                : response.withHeader("request-id", UUID.randomUUID().toString());
    }
}
