package io.meterbridge.erp;

import io.meterbridge.support.SandboxClient;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.awaitPosted;
import static io.meterbridge.support.BillingFixture.closedSeptember;
import static io.meterbridge.support.BillingFixture.deliveredAs;
import static io.meterbridge.support.BillingFixture.stripePost;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * After the invoice: a Stripe credit note (its webhook from the sandbox) becomes a NetSuite credit memo transformed
 * from the invoice, on the metric's item; the invoice paid becomes a customer payment applied to it.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class CreditMemoAndPaymentTest {

    @Test
    void aCreditNoteBecomesACreditMemoAndAPaymentACustomerPayment() {
        String tenant = uniqueId("cm");
        String invoice = deliveredAs(closedSeptember(tenant, "netsuite"));
        String invoicePosting = "mb-inv-stripe-" + invoice;
        awaitPosted(invoicePosting); // the sandbox's invoice.finalized webhook

        String note = stripePost("/v1/credit_notes", Map.of("invoice", invoice, "lines[0][type]", "custom_line_item",
                "lines[0][description]", "api_requests: service credit", "lines[0][quantity]", "1",
                "lines[0][unit_amount]", "500", "memo", "outage credit")).getString("id");
        awaitPosted("mb-cm-stripe-" + note);
        List<Map<String, Object>> memos = SandboxClient.netSuite().recordsJson("creditMemo").getList(
                "findAll { it.externalId == 'mb-cm-stripe-" + note + "' }");
        assertThat(memos).hasSize(1);
        assertThat(String.valueOf(memos.get(0))).contains("201"); // the api_requests item of the policy
        assertThat(finance().get("/api/v1/erp/documents").then().extract().jsonPath()
                .getString("find { it.source_id == '" + note + "' }.related_source_id")).isEqualTo(invoice);

        stripePost("/v1/invoices/" + invoice + "/pay", Map.of("paid_out_of_band", "true"));
        String payment = "mb-pay-stripe-" + invoice + "-payment";
        awaitPosted(payment);
        List<Map<String, Object>> payments = SandboxClient.netSuite().recordsJson("customerPayment").getList(
                "findAll { it.externalId == '" + payment + "' }");
        assertThat(payments).hasSize(1);
        // 62.00 invoiced, 5.00 credited: 57.00 paid.
        assertThat(new BigDecimal(String.valueOf(payments.get(0).get("payment")))).isEqualByComparingTo("57.00");
    }
}
