package io.meterbridge.erp;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.SandboxClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitPosted;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.chargebeeInvoices;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contract;
import static io.meterbridge.support.BillingFixture.deliveryStatus;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.storage;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Chargebee refund reaches NetSuite as a customer refund of the payment it pays back, as a Stripe refund does
 * (RefundPostingTest). September's Chargebee invoice is 62.00 USD (1,500 requests over 1,000 included: 0.50 + a 49.50
 * true-up; a 250 GB peak: 12.00), paid by bank transfer: a customer payment of 62.00. Chargebee refunds 2000 cents of
 * it ({@code POST /invoices/{id}/refund}): payment_refunded names the refund transaction, which references the payment
 * transaction; one customerRefund of 20.00 USD applied to that payment (42.00 left to refund). The same event delivered
 * twice more posts nothing more; a refund whose webhook was lost is found by the polling fallback and posted once.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class ChargebeeRefundPostingTest {

    @jakarta.inject.Inject
    PlatformWebhooks webhooks;

    @Test
    void aPartialChargebeeRefundBecomesOneCustomerRefundOfThePayment() throws Exception {
        String tenant = uniqueId("cbrefund");
        String invoice = paidSeptemberInvoice(tenant);
        String paymentTxn = payment(invoice);
        String payment = "mb-pay-chargebee-" + paymentTxn;
        awaitPosted(payment);

        JsonPath refunded = chargebee().formParam("refund_amount", 2000)
                .formParam("credit_note[reason_code]", "service_unsatisfactory")
                .post("/sandbox/chargebee/api/v2/invoices/" + invoice + "/refund").then().statusCode(200).extract()
                .jsonPath();
        String refund = refunded.getString("transaction.id");
        assertThat(refunded.getString("transaction.type")).isEqualTo("refund");
        assertThat(refunded.getString("transaction.reference_transaction_id")).isEqualTo(paymentTxn);
        assertThat(refunded.getLong("credit_note.total")).isEqualTo(2000L);
        assertThat(refunded.getString("credit_note.status")).isEqualTo("refunded");

        String posting = "mb-ref-chargebee-" + refund;
        awaitPosted(posting);
        List<Map<String, Object>> refunds = refunds(posting);
        assertThat(refunds).hasSize(1);
        JsonPath records = SandboxClient.netSuite().recordsJson("customerRefund");
        assertThat(new BigDecimal(records.getString("find { it.externalId == '" + posting + "' }.total")))
                .isEqualByComparingTo("20.00");
        String paymentId = SandboxClient.netSuite().recordsJson("customerPayment")
                .getString("find { it.externalId == '" + payment + "' }.id");
        assertThat(records.getString("find { it.externalId == '" + posting + "' }.apply.items[0].doc.id"))
                .isEqualTo(paymentId);

        Map<String, Object> document = documents(refund).get(0);
        assertThat(document.get("doc_type")).isEqualTo("REFUND");
        assertThat(document.get("amount")).isEqualTo("20.00");
        assertThat(document.get("currency")).isEqualTo("USD");
        assertThat(document.get("related_source_id")).isEqualTo(paymentTxn);
        assertThat(document.get("contract_key")).isEqualTo("contract-" + tenant);

        // The same event again, as Chargebee re-sends it: acknowledged as a duplicate, posted once.
        String event = paymentRefundedEvent(refund);
        for (int delivery = 0; delivery < 2; delivery++) {
            assertThat(RestAssured.given().auth().preemptive().basic("meterbridge", "chargebee-webhook-secret")
                    .contentType("application/json").body(event).post("/api/v1/webhooks/chargebee").then()
                    .statusCode(200).extract().jsonPath().getBoolean("duplicate")).isTrue();
        }
        assertThat(documents(refund)).hasSize(1);
        assertThat(refunds(posting)).hasSize(1);
    }

    @Test
    void moreThanIsLeftOfThePaymentIsRefusedByChargebee() {
        String invoice = paidSeptemberInvoice(uniqueId("cbrover"));
        awaitPosted("mb-pay-chargebee-" + payment(invoice));
        // 62.00 paid, 20.00 refunded: 42.00 (4200) left, so 4201 is refused and the rest (no amount) is 42.00.
        chargebee().formParam("refund_amount", 2000).post("/sandbox/chargebee/api/v2/invoices/" + invoice + "/refund")
                .then().statusCode(200);
        chargebee().formParam("refund_amount", 4201).post("/sandbox/chargebee/api/v2/invoices/" + invoice + "/refund")
                .then().statusCode(400);
        String rest = chargebee().post("/sandbox/chargebee/api/v2/invoices/" + invoice + "/refund").then()
                .statusCode(200).extract().jsonPath().getString("transaction.id");
        awaitPosted("mb-ref-chargebee-" + rest);
        assertThat(documents(rest).get(0).get("amount")).isEqualTo("42.00");
    }

    @Test
    void aRefundWhoseWebhookWasLostIsFoundByPollingAndPostedOnce() throws Exception {
        String invoice = paidSeptemberInvoice(uniqueId("cbrpoll"));
        awaitPosted("mb-pay-chargebee-" + payment(invoice));
        SandboxClient.of("chargebee").faults(Map.of("dropWebhooks", true));
        try {
            String refund = chargebee().formParam("refund_amount", 2000)
                    .post("/sandbox/chargebee/api/v2/invoices/" + invoice + "/refund").then().statusCode(200)
                    .extract().jsonPath().getString("transaction.id");
            assertThat(documents(refund)).isEmpty();
            assertThat(webhooks.poll()).isPositive();
            awaitPosted("mb-ref-chargebee-" + refund);
            webhooks.poll();
            assertThat(refunds("mb-ref-chargebee-" + refund)).hasSize(1);
            assertThat(documents(refund).get(0).get("amount")).isEqualTo("20.00");
        } finally {
            SandboxClient.of("chargebee").noFaults();
        }
    }

    /** The 62.00 September invoice of a Chargebee-billed, hub-rated tenant, paid in full by bank transfer. */
    private static String paidSeptemberInvoice(String tenant) {
        String account = "cb_" + tenant;
        contract(tenant, "netsuite", "chargebee", account, "HUB_RATES", null, null,
                Map.of("api_requests", new BigDecimal("1000")), "api_requests", "storage_gb_peak");
        send(apiRequests(tenant, "2026-09-10T10:00:00Z", 1500, "erin@example.com"),
                storage(tenant, "2026-09-11T10:00:00Z", 250_000_000_000L));
        awaitUsage(tenant, "api_requests", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "1500");
        awaitUsage(tenant, "storage_gb_peak", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "250");
        String delivery = close(tenant, "2026-09-15T00:00:00Z").getString("deliveries[0]");
        await().atMost(Duration.ofSeconds(60)).until(() -> "DELIVERED".equals(deliveryStatus(delivery)));
        JsonPath invoices = chargebeeInvoices(account);
        assertThat(invoices.getLong("list[0].invoice.total")).isEqualTo(6200L);
        String invoice = invoices.getString("list[0].invoice.id");
        awaitPosted("mb-inv-chargebee-" + invoice);
        return invoice;
    }

    /** Records the invoice's payment of 62.00 in full; the payment transaction's id. */
    private static String payment(String invoice) {
        return chargebee().formParam("transaction[amount]", 6200).formParam("transaction[payment_method]", "bank_transfer")
                .formParam("transaction[date]", java.time.Instant.now().getEpochSecond())
                .post("/sandbox/chargebee/api/v2/invoices/" + invoice + "/record_payment").then().statusCode(200)
                .extract().jsonPath().getString("transaction.id");
    }

    private static RequestSpecification chargebee() {
        return RestAssured.given().auth().preemptive().basic("test_meterbridge_sandbox", "")
                .contentType("application/x-www-form-urlencoded");
    }

    private static List<Map<String, Object>> refunds(String posting) {
        return SandboxClient.netSuite().recordsJson("customerRefund").getList("findAll { it.externalId == '" + posting + "' }");
    }

    private static List<Map<String, Object>> documents(String sourceId) {
        return finance().get("/api/v1/erp/documents").then().statusCode(200).extract().jsonPath()
                .getList("findAll { it.source_id == '" + sourceId + "' }");
    }

    private static String paymentRefundedEvent(String refund) throws Exception {
        String page = RestAssured.given().auth().preemptive().basic("test_meterbridge_sandbox", "")
                .queryParam("event_type[is]", "payment_refunded").queryParam("limit", 100)
                .get("/sandbox/chargebee/api/v2/events").then().statusCode(200).extract().asString();
        List<JsonNode> events = new java.util.ArrayList<>();
        new ObjectMapper().readTree(page).path("list").forEach(e -> {
            if (e.path("event").path("content").path("transaction").path("id").asText().equals(refund)) {
                events.add(e.path("event"));
            }
        });
        assertThat(events).hasSize(1);
        return events.get(0).toString();
    }
}
