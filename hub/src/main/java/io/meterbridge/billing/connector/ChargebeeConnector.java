package io.meterbridge.billing.connector;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meterbridge.billing.BillingConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * The system API of Chargebee: HTTP basic auth with the API key as user name, form-encoded bodies and a
 * {@code chargebee-idempotency-key} on every POST, taken from the call. A usage whose deterministic {@code id}
 * Chargebee already holds ({@code duplicate_entry}) counts as delivered. Each call goes through the chargebee-call route
 * (the vendor-call template: throttle, circuit breaker, Camel's http component).
 */
@Named("chargebeeConnector")
@ApplicationScoped
public class ChargebeeConnector {

    private final VendorHttp http;
    private final String authorization;

    public ChargebeeConnector(BillingConfig config, ObjectMapper mapper, ProducerTemplate producer) {
        this.http = new VendorHttp("chargebee", producer, mapper, ChargebeeConnector::errorMessage);
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((config.chargebee().apiKey() + ":").getBytes(StandardCharsets.UTF_8));
    }

    public JsonNode send(VendorCall call) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", authorization);
        if (call.method().equals("POST")) {
            if (call.idempotencyKey() == null) {
                throw new IllegalArgumentException("a Chargebee POST needs an idempotency key: " + call.path());
            }
            headers.put("chargebee-idempotency-key", call.idempotencyKey());
        }
        try {
            return http.send(call, headers);
        } catch (RejectedByVendorException e) {
            if (e.getMessage().contains("duplicate_entry") && call.path().endsWith("/usages")) {
                return new ObjectMapper().createObjectNode().put("id", String.valueOf(call.params().get("id")))
                        .put("duplicate", true);
            }
            throw e;
        }
    }

    /** The answer step of the chargebee-call route (routes/billing/chargebee-call.yaml), inside its circuit breaker. */
    public JsonNode answer(Exchange exchange) {
        return http.answer(exchange);
    }

    private static String errorMessage(JsonNode body, String raw) {
        if (!body.has("message")) {
            return raw == null ? "" : raw;
        }
        return body.path("api_error_code").asText() + (body.hasNonNull("param") ? " (" + body.path("param").asText() + ")" : "")
                + ": " + body.path("message").asText();
    }
}
