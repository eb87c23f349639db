package io.meterbridge.billing.connector;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.jboss.logging.Logger;

/**
 * The HTTP part shared by the billing-platform connectors: form-encoded calls, status classification and
 * Retry-After. Credentials are passed in as a header value and never logged: log lines carry method, path, status
 * and idempotency key only.
 */
final class HttpVendorClient {

    private static final Logger LOG = Logger.getLogger(HttpVendorClient.class);

    private final String target;
    private final String baseUrl;
    private final Duration timeout;
    private final HttpClient client;
    private final ObjectMapper mapper;

    HttpVendorClient(String target, String baseUrl, Duration timeout, ObjectMapper mapper) {
        this.target = target;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.timeout = timeout;
        this.mapper = mapper;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** Sends the call; 2xx gives the JSON body, anything else a {@link VendorException}. */
    JsonNode send(VendorCall call, Map<String, String> headers, ErrorReader errors) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + call.path())).timeout(timeout)
                .header("Accept", "application/json");
        headers.forEach(request::header);
        if (call.method().equals("GET")) {
            request.GET();
        } else {
            request.header("Content-Type", "application/x-www-form-urlencoded")
                    .method(call.method(), HttpRequest.BodyPublishers.ofString(FormEncoding.encode(call.params())));
        }
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new VendorException(target, 0, true, null, call.method() + " " + call.path() + " timed out after "
                    + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw new VendorException(target, 0, true, null, call.method() + " " + call.path() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VendorException(target, 0, true, null, "interrupted", e);
        }
        int status = response.statusCode();
        LOG.debugf("%s %s %s -> %d (idempotency key %s)", target, call.method(), call.path(), status, call.idempotencyKey());
        JsonNode body = parse(response.body());
        if (status >= 200 && status < 300) {
            return body;
        }
        String message = call.method() + " " + call.path() + " answered " + status + ": " + errors.message(body, response.body());
        if (status == 429 || status == 409 || status >= 500) {
            throw new VendorException(target, status, true, retryAfter(response), message, null);
        }
        throw new RejectedByVendorException(target, status, message);
    }

    private JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? mapper.createObjectNode() : mapper.readTree(body);
        } catch (IOException e) {
            return mapper.createObjectNode().put("raw", body.length() > 500 ? body.substring(0, 500) : body);
        }
    }

    private static Duration retryAfter(HttpResponse<String> response) {
        return response.headers().firstValue("Retry-After").map(value -> {
            try {
                return Duration.ofSeconds(Long.parseLong(value.trim()));
            } catch (NumberFormatException e) {
                return null;
            }
        }).orElse(null);
    }

    /** Reads the platform's error shape into one line. */
    interface ErrorReader {
        String message(JsonNode body, String raw);
    }
}
