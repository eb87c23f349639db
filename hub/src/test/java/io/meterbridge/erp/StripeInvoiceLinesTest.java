package io.meterbridge.erp;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.stripePost;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stripe's invoice.finalized embeds only the invoice's first 10 lines (has_more): the document is built from every
 * line, read page by page from GET /v1/invoices/{id}/lines. 12 lines of 1.00 to 12.00: 78.00 USD in 12 lines.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class StripeInvoiceLinesTest {

    @Test
    void aFinalizedInvoiceOf12LinesBecomesADocumentOf12Lines() {
        String customer = "cus_" + uniqueId("lines").replace("-", "");
        String invoice = stripePost("/v1/invoices", Map.of("customer", customer, "currency", "usd")).getString("id");
        for (int i = 1; i <= 12; i++) {
            stripePost("/v1/invoiceitems", Map.of("customer", customer, "invoice", invoice, "amount",
                    String.valueOf(100 * i), "currency", "usd", "description", "api_requests: line " + i));
        }
        var finalized = stripePost("/v1/invoices/" + invoice + "/finalize", Map.of());
        assertThat(finalized.getList("lines.data")).as("Stripe's embedded list").hasSize(10);

        await().atMost(Duration.ofSeconds(30)).until(() -> !documents(invoice).isEmpty());
        Map<String, Object> document = documents(invoice).get(0);
        assertThat(document.get("amount")).isEqualTo("78.00");
        List<Map<String, Object>> lines = (List<Map<String, Object>>) document.get("lines");
        assertThat(lines).hasSize(12);
        assertThat(lines).extracting(l -> new java.math.BigDecimal(String.valueOf(l.get("amount"))).intValueExact())
                .as("lines 11 and 12 are not in Stripe's embedded list").contains(11, 12);
        assertThat(lines.stream().map(l -> new java.math.BigDecimal(String.valueOf(l.get("amount"))))
                .reduce(java.math.BigDecimal.ZERO, java.math.BigDecimal::add)).isEqualByComparingTo("78.00");
    }

    private static List<Map<String, Object>> documents(String invoice) {
        return finance().get("/api/v1/erp/documents").then().statusCode(200).extract().jsonPath()
                .getList("findAll { it.source_id == '" + invoice + "' }");
    }
}
