package io.meterbridge.erp;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.Events;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.awaitPosted;
import static io.meterbridge.support.BillingFixture.closedSeptember;
import static io.meterbridge.support.BillingFixture.deliveredAs;
import static io.meterbridge.support.BillingFixture.sandbox;
import static io.meterbridge.support.BillingFixture.stripeWebhook;
import static io.meterbridge.support.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end into Business Central: the same flow as NetSuitePostingTest for a customer whose ERP is Business
 * Central: the accrual journal posted, the invoice as a posted sales invoice on the policy's G/L accounts (one deep
 * insert, found by its external document number on a retry), the accrual reversed.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class BusinessCentralPostingTest {

    static JsonPath records(String type) {
        return sandbox().queryParam("type", type).get("/sandbox/bc/_sandbox/records").then().statusCode(200).extract()
                .jsonPath();
    }

    @Test
    void aStripeInvoiceBecomesAPostedSalesInvoiceOnThePolicysAccounts() throws Exception {
        String tenant = uniqueId("bc");
        String delivery = closedSeptember(tenant, "business-central");
        String accrual = "mb-accr-contract-" + tenant + "-20260901";
        awaitPosted(accrual);
        String invoiceId = deliveredAs(delivery);
        stripeWebhook(NetSuitePostingTest.invoiceFinalized(invoiceId), "whsec_meterbridge_sandbox").then().statusCode(200);
        String posting = "mb-inv-stripe-" + invoiceId;
        awaitPosted(posting);
        awaitPosted("mb-accrrev-contract-" + tenant + "-20260901");

        String number = BusinessCentralPosting.number(posting, 35);
        List<Map<String, Object>> invoices = records("salesInvoices").getList(
                "findAll { it.externalDocumentNumber == '" + number + "' }");
        assertThat(invoices).hasSize(1);
        JsonPath invoice = JsonPath.from(Events.MAPPER.writeValueAsString(invoices.get(0)));
        assertThat(invoice.getString("status")).isEqualTo("Open");
        assertThat(invoice.getList("salesInvoiceLines.lineObjectNumber")).containsExactlyInAnyOrder("6110", "6110", "6130");
        assertThat(new BigDecimal(invoice.getString("totalAmountIncludingTax"))).isEqualByComparingTo("62.00");

        // The accrual and its reversal reached the general ledger: accrued revenue 2320 debited, then credited.
        String accrualNo = BusinessCentralPosting.number(accrual, 20);
        String reversalNo = BusinessCentralPosting.number("mb-accrrev-contract-" + tenant + "-20260901", 20);
        List<Map<String, Object>> ledger = records("generalLedgerEntries").getList(
                "findAll { (it.documentNumber == '" + accrualNo + "' || it.documentNumber == '" + reversalNo
                        + "') && it.accountNumber == '2320' }");
        assertThat(ledger.stream().map(e -> new BigDecimal(String.valueOf(e.get("debitAmount")))
                .subtract(new BigDecimal(String.valueOf(e.get("creditAmount"))))).toList())
                .usingElementComparator(BigDecimal::compareTo)
                .containsExactlyInAnyOrder(new BigDecimal("62.00"), new BigDecimal("-62.00"));
        assertThat(Events.MAPPER.writeValueAsString(records("customers").getList("$"))).doesNotContain("carol@example.com");
    }
}
