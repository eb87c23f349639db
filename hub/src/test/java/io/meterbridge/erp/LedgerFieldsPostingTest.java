package io.meterbridge.erp;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.Events;
import io.meterbridge.support.SandboxClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.awaitPosted;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contract;
import static io.meterbridge.support.BillingFixture.deliveredAs;
import static io.meterbridge.support.BillingFixture.erpCustomer;
import static io.meterbridge.support.BillingFixture.featureRun;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.storage;
import static io.meterbridge.support.BillingFixture.stripeWebhook;
import static io.meterbridge.support.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a ledger needs on every posted document, inspected in the ERP sandboxes' records (docs/api/erp.md, "What a
 * posting carries"): the currency, the policy's tax code on every line, and deferred revenue where the policy defers.
 * The example: September, 4 feature runs x 0.25 = 1.00 USD (deferred) and a 250 GB storage peak, 3 blocks of 100 GB x
 * 4.00 = 12.00 USD; invoice 13.00 USD.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class LedgerFieldsPostingTest {

    private static final String SECRET = "whsec_meterbridge_sandbox";

    /** Closes the example's September and sends the Stripe invoice's invoice.finalized; returns the posting id. */
    private static String[] postedSeptember(String tenant, String erp) throws Exception {
        String customer = "cus_" + tenant.replace("-", "");
        contract(tenant, erp, "stripe", customer, "HUB_RATES", null, null, Map.of(), "feature_runs", "storage_gb_peak");
        send(featureRun(tenant, "2026-09-02T10:00:00Z"), featureRun(tenant, "2026-09-03T10:00:00Z"),
                featureRun(tenant, "2026-09-04T10:00:00Z"), featureRun(tenant, "2026-09-30T23:00:00Z"),
                storage(tenant, "2026-09-11T10:00:00Z", 250_000_000_000L));
        awaitUsage(tenant, "feature_runs", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "4");
        awaitUsage(tenant, "storage_gb_peak", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "250");
        String delivery = close(tenant, "2026-09-15T00:00:00Z").getString("deliveries[0]");
        String accrual = "mb-accr-contract-" + tenant + "-20260901";
        awaitPosted(accrual);
        String invoiceId = deliveredAs(delivery);
        stripeWebhook(NetSuitePostingTest.invoiceFinalized(invoiceId), SECRET).then().statusCode(200);
        String posting = "mb-inv-stripe-" + invoiceId;
        awaitPosted(posting);
        return new String[] {posting, accrual};
    }

    @Test
    void aNetSuiteInvoiceCarriesItsCurrencyTaxCodesAndTheServicePeriodOfDeferredRevenue() throws Exception {
        String tenant = uniqueId("ledger-ns");
        String[] ids = postedSeptember(tenant, "netsuite");

        JsonPath invoice = one(SandboxClient.netSuite().recordsJson("invoice"), ids[0]);
        // USD is currency record 1 in the policy's currencies, and the customer's currency too.
        assertThat(invoice.getString("currency.id")).isEqualTo("1");
        assertThat(invoice.getList("item.items.taxCode.id")).hasSize(2).containsOnly("-7");
        List<Map<String, Object>> lines = invoice.getList("item.items");
        Map<String, Object> features = lines.stream().filter(l -> "204".equals(((Map<?, ?>) l.get("item")).get("id")))
                .findFirst().orElseThrow();
        Map<String, Object> storage = lines.stream().filter(l -> "203".equals(((Map<?, ?>) l.get("item")).get("id")))
                .findFirst().orElseThrow();
        assertThat(new BigDecimal(String.valueOf(features.get("amount")))).isEqualByComparingTo("1.00");
        assertThat(features).containsEntry("revRecStartDate", "2026-09-01").containsEntry("revRecEndDate", "2026-09-30");
        assertThat(new BigDecimal(String.valueOf(storage.get("amount")))).isEqualByComparingTo("12.00");
        assertThat(storage).doesNotContainKeys("revRecStartDate", "revRecEndDate");
        assertThat(new BigDecimal(invoice.getString("total"))).isEqualByComparingTo("13.00");

        JsonPath customer = one(SandboxClient.netSuite().recordsJson("customer"), erpCustomer(tenant));
        assertThat(customer.getString("currency.id")).isEqualTo("1");
        // The accrual: 13.00 debited to accrued revenue 1350, the deferred 1.00 credited to deferred revenue 2400.
        JsonPath accrual = one(SandboxClient.netSuite().recordsJson("journalEntry"), ids[1]);
        assertThat(accrual.getString("currency.id")).isEqualTo("1");
        assertThat(new BigDecimal(accrual.getString("line.items.find { it.account.id == '1350' }.debit")))
                .isEqualByComparingTo("13.00");
        assertThat(new BigDecimal(accrual.getString("line.items.find { it.account.id == '2400' }.credit")))
                .isEqualByComparingTo("1.00");
        assertThat(new BigDecimal(accrual.getString("line.items.find { it.account.id == '4030' }.credit")))
                .isEqualByComparingTo("12.00");
    }

    @Test
    void aBusinessCentralInvoiceIsInTheLocalCurrencyWithTaxGroupsAndDeferredRevenueOnItsAccount() throws Exception {
        String tenant = uniqueId("ledger-bc");
        String[] ids = postedSeptember(tenant, "business-central");

        String number = BusinessCentralPosting.number(ids[0], 35);
        List<Map<String, Object>> invoices = BusinessCentralPostingTest.records("salesInvoices").getList(
                "findAll { it.externalDocumentNumber == '" + number + "' }");
        assertThat(invoices).hasSize(1);
        JsonPath invoice = JsonPath.from(Events.MAPPER.writeValueAsString(invoices.get(0)));
        // USD is the company's local currency: BC names it with the empty code.
        assertThat(invoice.getString("currencyCode")).isEmpty();
        assertThat(invoice.getList("salesInvoiceLines.taxCode")).hasSize(2).containsOnly("NONTAXABLE");
        // feature_runs defers: its 1.00 is credited to deferred revenue 2330, storage's 12.00 to revenue 6130.
        assertThat(new BigDecimal(invoice.getString("salesInvoiceLines.find { it.lineObjectNumber == '2330' }.unitPrice")))
                .isEqualByComparingTo("1.00");
        assertThat(new BigDecimal(invoice.getString("salesInvoiceLines.find { it.lineObjectNumber == '6130' }.unitPrice")))
                .isEqualByComparingTo("12.00");
        assertThat(new BigDecimal(invoice.getString("totalAmountIncludingTax"))).isEqualByComparingTo("13.00");
    }

    private static JsonPath one(JsonPath records, String externalId) throws Exception {
        List<Map<String, Object>> found = records.getList("findAll { it.externalId == '" + externalId + "' }");
        assertThat(found).as(externalId).hasSize(1);
        return JsonPath.from(Events.MAPPER.writeValueAsString(found.get(0)));
    }
}
