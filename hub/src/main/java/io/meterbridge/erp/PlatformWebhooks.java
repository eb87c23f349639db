package io.meterbridge.erp;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meterbridge.billing.connector.ChargebeeConnector;
import io.meterbridge.billing.connector.StripeConnector;
import io.meterbridge.billing.connector.VendorCall;
import io.meterbridge.erp.FinancialDocuments.Outcome;
import io.meterbridge.ingest.SignatureVerifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

/**
 * The doors billing documents come back through: Stripe webhooks verified by {@code Stripe-Signature}
 * (t=...,v1=HMAC-SHA256 of "t.payload" with the endpoint secret, within a tolerance), Chargebee webhooks verified
 * by basic auth, and a polling fallback that lists the platforms' recent events for any webhook that never came.
 * All three hand events to {@link FinancialDocuments}, which handles each event once.
 */
@Named("platformWebhooks")
@ApplicationScoped
public class PlatformWebhooks {

    private static final Logger LOG = Logger.getLogger(PlatformWebhooks.class);
    private static final java.util.Set<String> STRIPE_TYPES = java.util.Set.of("invoice.finalized", "invoice.paid",
            "credit_note.created");
    private static final java.util.Set<String> CHARGEBEE_TYPES = java.util.Set.of("invoice_generated",
            "payment_succeeded", "credit_note_created");

    /** A webhook that is not authentic or not readable: answered 400/401 and never processed. */
    public static class WebhookRejectedException extends RuntimeException {
        private final int status;

        public WebhookRejectedException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final WebhookConfig config;
    private final FinancialDocuments documents;
    private final StripeConnector stripe;
    private final ChargebeeConnector chargebee;
    private final ObjectMapper mapper;

    public PlatformWebhooks(WebhookConfig config, FinancialDocuments documents, StripeConnector stripe,
            ChargebeeConnector chargebee, ObjectMapper mapper) {
        this.config = config;
        this.documents = documents;
        this.stripe = stripe;
        this.chargebee = chargebee;
        this.mapper = mapper;
    }

    public Map<String, Object> stripe(Exchange exchange) throws Exception {
        String payload = exchange.getMessage().getBody(String.class);
        verifyStripeSignature(payload, exchange.getMessage().getHeader("Stripe-Signature", String.class), Instant.now());
        Outcome outcome = documents.stripeEvent(read(payload), "webhook");
        return Map.of("received", true, "duplicate", outcome.duplicate());
    }

    public Map<String, Object> chargebee(Exchange exchange) throws Exception {
        verifyBasicAuth(exchange.getMessage().getHeader("Authorization", String.class));
        Outcome outcome = documents.chargebeeEvent(read(exchange.getMessage().getBody(String.class)), "webhook");
        return Map.of("received", true, "duplicate", outcome.duplicate());
    }

    void verifyStripeSignature(String payload, String header, Instant now) {
        if (header == null || header.isBlank()) {
            throw new WebhookRejectedException(400, "Stripe-Signature header missing");
        }
        long timestamp = -1;
        java.util.List<byte[]> signatures = new java.util.ArrayList<>();
        for (String part : header.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length == 2 && kv[0].equals("t")) {
                try {
                    timestamp = Long.parseLong(kv[1]);
                } catch (NumberFormatException e) {
                    throw new WebhookRejectedException(400, "Stripe-Signature: t is not a number");
                }
            } else if (kv.length == 2 && kv[0].equals("v1")) {
                try {
                    signatures.add(HexFormat.of().parseHex(kv[1]));
                } catch (IllegalArgumentException e) {
                    // not hex: it cannot match, other v1 values still may
                }
            }
        }
        if (timestamp < 0 || signatures.isEmpty()) {
            throw new WebhookRejectedException(400, "Stripe-Signature: t and v1 are required");
        }
        if (Math.abs(now.getEpochSecond() - timestamp) > config.stripeTolerance().toSeconds()) {
            throw new WebhookRejectedException(400, "Stripe-Signature: timestamp outside the tolerance of "
                    + config.stripeTolerance().toSeconds() + " s");
        }
        // Stripe's scheme is the hub's own ingest signature scheme: one HMAC and constant-time comparison for both.
        if (SignatureVerifier.matches(new SignatureVerifier.Signature(timestamp, signatures),
                payload.getBytes(StandardCharsets.UTF_8), java.util.List.of(config.stripeSecret()))) {
            return;
        }
        throw new WebhookRejectedException(400, "Stripe-Signature: no v1 signature matches the payload");
    }

    private void verifyBasicAuth(String header) {
        String expected = "Basic " + Base64.getEncoder().encodeToString(
                (config.chargebeeUsername() + ":" + config.chargebeePassword()).getBytes(StandardCharsets.UTF_8));
        if (header == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                header.getBytes(StandardCharsets.UTF_8))) {
            throw new WebhookRejectedException(401, "Chargebee webhook: basic credentials missing or wrong");
        }
    }

    /** Polling fallback: the platforms' events of the last hub.erp.webhooks.poll-lookback, each handled once. */
    public int poll() throws Exception {
        long since = Instant.now().minus(config.pollLookback()).getEpochSecond();
        int handled = 0;
        JsonNode events = stripe.send(new VendorCall("GET", "/v1/events?limit=100&"
                + URLEncoder.encode("created[gte]", StandardCharsets.UTF_8) + "=" + since, Map.of(), null));
        for (JsonNode event : events.path("data")) {
            if (STRIPE_TYPES.contains(event.path("type").asText()) && !documents.stripeEvent(event, "poll").duplicate()) {
                handled++;
            }
        }
        JsonNode list = chargebee.send(new VendorCall("GET", "/api/v2/events?limit=100&"
                + URLEncoder.encode("occurred_at[after]", StandardCharsets.UTF_8) + "=" + since, Map.of(), null));
        for (JsonNode entry : list.path("list")) {
            JsonNode event = entry.path("event");
            if (CHARGEBEE_TYPES.contains(event.path("event_type").asText())
                    && !documents.chargebeeEvent(event, "poll").duplicate()) {
                handled++;
            }
        }
        if (handled > 0) {
            LOG.infof("Polling found %d platform events whose webhook had not come", handled);
        }
        return handled;
    }

    private JsonNode read(String payload) {
        try {
            JsonNode event = mapper.readTree(payload);
            if (event == null || !event.isObject()) {
                throw new WebhookRejectedException(400, "the payload is not a JSON event object");
            }
            return event;
        } catch (java.io.IOException e) {
            throw new WebhookRejectedException(400, "the payload is not JSON: " + e.getMessage());
        }
    }
}
