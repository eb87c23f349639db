package io.meterbridge.sandbox.stripe;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.sandbox.ErrorKind;
import io.meterbridge.sandbox.Ids;
import io.meterbridge.sandbox.Operation;
import io.meterbridge.sandbox.RequestJournal;
import io.meterbridge.sandbox.SandboxConfig;
import io.meterbridge.sandbox.SandboxRequest;
import io.meterbridge.sandbox.SandboxResponse;
import io.meterbridge.sandbox.VendorDialect;

/**
 * Stripe's conventions: secret key as Bearer (or as basic-auth user name), errors as {"error":{type, message, param,
 * code}}, Idempotency-Key / Idempotent-Replayed, and rate limits per key (Stripe counts them per account).
 */
final class StripeDialect implements VendorDialect {

    static final String METER_EVENTS = "meter_events";
    private static final Pattern SECRET_KEY = Pattern.compile("sk_(test|live)_[A-Za-z0-9_]+");

    private final SandboxConfig.Stripe config;

    StripeDialect(SandboxConfig.Stripe config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "stripe";
    }

    @Override
    public Optional<SandboxResponse> authenticate(SandboxRequest request) {
        String key = apiKey(request);
        if (key == null) {
            return Optional.of(unauthorized("You did not provide an API key. You need to provide your API key in the "
                    + "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."));
        }
        boolean valid = config.apiKey().map(key::equals).orElseGet(() -> SECRET_KEY.matcher(key).matches());
        if (!valid) {
            // the key itself is never echoed: only its masked form
            return Optional.of(unauthorized("Invalid API Key provided: "
                    + RequestJournal.maskAuthorization("Bearer " + key).substring("Bearer ".length())));
        }
        return Optional.empty();
    }

    /** The key from "Bearer sk_..." or from basic auth "sk_...:" (both accepted by Stripe); null when absent. */
    static String apiKey(SandboxRequest request) {
        String header = request.header("Authorization");
        if (header == null) {
            return null;
        }
        String[] parts = header.trim().split("\\s+", 2);
        if (parts.length < 2 || parts[1].isBlank()) {
            return null;
        }
        if (parts[0].equalsIgnoreCase("bearer")) {
            return parts[1].trim();
        }
        if (parts[0].equalsIgnoreCase("basic")) {
            try {
                String decoded = new String(Base64.getDecoder().decode(parts[1].trim()), StandardCharsets.UTF_8);
                return decoded.contains(":") ? decoded.substring(0, decoded.indexOf(':')) : decoded;
            } catch (IllegalArgumentException e) {
                return "";
            }
        }
        return "";
    }

    private SandboxResponse unauthorized(String message) {
        return error(401, ErrorKind.AUTHENTICATION, null, message, null)
                .withHeader("WWW-Authenticate", "Bearer realm=\"Stripe\"");
    }

    @Override
    public SandboxResponse error(int status, ErrorKind kind, String code, String message, String param) {
        ObjectNode error = JsonNodeFactory.instance.objectNode();
        String type = switch (kind) {
            case RATE_LIMIT -> "rate_limit_error";
            case IDEMPOTENCY -> "idempotency_error";
            case SERVER_ERROR -> "api_error";
            default -> "invalid_request_error";
        };
        if (kind != ErrorKind.SERVER_ERROR && kind != ErrorKind.AUTHENTICATION && code != null) {
            error.put("code", code);
        }
        error.put("message", message);
        if (param != null && !param.isEmpty()) {
            error.put("param", param);
        }
        error.put("type", type);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("error", error);
        return SandboxResponse.of(status, body);
    }

    @Override
    public String idempotencyHeader() {
        return "Idempotency-Key";
    }

    @Override
    public String replayedHeader() {
        return "Idempotent-Replayed";
    }

    /** Stripe saves the result of a request that started executing, a 500 included, and replays it for the key. */
    @Override
    public boolean savesServerErrors() {
        return true;
    }

    @Override
    public List<Limit> limits(SandboxRequest request, Operation operation) {
        String account = apiKey(request);
        if (METER_EVENTS.equals(operation.name())) {
            return List.of(new Limit(account + ":meter_events", config.meterEventsPerSecond(), Duration.ofSeconds(1)));
        }
        return List.of(new Limit(account + ":operations", config.operationsPerSecond(), Duration.ofSeconds(1)));
    }

    @Override
    public SandboxResponse decorate(SandboxResponse response) {
        return response.headers().containsKey("Request-Id") ? response
                : response.withHeader("Request-Id", Ids.random("req_", 14));
    }
}
