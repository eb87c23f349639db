package io.meterbridge.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.net.Webhook;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.sandbox.Sandboxes.STRIPE;
import static io.meterbridge.sandbox.Sandboxes.configuredWebhooks;
import static io.meterbridge.sandbox.Sandboxes.stripe;
import static io.meterbridge.sandbox.Sandboxes.unique;
import static io.meterbridge.sandbox.Sandboxes.webhooksTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Stripe webhooks: finalize, pay and credit note each POST a signed event (Stripe-Signature, HMAC-SHA256 with the
 * endpoint secret) whose payload is the event as GET /v1/events/{id} lists it, carrying the object as GET returns it.
 */
@QuarkusTest
class StripeWebhookDeliveryTest {

    /** hub.sandbox.stripe.webhook-secret's default (not set in application.properties). */
    private static final String SECRET = "whsec_meterbridge_sandbox";
    private static final ObjectMapper JSON = new ObjectMapper();

    private WebhookReceiver receiver;

    @BeforeEach
    void receiver() throws Exception {
        receiver = new WebhookReceiver();
        webhooksTo(STRIPE, receiver.url("/hooks/stripe"));
    }

    @AfterEach
    void restore() {
        configuredWebhooks(STRIPE);
        receiver.close();
    }

    private JsonNode awaitEvent(String type, String objectId) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().stream()
                .map(r -> parse(r.body())).filter(e -> e.path("type").asText().equals(type)
                        && e.path("data").path("object").path("id").asText().equals(objectId))
                .findFirst().orElse(null), e -> e != null);
    }

    private WebhookReceiver.Received delivery(String eventId) {
        return receiver.received().stream().filter(r -> parse(r.body()).path("id").asText().equals(eventId))
                .findFirst().orElseThrow();
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void finalizePayAndCreditNoteSendSignedEvents() throws Exception {
        String customer = unique("cus_hook");
        String invoice = stripe().formParam("customer", customer).formParam("currency", "eur")
                .formParam("metadata[period]", "2026-11").post("/v1/invoices").then().statusCode(200)
                .extract().path("id");
        String item = stripe().formParam("customer", customer).formParam("invoice", invoice)
                .formParam("amount", "1234").formParam("currency", "eur").formParam("description", "API requests")
                .formParam("metadata[meterbridge_line]", "acme/api/2026-11").formParam("period[start]", "1761955200")
                .formParam("period[end]", "1764547200").post("/v1/invoiceitems").then().statusCode(200)
                .extract().path("id");
        String finalizeKey = unique("fin-");
        stripe().header("Idempotency-Key", finalizeKey).post("/v1/invoices/" + invoice + "/finalize").then()
                .statusCode(200);

        JsonNode finalized = awaitEvent("invoice.finalized", invoice);
        assertThat(finalized.get("id").asText()).startsWith("evt_");
        assertThat(finalized.get("object").asText()).isEqualTo("event");
        assertThat(finalized.get("api_version").asText()).isEqualTo("2024-04-10");
        assertThat(finalized.get("livemode").asBoolean()).isFalse();
        assertThat(finalized.get("created").isIntegralNumber()).isTrue();
        assertThat(finalized.get("pending_webhooks").asInt()).isEqualTo(1);
        assertThat(finalized.at("/request/idempotency_key").asText()).isEqualTo(finalizeKey);
        assertThat(finalized.at("/request/id").asText()).startsWith("req_");
        JsonNode in = finalized.at("/data/object");
        assertThat(in.get("status").asText()).isEqualTo("open");
        assertThat(in.get("number").asText()).isNotEmpty();
        assertThat(in.get("customer").asText()).isEqualTo(customer);
        assertThat(in.get("currency").asText()).isEqualTo("eur");
        assertThat(in.get("total").asLong()).isEqualTo(1234);
        assertThat(in.get("amount_due").asLong()).isEqualTo(1234);
        assertThat(in.get("amount_paid").asLong()).isZero();
        assertThat(in.at("/metadata/period").asText()).isEqualTo("2026-11");
        assertThat(in.at("/status_transitions/finalized_at").isIntegralNumber()).isTrue();
        assertThat(in.at("/lines/object").asText()).isEqualTo("list");
        assertThat(in.at("/lines/has_more").asBoolean()).isFalse();
        JsonNode line = in.at("/lines/data/0");
        assertThat(line.get("id").asText()).startsWith("il_");
        assertThat(line.get("object").asText()).isEqualTo("line_item");
        assertThat(line.get("amount").asLong()).isEqualTo(1234);
        assertThat(line.get("currency").asText()).isEqualTo("eur");
        assertThat(line.get("description").asText()).isEqualTo("API requests");
        assertThat(line.get("invoice_item").asText()).isEqualTo(item);
        assertThat(line.at("/metadata/meterbridge_line").asText()).isEqualTo("acme/api/2026-11");
        assertThat(line.at("/period/start").asLong()).isEqualTo(1761955200L);
        assertThat(line.at("/period/end").asLong()).isEqualTo(1764547200L);
        // the invoice in the event is the invoice as GET returns it
        assertThat(parse(stripe().get("/v1/invoices/" + invoice).asString())).isEqualTo(in);

        // the signature: Stripe's scheme, checked by hand and by the official library
        WebhookReceiver.Received received = delivery(finalized.get("id").asText());
        String signature = received.header("Stripe-Signature");
        Matcher m = Pattern.compile("t=(\\d+),v1=([0-9a-f]{64})").matcher(signature);
        assertThat(m.matches()).as(signature).isTrue();
        assertThat(m.group(2)).isEqualTo(hmac(SECRET, m.group(1) + "." + received.body()));
        assertThat(Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(m.group(1)))).isLessThan(60);
        assertThat(Webhook.constructEvent(received.body(), signature, SECRET).getId())
                .isEqualTo(finalized.get("id").asText());
        assertThat(received.header("Content-Type")).startsWith("application/json");
        assertThat(received.header("Upgrade")).isNull();

        // the payload is the event as listed (except the live pending_webhooks)
        JsonNode listed = parse(stripe().get("/v1/events/" + finalized.get("id").asText()).asString());
        assertThat(((com.fasterxml.jackson.databind.node.ObjectNode) listed.deepCopy()).put("pending_webhooks", 1))
                .isEqualTo(finalized);

        stripe().formParam("paid_out_of_band", "true").post("/v1/invoices/" + invoice + "/pay").then()
                .statusCode(200).body("status", equalTo("paid")).body("amount_paid", equalTo(1234));
        JsonNode paid = awaitEvent("invoice.paid", invoice);
        assertThat(paid.at("/data/object/status").asText()).isEqualTo("paid");
        assertThat(paid.at("/data/object/amount_paid").asLong()).isEqualTo(1234);
        assertThat(paid.at("/data/object/amount_remaining").asLong()).isZero();
        assertThat(paid.at("/data/object/paid_out_of_band").asBoolean()).isTrue();
        assertThat(paid.at("/data/object/status_transitions/paid_at").isIntegralNumber()).isTrue();
        assertThat(paid.at("/request/idempotency_key").isNull()).isTrue();

        String note = stripe().formParam("invoice", invoice).formParam("lines[0][type]", "custom_line_item")
                .formParam("lines[0][unit_amount]", "200").formParam("lines[0][quantity]", "1")
                .formParam("lines[0][description]", "Goodwill").formParam("memo", "Outage credit")
                .formParam("reason", "order_change").formParam("metadata[ticket]", "T-42")
                .post("/v1/credit_notes").then().statusCode(200).extract().path("id");
        JsonNode credited = awaitEvent("credit_note.created", note);
        JsonNode cn = credited.at("/data/object");
        assertThat(cn.get("object").asText()).isEqualTo("credit_note");
        assertThat(cn.get("invoice").asText()).isEqualTo(invoice);
        assertThat(cn.get("customer").asText()).isEqualTo(customer);
        assertThat(cn.get("currency").asText()).isEqualTo("eur");
        assertThat(cn.get("amount").asLong()).isEqualTo(200);
        assertThat(cn.get("total").asLong()).isEqualTo(200);
        assertThat(cn.get("memo").asText()).isEqualTo("Outage credit");
        assertThat(cn.get("reason").asText()).isEqualTo("order_change");
        assertThat(cn.at("/metadata/ticket").asText()).isEqualTo("T-42");
        assertThat(cn.at("/lines/data/0/amount").asLong()).isEqualTo(200);
        assertThat(parse(stripe().get("/v1/credit_notes/" + note).asString())).isEqualTo(cn);

        List<Map<String, Object>> deliveries = Sandboxes.control(STRIPE).get("webhooks").jsonPath().getList("$");
        assertThat(deliveries).anySatisfy(d -> assertThat(d).containsEntry("eventId", finalized.get("id").asText())
                .containsEntry("type", "invoice.finalized").containsEntry("status", "delivered")
                .containsEntry("attempts", 1));
        assertThat(Sandboxes.control(STRIPE).get("webhooks").asString()).doesNotContain(SECRET);
    }

    private static String hmac(String secret, String message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
        return java.util.HexFormat.of().formatHex(mac.doFinal(message.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
