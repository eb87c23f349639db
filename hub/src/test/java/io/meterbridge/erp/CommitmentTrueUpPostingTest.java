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

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitPosted;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contractKey;
import static io.meterbridge.support.BillingFixture.deliveredAs;
import static io.meterbridge.support.BillingFixture.erpCustomer;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.stripeInvoiceItems;
import static io.meterbridge.support.BillingFixture.stripeWebhook;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.admin;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A contract's minimum-commitment true-up reaches the platform and the ERP as a line of its own: a Stripe invoice item
 * with metric minimum_commitment, and in NetSuite the policy's revenue account 4090 and item 209, in the accrual and in
 * the invoice.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class CommitmentTrueUpPostingTest {

    @Test
    void theCommitmentTrueUpPostsToItsOwnRevenueAccount() throws Exception {
        String tenant = uniqueId("ns-commit");
        String customer = "cus_" + tenant.replace("-", "");
        admin().body(Map.of("tenant", tenant, "crmAccountId", "crm-" + tenant, "billingSystem", "stripe",
                "billingAccountId", customer, "erpSystem", "netsuite", "erpCustomerId", erpCustomer(tenant),
                "currency", "USD", "timeZone", "UTC", "validFrom", "2026-01-01T00:00:00Z"))
                .post("/api/v1/admin/customers").then().statusCode(200);
        admin().body(Map.of("contractKey", contractKey(tenant), "billingSystem", "stripe", "billingAccountId", customer,
                "billingMode", "HUB_RATES", "anchorDay", 1, "timeZone", "UTC", "gracePeriod", "P3D",
                "validFrom", "2026-07-01T00:00:00Z", "minimumCommitment", "80.00",
                "metrics", List.of(Map.of("metric", "api_requests", "unit", "request",
                        "priceVersion", "api-requests-2026-v1"))))
                .post("/api/v1/admin/contracts").then().statusCode(200);
        send(apiRequests(tenant, "2026-07-10T10:00:00Z", 20000, "dave"));
        awaitUsage(tenant, "api_requests", "2026-07-01T00:00:00Z", "2026-08-01T00:00:00Z", "20000");

        // 20,000 x 0.0010 = 20.00, trued up to the 50.00 minimum charge by 30.00; spend 50.00 against the 80.00
        // minimum commitment: 30.00 more. 80.00 USD.
        JsonPath closed = close(tenant, "2026-07-15T00:00:00Z");
        assertThat(new BigDecimal(closed.getString("total"))).isEqualByComparingTo("80.00");
        String invoiceId = deliveredAs(closed.getString("deliveries[0]"));
        JsonPath items = stripeInvoiceItems(invoiceId);
        assertThat(items.getList("data.amount", Long.class)).containsExactlyInAnyOrder(2000L, 3000L, 3000L);
        assertThat(items.getString("data.find { it.metadata.metric == 'minimum_commitment' }.amount")).isEqualTo("3000");

        String accrual = "mb-accr-contract-" + tenant + "-20260701";
        awaitPosted(accrual);
        stripeWebhook(NetSuitePostingTest.invoiceFinalized(invoiceId), "whsec_meterbridge_sandbox").then().statusCode(200);
        String posting = "mb-inv-stripe-" + invoiceId;
        awaitPosted(posting);

        JsonPath invoice = JsonPath.from(Events.MAPPER.writeValueAsString(SandboxClient.netSuite().recordsJson("invoice")
                .getList("findAll { it.externalId == '" + posting + "' }").get(0)));
        assertThat(invoice.getList("item.items.item.id")).containsExactlyInAnyOrder("201", "201", "209");
        assertThat(new BigDecimal(invoice.getString("item.items.find { it.item.id == '209' }.amount")))
                .isEqualByComparingTo("30.00");
        JsonPath accrued = JsonPath.from(Events.MAPPER.writeValueAsString(SandboxClient.netSuite()
                .recordsJson("journalEntry").getList("findAll { it.externalId == '" + accrual + "' }").get(0)));
        assertThat(new BigDecimal(accrued.getString("line.items.find { it.account.id == '1350' }.debit")))
                .isEqualByComparingTo("80.00");
        assertThat(new BigDecimal(accrued.getString("line.items.find { it.account.id == '4010' }.credit")))
                .isEqualByComparingTo("50.00");
        assertThat(new BigDecimal(accrued.getString("line.items.find { it.account.id == '4090' }.credit")))
                .isEqualByComparingTo("30.00");
    }
}
