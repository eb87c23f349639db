package io.meterbridge.erp;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.awaitPosted;
import static io.meterbridge.support.BillingFixture.closedSeptember;
import static io.meterbridge.support.BillingFixture.deliveredAs;
import static io.meterbridge.support.BillingFixture.stripePost;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Voided invoices and failed payments reach the ERP as what they are. September's invoice: 1,500 requests over 1,000
 * included (0.50 + a 49.50 true-up) and a 250 GB peak (12.00): 62.00 USD. Voided in Stripe: a credit memo of 62.00
 * against the posted invoice. A declined charge: no ERP document, an accounting exception saying 62.00 USD is still due.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class VoidAndFailedPaymentTest {

    private static List<Map<String, Object>> documents(String sourceId) {
        return finance().get("/api/v1/erp/documents").then().statusCode(200).extract().jsonPath()
                .getList("findAll { it.source_id == '" + sourceId + "' }");
    }

    @Test
    void aVoidedInvoiceBecomesACreditMemoOfItsWholeAmount() {
        String invoice = deliveredAs(closedSeptember(uniqueId("voided"), "netsuite"));
        awaitPosted("mb-inv-stripe-" + invoice);

        stripePost("/v1/invoices/" + invoice + "/void", Map.of());

        await().atMost(Duration.ofSeconds(30)).until(() -> !documents(invoice + "-void").isEmpty());
        Map<String, Object> memo = documents(invoice + "-void").get(0);
        assertThat(memo.get("doc_type")).isEqualTo("CREDIT_MEMO");
        assertThat(memo.get("related_source_id")).isEqualTo(invoice);
        assertThat(memo.get("amount")).isEqualTo("62.00");
        assertThat(memo.get("currency")).isEqualTo("USD");
        assertThat((List<?>) memo.get("postings")).as("posted to the ERP like any credit memo").isNotEmpty();
    }

    @Test
    void aDeclinedPaymentIsAnExceptionAndNoErpDocument() {
        String invoice = deliveredAs(closedSeptember(uniqueId("declined"), "netsuite"));
        awaitPosted("mb-inv-stripe-" + invoice);

        RestAssured.given().auth().oauth2("sk_test_meterbridge_sandbox").contentType(ContentType.URLENC)
                .header("Idempotency-Key", java.util.UUID.randomUUID().toString())
                .formParam("payment_method", "pm_card_chargeDeclined").post("/sandbox/stripe/v1/invoices/" + invoice + "/pay")
                .then().statusCode(402);

        await().atMost(Duration.ofSeconds(30)).until(() -> !failed(invoice).isEmpty());
        assertThat(String.valueOf(failed(invoice).get(0).get("reason"))).contains("payment failed (attempt 1)")
                .contains("62.00 USD still due");
        assertThat(failed(invoice)).hasSize(1);
        assertThat(documents(invoice + "-payment")).as("no payment document").isEmpty();
        assertThat(documents(invoice)).hasSize(1);
    }

    private static List<Map<String, Object>> failed(String invoice) {
        List<Map<String, Object>> all = finance().get("/api/v1/erp/exceptions").then().statusCode(200).extract()
                .jsonPath().getList("findAll { it.kind == 'PAYMENT_FAILED' }");
        return all.stream().filter(e -> String.valueOf(e.get("reason")).contains(invoice)).toList();
    }
}
