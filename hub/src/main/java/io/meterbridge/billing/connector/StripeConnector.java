package io.meterbridge.billing.connector;

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
 * The system API of Stripe: the real wire format (form-encoded bracket notation, {@code Authorization: Bearer},
 * a pinned {@code Stripe-Version}) and an {@code Idempotency-Key} on every POST, taken from the call (never random).
 * Each call goes through the stripe-call route (the vendor-call template: throttle, circuit breaker, Camel's http
 * component); the next attempt after a failure is the delivery's outbox row's (billing-retry).
 */
@Named("stripeConnector")
@ApplicationScoped
public class StripeConnector {

    private final VendorHttp http;
    private final String authorization;
    private final String apiVersion;
    private final SavedServerErrors savedErrors;

    public StripeConnector(BillingConfig config, ObjectMapper mapper, SavedServerErrors savedErrors,
            ProducerTemplate producer) {
        this.savedErrors = savedErrors;
        this.http = new VendorHttp("stripe", producer, mapper, StripeConnector::errorMessage);
        this.authorization = "Bearer " + config.stripe().apiKey();
        this.apiVersion = config.stripe().apiVersion();
    }

    /**
     * A call of a delivery's document route (routes/billing/stripe-connector.yaml). When Stripe answers a POST 500 it
     * keeps that 500 under the key: the delivery is moved to fresh keys before the error propagates.
     */
    public JsonNode sendFor(VendorCall call, Exchange exchange) throws Exception {
        try {
            return send(call);
        } catch (IdempotencyKeySpentException e) {
            savedErrors.saved(exchange, e.idempotencyKey());
            throw e;
        }
    }

    public JsonNode send(VendorCall call) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", authorization);
        headers.put("Stripe-Version", apiVersion);
        if (call.method().equals("POST")) {
            if (call.idempotencyKey() == null) {
                throw new IllegalArgumentException("a Stripe POST needs an idempotency key: " + call.path());
            }
            headers.put("Idempotency-Key", call.idempotencyKey());
        }
        try {
            return http.send(call, headers);
        } catch (RejectedByVendorException e) {
            if (isDuplicateMeterEvent(call, e)) {
                // The identifier is Stripe's deduplication key: the event is already recorded, which is what we want.
                return new ObjectMapper().createObjectNode().put("identifier", String.valueOf(call.params().get("identifier")))
                        .put("duplicate", true);
            }
            throw e;
        } catch (VendorException e) {
            if (call.method().equals("POST") && e.status() == 500) {
                // Stripe keeps this 500 under the key and answers it again to every retry with the same key.
                throw new IdempotencyKeySpentException(e, call.idempotencyKey());
            }
            throw e;
        }
    }

    /** The answer step of the stripe-call route (routes/billing/stripe-call.yaml), inside its circuit breaker. */
    public JsonNode answer(Exchange exchange) {
        return http.answer(exchange);
    }

    private static boolean isDuplicateMeterEvent(VendorCall call, RejectedByVendorException e) {
        String message = e.getMessage().toLowerCase(java.util.Locale.ROOT);
        return call.path().equals("/v1/billing/meter_events") && e.status() == 400 && message.contains("identifier")
                && message.contains("already");
    }

    private static String errorMessage(JsonNode body, String raw) {
        JsonNode error = body.path("error");
        if (error.isMissingNode()) {
            return raw == null ? "" : raw;
        }
        return error.path("type").asText() + (error.hasNonNull("param") ? " (" + error.path("param").asText() + ")" : "")
                + ": " + error.path("message").asText();
    }
}
