package io.meterbridge.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.sandbox.Sandboxes.CHARGEBEE;
import static io.meterbridge.sandbox.Sandboxes.chargebee;
import static io.meterbridge.sandbox.Sandboxes.configuredWebhooks;
import static io.meterbridge.sandbox.Sandboxes.control;
import static io.meterbridge.sandbox.Sandboxes.unique;
import static io.meterbridge.sandbox.Sandboxes.webhooksTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Chargebee webhooks: invoice_generated, payment_succeeded and credit_note_created are POSTed with the configured
 * HTTP basic credentials; a delivery answered 500 is retried.
 */
@QuarkusTest
class ChargebeeWebhookDeliveryTest {

    /** Defaults of hub.sandbox.chargebee.webhook-username / webhook-password. */
    private static final String BASIC = "Basic " + Base64.getEncoder()
            .encodeToString("meterbridge:chargebee-webhook-secret".getBytes(StandardCharsets.UTF_8));
    private static final ObjectMapper JSON = new ObjectMapper();

    private WebhookReceiver receiver;

    @BeforeEach
    void receiver() throws Exception {
        receiver = new WebhookReceiver();
        webhooksTo(CHARGEBEE, receiver.url("/hooks/chargebee"));
    }

    @AfterEach
    void restore() {
        configuredWebhooks(CHARGEBEE);
        receiver.close();
    }

    private JsonNode awaitEvent(String type, String pointer, String value) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().stream()
                .map(r -> parse(r.body())).filter(e -> e.path("event_type").asText().equals(type)
                        && e.at(pointer).asText().equals(value))
                .findFirst().orElse(null), e -> e != null);
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void invoicePaymentAndCreditNoteEventsArriveWithBasicAuth() {
        String customer = unique("cust_");
        receiver.failNext(1, 500);
        String invoice = chargebee().formParam("customer_id", customer).formParam("currency_code", "EUR")
                .formParam("charges[amount][0]", "1500").formParam("charges[description][0]", "API calls")
                .post("/api/v2/invoices/create_for_charge_items_and_charges").then().statusCode(200)
                .extract().path("invoice.id");

        JsonNode generated = awaitEvent("invoice_generated", "/content/invoice/id", invoice);
        assertThat(generated.get("id").asText()).startsWith("ev_");
        assertThat(generated.get("object").asText()).isEqualTo("event");
        assertThat(generated.get("api_version").asText()).isEqualTo("v2");
        assertThat(generated.get("source").asText()).isEqualTo("api");
        assertThat(generated.get("occurred_at").isIntegralNumber()).isTrue();
        assertThat(generated.at("/content/invoice/total").asLong()).isEqualTo(1500);
        assertThat(generated.at("/content/invoice/status").asText()).isEqualTo("payment_due");
        assertThat(generated.at("/content/invoice/line_items/0/description").asText()).isEqualTo("API calls");
        // the first attempt was answered 500: the second one arrived
        String eventId = generated.get("id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().stream()
                .filter(r -> r.body().contains(eventId)).count() == 2);
        assertThat(receiver.received().stream().filter(r -> r.body().contains(eventId)))
                .allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo(BASIC));

        chargebee().formParam("transaction[amount]", "1500").formParam("transaction[payment_method]", "other")
                .formParam("transaction[date]", "1764547200").formParam("transaction[reference_number]", "WIRE-77")
                .post("/api/v2/invoices/" + invoice + "/record_payment").then().statusCode(200)
                .body("invoice.status", equalTo("paid")).body("transaction.amount", equalTo(1500));
        JsonNode paid = awaitEvent("payment_succeeded", "/content/invoice/id", invoice);
        assertThat(paid.at("/content/invoice/status").asText()).isEqualTo("paid");
        assertThat(paid.at("/content/invoice/amount_paid").asLong()).isEqualTo(1500);
        assertThat(paid.at("/content/invoice/amount_due").asLong()).isZero();
        assertThat(paid.at("/content/transaction/id").asText()).startsWith("txn_");
        assertThat(paid.at("/content/transaction/status").asText()).isEqualTo("success");
        assertThat(paid.at("/content/transaction/payment_method").asText()).isEqualTo("other");
        assertThat(paid.at("/content/transaction/reference_number").asText()).isEqualTo("WIRE-77");
        assertThat(paid.at("/content/transaction/date").asLong()).isEqualTo(1764547200L);
        assertThat(paid.at("/content/transaction/linked_invoices/0/invoice_id").asText()).isEqualTo(invoice);

        String note = chargebee().formParam("reference_invoice_id", invoice).formParam("total", "400")
                .formParam("type", "refundable").formParam("reason_code", "service_unsatisfactory")
                .formParam("create_reason_code", "Outage").formParam("customer_notes", "Sorry for the outage")
                .post("/api/v2/credit_notes").then().statusCode(200).extract().path("credit_note.id");
        JsonNode credited = awaitEvent("credit_note_created", "/content/credit_note/id", note);
        JsonNode cn = credited.at("/content/credit_note");
        assertThat(cn.get("reference_invoice_id").asText()).isEqualTo(invoice);
        assertThat(cn.get("customer_id").asText()).isEqualTo(customer);
        assertThat(cn.get("type").asText()).isEqualTo("refundable");
        assertThat(cn.get("status").asText()).isEqualTo("refund_due");
        assertThat(cn.get("total").asLong()).isEqualTo(400);
        assertThat(cn.get("currency_code").asText()).isEqualTo("EUR");
        assertThat(cn.get("reason_code").asText()).isEqualTo("service_unsatisfactory");
        assertThat(cn.get("create_reason_code").asText()).isEqualTo("Outage");
        assertThat(cn.at("/line_items/0/amount").asLong()).isEqualTo(400);
        chargebee().get("/api/v2/credit_notes/" + note).then().statusCode(200).body("credit_note.total", equalTo(400));

        assertThat(receiver.received()).allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo(BASIC));
        List<Map<String, Object>> deliveries = control(CHARGEBEE).get("webhooks").jsonPath().getList("$");
        assertThat(deliveries).filteredOn(d -> d.get("eventId").equals(eventId)).singleElement()
                .satisfies(d -> assertThat(d).containsEntry("status", "delivered").containsEntry("attempts", 2));
        assertThat(control(CHARGEBEE).get("webhooks").asString()).doesNotContain("chargebee-webhook-secret");
        chargebee().get("/api/v2/events/" + eventId).then().statusCode(200)
                .body("event.webhook_status", equalTo("succeeded"));
    }
}
