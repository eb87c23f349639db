package io.meterbridge.sandbox.chargebee;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.sandbox.ErrorKind;
import io.meterbridge.sandbox.Operation;
import io.meterbridge.sandbox.SandboxConfig;
import io.meterbridge.sandbox.SandboxRequest;
import io.meterbridge.sandbox.SandboxResponse;
import io.meterbridge.sandbox.VendorDialect;

/**
 * Chargebee's conventions: HTTP basic auth with the API key as user name and an empty password, flat errors
 * {message, type, api_error_code, param, error_code, http_status_code}, chargebee-idempotency-key, and one calls/minute
 * limit per site (here: per API key).
 */
final class ChargebeeDialect implements VendorDialect {

    private final SandboxConfig.Chargebee config;

    ChargebeeDialect(SandboxConfig.Chargebee config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "chargebee";
    }

    @Override
    public Optional<SandboxResponse> authenticate(SandboxRequest request) {
        String key = apiKey(request);
        boolean valid = key != null && config.apiKey().map(key::equals).orElse(true);
        if (!valid) {
            return Optional.of(error(401, ErrorKind.AUTHENTICATION, null,
                    "Sorry, authentication failed. Invalid api key", null)
                    .withHeader("WWW-Authenticate", "Basic realm=\"chargebee\""));
        }
        return Optional.empty();
    }

    /** The user name of "Basic base64(key:)" when the password is empty; null otherwise. Never logged. */
    static String apiKey(SandboxRequest request) {
        String header = request.header("Authorization");
        if (header == null) {
            return null;
        }
        String[] parts = header.trim().split("\\s+", 2);
        if (parts.length < 2 || !parts[0].equalsIgnoreCase("basic")) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(parts[1].trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon <= 0 || colon != decoded.length() - 1) {
                return null;
            }
            return decoded.substring(0, colon);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public SandboxResponse error(int status, ErrorKind kind, String code, String message, String param) {
        String apiErrorCode = switch (kind) {
            case INVALID_REQUEST -> "param_wrong_value";
            case DUPLICATE -> "duplicate_entry";
            case INVALID_STATE -> "invalid_state_for_request";
            case NOT_FOUND -> "resource_not_found";
            case AUTHENTICATION -> "api_authentication_failed";
            case RATE_LIMIT -> "api_request_limit_exceeded";
            case IDEMPOTENCY -> "invalid_request";
            case SERVER_ERROR -> status == 503 ? "internal_temporary_error" : "internal_error";
        };
        String errorCode = switch (code == null ? "" : code) {
            case "parameter_missing" -> "param_not_present";
            case "parameter_unknown" -> "param_not_supported";
            case "parameter_invalid" -> "param_wrong_value";
            case "" -> apiErrorCode;
            default -> code;
        };
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("message", param != null ? param + " : " + message : message);
        if (kind == ErrorKind.INVALID_REQUEST || kind == ErrorKind.DUPLICATE || kind == ErrorKind.NOT_FOUND
                || kind == ErrorKind.IDEMPOTENCY || kind == ErrorKind.INVALID_STATE) {
            body.put("type", "invalid_request");
        }
        body.put("api_error_code", apiErrorCode);
        if (param != null && !param.isEmpty()) {
            body.put("param", param);
        }
        body.put("error_code", errorCode).put("error_msg", message);
        if (param != null && !param.isEmpty()) {
            body.put("error_param", param);
        }
        body.put("http_status_code", status);
        return SandboxResponse.of(status, body);
    }

    @Override
    public String idempotencyHeader() {
        return "chargebee-idempotency-key";
    }

    @Override
    public String replayedHeader() {
        return "chargebee-idempotency-replayed";
    }

    @Override
    public List<Limit> limits(SandboxRequest request, Operation operation) {
        return List.of(new Limit(apiKey(request) + ":calls", config.callsPerMinute(), Duration.ofMinutes(1)));
    }
}
