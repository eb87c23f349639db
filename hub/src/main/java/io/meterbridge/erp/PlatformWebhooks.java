package io.meterbridge.erp;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
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
            "credit_note.created", "invoice.voided", "invoice.payment_failed", "refund.created");
    private static final java.util.Set<String> CHARGEBEE_TYPES = java.util.Set.of("invoice_generated",
            "payment_succeeded", "credit_note_created", "payment_refunded");

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
        Outcome outcome = documents.stripeEvent(complete(read(payload)), "webhook");
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

    /** A Stripe event with what its payload leaves out read from Stripe: an invoice's lines, a refund's charge. */
    JsonNode complete(JsonNode event) {
        return withCharge(withAllLines(event));
    }

    /**
     * A refund names its charge only by id, and the charge says which invoice it paid: it is read from
     * {@code GET /v1/charges/{id}} and put in place of the id, as Stripe's {@code expand[]=charge} would.
     */
    JsonNode withCharge(JsonNode event) {
        JsonNode object = event.path("data").path("object");
        if (!"refund".equals(object.path("object").asText()) || !object.path("charge").isTextual()) {
            return event;
        }
        JsonNode charge = stripe.send(VendorCall.get("/v1/charges/" + encode(object.path("charge").asText())));
        com.fasterxml.jackson.databind.node.ObjectNode complete = event.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) complete.path("data").path("object")).set("charge", charge);
        return complete;
    }

    /**
     * Stripe embeds only the first 10 lines of an invoice in it (and in its events), with {@code lines.has_more}: the
     * whole list is read from {@code GET /v1/invoices/{id}/lines}, page by page, before the invoice becomes a
     * document. An event whose embedded list is complete is used as it is.
     */
    JsonNode withAllLines(JsonNode event) {
        JsonNode object = event.path("data").path("object");
        if (!"invoice".equals(object.path("object").asText()) || !object.path("lines").path("has_more").asBoolean(false)) {
            return event;
        }
        String invoice = object.path("id").asText();
        com.fasterxml.jackson.databind.node.ArrayNode lines = mapper.createArrayNode();
        String after = null;
        boolean more = true;
        while (more) {
            JsonNode page = stripe.send(VendorCall.get("/v1/invoices/" + encode(invoice) + "/lines?limit=100"
                    + (after == null ? "" : "&starting_after=" + encode(after))));
            for (JsonNode line : page.path("data")) {
                lines.add(line);
                after = line.path("id").asText();
            }
            more = page.path("has_more").asBoolean(false) && after != null && !page.path("data").isEmpty();
        }
        com.fasterxml.jackson.databind.node.ObjectNode complete = event.deepCopy();
        com.fasterxml.jackson.databind.node.ObjectNode list = (com.fasterxml.jackson.databind.node.ObjectNode) complete
                .path("data").path("object").path("lines");
        list.set("data", lines);
        list.put("has_more", false);
        return complete;
    }

    /**
     * Polling fallback: every Stripe and Chargebee event of the handled types since the platform's checkpoint (at
     * first, hub.erp.webhooks.poll-lookback ago), page by page, oldest first, each handled once whichever door brought
     * it. An event that fails is set aside as an accounting exception with the event (replayable), and the others go
     * on; the checkpoint then moves to the newest event seen. A platform that cannot be listed fails the tick (the
     * next tick tries again from the same checkpoint).
     */
    public int poll() throws Exception {
        int handled = 0;
        long stripeSince = documents.checkpoint("stripe").orElse(Instant.now().minus(config.pollLookback()).getEpochSecond());
        List<JsonNode> stripeEvents = stripeEventsSince(stripeSince);
        for (JsonNode event : stripeEvents) {
            if (handle("stripe", event, () -> documents.stripeEvent(complete(event), "poll"))) {
                handled++;
            }
        }
        stripeEvents.stream().mapToLong(e -> e.path("created").asLong()).max()
                .ifPresent(newest -> documents.moveCheckpoint("stripe", newest));
        long chargebeeSince = documents.checkpoint("chargebee")
                .orElse(Instant.now().minus(config.pollLookback()).getEpochSecond());
        List<JsonNode> chargebeeEvents = chargebeeEventsSince(chargebeeSince);
        for (JsonNode event : chargebeeEvents) {
            if (handle("chargebee", event, () -> documents.chargebeeEvent(event, "poll"))) {
                handled++;
            }
        }
        chargebeeEvents.stream().mapToLong(e -> e.path("occurred_at").asLong()).max()
                .ifPresent(newest -> documents.moveCheckpoint("chargebee", newest));
        if (handled > 0) {
            LOG.infof("Polling found %d platform events whose webhook had not come", handled);
        }
        return handled;
    }

    private interface EventHandling {
        Outcome run() throws Exception;
    }

    /** One event; a failure becomes an accounting exception holding the event, so the rest of the page goes on. */
    private boolean handle(String system, JsonNode event, EventHandling handling) throws java.sql.SQLException {
        try {
            return !handling.run().duplicate();
        } catch (Exception e) {
            documents.eventFailed(system, event, e);
            return false;
        }
    }

    /** Stripe's events since {@code since} of the handled types, all pages (Stripe lists newest first), oldest first. */
    private List<JsonNode> stripeEventsSince(long since) {
        StringBuilder types = new StringBuilder();
        for (String type : new java.util.TreeSet<>(STRIPE_TYPES)) {
            types.append("&").append(encode("types[]")).append("=").append(encode(type));
        }
        List<JsonNode> events = new ArrayList<>();
        String after = null;
        boolean more = true;
        while (more) {
            JsonNode page = stripe.send(VendorCall.get("/v1/events?limit=100&" + encode("created[gte]") + "=" + since
                    + types + (after == null ? "" : "&starting_after=" + encode(after))));
            for (JsonNode event : page.path("data")) {
                events.add(event);
                after = event.path("id").asText();
            }
            more = page.path("has_more").asBoolean(false) && !page.path("data").isEmpty();
        }
        java.util.Collections.reverse(events);
        return events;
    }

    /** Chargebee's events since {@code since} of the handled types, all pages (next_offset), oldest first. */
    private List<JsonNode> chargebeeEventsSince(long since) {
        List<JsonNode> events = new ArrayList<>();
        String offset = null;
        do {
            JsonNode page = chargebee.send(VendorCall.get("/api/v2/events?limit=100&" + encode("occurred_at[after]") + "="
                    + (since - 1) + "&" + encode("event_type[in]") + "=" + encode(new java.util.TreeSet<>(CHARGEBEE_TYPES)
                            .stream().collect(java.util.stream.Collectors.joining(",", "[", "]")))
                    + (offset == null ? "" : "&offset=" + encode(offset))));
            for (JsonNode entry : page.path("list")) {
                if (CHARGEBEE_TYPES.contains(entry.path("event").path("event_type").asText())) {
                    events.add(entry.path("event"));
                }
            }
            offset = page.hasNonNull("next_offset") ? page.get("next_offset").asText() : null;
        } while (offset != null);
        events.sort(java.util.Comparator.comparingLong(e -> e.path("occurred_at").asLong()));
        return events;
    }

    /** Replays an event set aside by the polling fallback (ERP exceptions API); true when it is handled now. */
    public Outcome replay(String system, JsonNode event) throws Exception {
        return system.equals("stripe") ? documents.stripeEvent(complete(event), "replay")
                : documents.chargebeeEvent(event, "replay");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
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
