package io.meterbridge.erp;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.SandboxClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.awaitPosted;
import static io.meterbridge.support.BillingFixture.closedSeptember;
import static io.meterbridge.support.BillingFixture.deliveredAs;
import static io.meterbridge.support.BillingFixture.postingStatus;
import static io.meterbridge.support.BillingFixture.stripePost;
import static io.meterbridge.support.BillingFixture.stripeWebhook;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A refund reaches NetSuite as a customer refund of the payment it pays back. September's invoice is 62.00 USD (1,500
 * requests over 1,000 included: 0.50 + a 49.50 true-up; a 250 GB peak: 12.00), paid by card: a customer payment of
 * 62.00. Stripe refunds 2000 cents of the charge: one customerRefund of 20.00 USD applied to that payment (42.00 of
 * it left to refund). The same refund.created event delivered twice more posts nothing more. In Business Central the
 * same refund is a customer journal line of 20.00 (debit) balanced on the bank account.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class RefundPostingTest {

    @jakarta.inject.Inject
    PlatformWebhooks webhooks;

    @Test
    void aPartialRefundBecomesOneCustomerRefundOfThePayment() throws Exception {
        String invoice = deliveredAs(closedSeptember(uniqueId("refund"), "netsuite"));
        awaitPosted("mb-inv-stripe-" + invoice);
        String charge = stripePost("/v1/invoices/" + invoice + "/pay", Map.of()).getString("charge");
        assertThat(charge).startsWith("ch_");
        String payment = "mb-pay-stripe-" + invoice + "-payment";
        awaitPosted(payment);

        String refund = stripePost("/v1/refunds", Map.of("charge", charge, "amount", "2000")).getString("id");
        String posting = "mb-ref-stripe-" + refund;
        awaitPosted(posting);

        List<Map<String, Object>> refunds = refunds(posting);
        assertThat(refunds).hasSize(1);
        JsonPath record = SandboxClient.netSuite().recordsJson("customerRefund");
        assertThat(new BigDecimal(record.getString("find { it.externalId == '" + posting + "' }.total")))
                .isEqualByComparingTo("20.00");
        String paymentId = SandboxClient.netSuite().recordsJson("customerPayment")
                .getString("find { it.externalId == '" + payment + "' }.id");
        assertThat(record.getString("find { it.externalId == '" + posting + "' }.apply.items[0].doc.id"))
                .isEqualTo(paymentId);
        assertThat(record.getString("find { it.externalId == '" + posting + "' }.currency.id"))
                .as("USD, the currency record of the policy").isEqualTo("1");

        Map<String, Object> document = documents(refund).get(0);
        assertThat(document.get("doc_type")).isEqualTo("REFUND");
        assertThat(document.get("amount")).isEqualTo("20.00");
        assertThat(document.get("currency")).isEqualTo("USD");
        assertThat(document.get("related_source_id")).isEqualTo(invoice + "-payment");

        // The same event again, as Stripe re-sends it: acknowledged as a duplicate, posted once.
        String event = refundCreatedEvent(refund);
        for (int delivery = 0; delivery < 2; delivery++) {
            assertThat(stripeWebhook(event, "whsec_meterbridge_sandbox").then().statusCode(200).extract().jsonPath()
                    .getBoolean("duplicate")).isTrue();
        }
        assertThat(documents(refund)).hasSize(1);
        assertThat(refunds(posting)).hasSize(1);
        assertThat(postingStatus(posting)).isEqualTo("POSTED");
    }

    @Test
    void moreThanIsLeftOfTheChargeIsRefusedByStripe() {
        String invoice = deliveredAs(closedSeptember(uniqueId("refund-over"), "netsuite"));
        awaitPosted("mb-inv-stripe-" + invoice);
        String charge = stripePost("/v1/invoices/" + invoice + "/pay", Map.of()).getString("charge");
        // 62.00 paid, 20.00 refunded: 42.00 (4200) left, so 4201 is refused and the rest (no amount) is 42.00.
        stripePost("/v1/refunds", Map.of("charge", charge, "amount", "2000"));
        RestAssured.given().auth().oauth2("sk_test_meterbridge_sandbox").contentType(io.restassured.http.ContentType.URLENC)
                .header("Idempotency-Key", java.util.UUID.randomUUID().toString()).formParam("charge", charge)
                .formParam("amount", "4201").post("/sandbox/stripe/v1/refunds").then().statusCode(400);
        String rest = stripePost("/v1/refunds", Map.of("charge", charge)).getString("id");
        awaitPosted("mb-ref-stripe-" + rest);
        assertThat(documents(rest).get(0).get("amount")).isEqualTo("42.00");
    }

    @Test
    void inBusinessCentralARefundDebitsTheCustomerAndCreditsTheBank() {
        String invoice = deliveredAs(closedSeptember(uniqueId("refund-bc"), "business-central"));
        awaitPosted("mb-inv-stripe-" + invoice);
        String charge = stripePost("/v1/invoices/" + invoice + "/pay", Map.of()).getString("charge");
        String payment = "mb-pay-stripe-" + invoice + "-payment";
        awaitPosted(payment);
        String refund = stripePost("/v1/refunds", Map.of("charge", charge, "amount", "2000")).getString("id");
        String posting = "mb-ref-stripe-" + refund;
        awaitPosted(posting);

        // One journal document: 20.00 debited to the customer, 20.00 credited to bank account 2910 (cashAccount).
        List<Map<String, Object>> entries = BusinessCentralPostingTest.records("generalLedgerEntries").getList(
                "findAll { it.documentNumber == '" + BusinessCentralPosting.number(posting, 20) + "' }");
        assertThat(entries).hasSize(2);
        Map<String, BigDecimal> net = new java.util.HashMap<>();
        entries.forEach(e -> net.put(String.valueOf(e.get("accountNumber")), new BigDecimal(String.valueOf(e.get("debitAmount")))
                .subtract(new BigDecimal(String.valueOf(e.get("creditAmount"))))));
        assertThat(net.get("2910")).isEqualByComparingTo("-20.00");
        assertThat(net.entrySet().stream().filter(e -> !e.getKey().equals("2910")).map(Map.Entry::getValue).toList())
                .usingElementComparator(BigDecimal::compareTo).containsExactly(new BigDecimal("20.00"));
    }

    @Test
    void aRefundWhoseWebhookWasLostIsFoundByPollingAndPostedOnce() throws Exception {
        String invoice = deliveredAs(closedSeptember(uniqueId("refund-poll"), "netsuite"));
        awaitPosted("mb-inv-stripe-" + invoice);
        String charge = stripePost("/v1/invoices/" + invoice + "/pay", Map.of()).getString("charge");
        awaitPosted("mb-pay-stripe-" + invoice + "-payment");
        SandboxClient.of("stripe").faults(Map.of("dropWebhooks", true));
        try {
            String refund = stripePost("/v1/refunds", Map.of("charge", charge, "amount", "2000")).getString("id");
            assertThat(documents(refund)).isEmpty();
            assertThat(webhooks.poll()).isPositive();
            awaitPosted("mb-ref-stripe-" + refund);
            webhooks.poll();
            assertThat(refunds("mb-ref-stripe-" + refund)).hasSize(1);
            assertThat(documents(refund).get(0).get("amount")).isEqualTo("20.00");
        } finally {
            SandboxClient.of("stripe").noFaults();
        }
    }

    private static List<Map<String, Object>> refunds(String posting) {
        return SandboxClient.netSuite().recordsJson("customerRefund").getList("findAll { it.externalId == '" + posting + "' }");
    }

    private static List<Map<String, Object>> documents(String sourceId) {
        return finance().get("/api/v1/erp/documents").then().statusCode(200).extract().jsonPath()
                .getList("findAll { it.source_id == '" + sourceId + "' }");
    }

    private static String refundCreatedEvent(String refund) throws Exception {
        String page = RestAssured.given().auth().oauth2("sk_test_meterbridge_sandbox").queryParam("type", "refund.created")
                .queryParam("limit", 100).get("/sandbox/stripe/v1/events").then().statusCode(200).extract().asString();
        List<com.fasterxml.jackson.databind.JsonNode> events = new java.util.ArrayList<>();
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(page).path("data").forEach(e -> {
            if (e.path("data").path("object").path("id").asText().equals(refund)) {
                events.add(e);
            }
        });
        assertThat(events).hasSize(1);
        return events.get(0).toString();
    }
}
