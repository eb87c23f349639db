package io.meterbridge.erp;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.Events;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contract;
import static io.meterbridge.support.BillingFixture.deliveryStatus;
import static io.meterbridge.support.BillingFixture.postingStatus;
import static io.meterbridge.support.BillingFixture.sandbox;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.storage;
import static io.meterbridge.support.BillingFixture.stripeWebhook;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
        String customer = "cus_" + tenant.replace("-", "");
        contract(tenant, "business-central", "stripe", customer, "HUB_RATES", null, null,
                Map.of("api_requests", new BigDecimal("1000")), "api_requests", "storage_gb_peak");
        send(apiRequests(tenant, "2026-09-10T10:00:00Z", 1500, "bob@example.com"),
                storage(tenant, "2026-09-11T10:00:00Z", 250_000_000_000L));
        awaitUsage(tenant, "api_requests", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "1500");
        awaitUsage(tenant, "storage_gb_peak", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "250");

        String delivery = close(tenant, "2026-09-15T00:00:00Z").getString("deliveries[0]");
        String accrual = "mb-accr-contract-" + tenant + "-20260901";
        await().atMost(Duration.ofSeconds(40)).until(() -> "POSTED".equals(postingStatus(accrual)));
        await().atMost(Duration.ofSeconds(40)).until(() -> "DELIVERED".equals(deliveryStatus(delivery)));
        String invoiceId = finance().get("/api/v1/billing/deliveries").then().extract().jsonPath()
                .getString("find { it.id == '" + delivery + "' }.external_id");
        stripeWebhook(NetSuitePostingTest.invoiceFinalized(invoiceId), "whsec_meterbridge_sandbox").then().statusCode(200);
        String posting = "mb-inv-stripe-" + invoiceId;
        await().atMost(Duration.ofSeconds(40)).until(() -> "POSTED".equals(postingStatus(posting)));
        await().atMost(Duration.ofSeconds(40))
                .until(() -> "POSTED".equals(postingStatus("mb-accrrev-contract-" + tenant + "-20260901")));

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
        assertThat(Events.MAPPER.writeValueAsString(records("customers").getList("$"))).doesNotContain("bob@example.com");
    }
}
