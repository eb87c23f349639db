package io.meterbridge.billing;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import io.meterbridge.erp.NetSuiteRecords;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitPosted;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.charges;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contractWith;
import static io.meterbridge.support.BillingFixture.contractKey;
import static io.meterbridge.support.BillingFixture.deliveredAs;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.stripeCustomer;
import static io.meterbridge.support.BillingFixture.stripeInvoiceItems;
import static io.meterbridge.support.BillingFixture.stripeWebhook;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.admin;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worked example of docs/architecture.md ("Prepaid credit ledger"), by hand: a grant of 100.00 USD; March rates
 * 64,000 requests x 0.0010 = 64.00, the grant pays 64.00 (invoice 0.00, balance 36.00); a new contract version from
 * April changes nothing of the balance; April rates 74,000 x 0.0010 = 74.00, the grant pays its last 36.00 (invoice
 * 74.00 - 36.00 = 38.00, balance 0.00). Re-closing March draws nothing more. In NetSuite each consumed amount relieves
 * the contract liability (debit 2450, credit 4050), the April accrual debits 1350 38.00 and 4050 36.00 against 4010
 * 74.00, and the Stripe invoice's credit line posts to item 205.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class CreditLedgerTest {

    @Test
    void aGrantPaysPeriodsInOrderUntilUsedUpAndRelievesTheLiabilityInTheErp() throws Exception {
        String tenant = uniqueId("credits");
        String key = contractKey(tenant);
        contractWith(tenant, "netsuite", "stripe", stripeCustomer(tenant), "HUB_RATES", null, null, Map.of(),
                Map.of("validFrom", "2026-03-01T00:00:00Z"), "api_requests");
        JsonPath granted = grant(key, "PO-" + tenant, "100.00", null).then().statusCode(200).extract().jsonPath();
        assertThat(granted.getBoolean("created")).isTrue();
        assertThat(granted.getString("statement.balances[0].balance")).isEqualTo("100.00");

        send(apiRequests(tenant, "2026-03-10T10:00:00Z", 64000, "ann"));
        awaitUsage(tenant, "api_requests", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", "64000");
        JsonPath march = close(tenant, "2026-03-15T00:00:00Z");
        assertThat(new BigDecimal(march.getString("total"))).isEqualByComparingTo("0.00");
        JsonPath marchCharges = charges(march.getLong("closeId"));
        assertThat(marchCharges.getList("charges.line_type")).containsExactly("USAGE", "PREPAID_CREDIT");
        assertThat(marchCharges.getString("charges[1].amount")).isEqualTo("-64.00");
        assertThat(marchCharges.getString("charges[1].metric")).isEqualTo("prepaid_credit");
        assertThat(balance(key)).isEqualTo("36.00");

        // Closing March again returns the close as it is and draws nothing.
        JsonPath again = close(tenant, "2026-03-20T00:00:00Z");
        assertThat(again.getBoolean("created")).isFalse();
        assertThat(balance(key)).isEqualTo("36.00");

        // A new version of the contract (other grace period) from April: the grant belongs to the key, not the version.
        admin().body(Map.of("contractKey", key, "billingSystem", "stripe", "billingAccountId", stripeCustomer(tenant),
                "billingMode", "HUB_RATES", "anchorDay", 1, "timeZone", "UTC", "gracePeriod", "P5D",
                "validFrom", "2026-04-01T00:00:00Z", "metrics", List.of(Map.of("metric", "api_requests",
                        "unit", "unit", "priceVersion", "api-requests-2026-v1"))))
                .post("/api/v1/admin/contracts").then().statusCode(200);
        assertThat(balance(key)).isEqualTo("36.00");

        send(apiRequests(tenant, "2026-04-10T10:00:00Z", 74000, "ann"));
        awaitUsage(tenant, "api_requests", "2026-04-01T00:00:00Z", "2026-05-01T00:00:00Z", "74000");
        JsonPath april = close(tenant, "2026-04-15T00:00:00Z");
        assertThat(new BigDecimal(april.getString("total"))).isEqualByComparingTo("38.00");
        JsonPath statement = finance().get("/api/v1/admin/contracts/" + key + "/credits").then().statusCode(200)
                .extract().jsonPath();
        assertThat(statement.getString("balances[0].granted")).isEqualTo("100.00");
        assertThat(statement.getString("balances[0].drawn")).isEqualTo("100.00");
        assertThat(statement.getString("balances[0].balance")).isEqualTo("0.00");
        assertThat(statement.getList("draws.amount")).containsExactly("64.00", "36.00");
        assertThat(statement.getList("draws.period_start")).containsExactly("2026-03-01T00:00:00Z",
                "2026-04-01T00:00:00Z");
        assertThat(statement.getString("grants[0].remaining")).isEqualTo("0.00");

        // Stripe: the April invoice has the usage and the negative credit line (Stripe allows negative invoice items).
        String invoiceId = deliveredAs(april.getString("deliveries[0]"));
        JsonPath items = stripeInvoiceItems(invoiceId);
        assertThat(items.getList("data.amount", Long.class)).containsExactlyInAnyOrder(7400L, -3600L);
        assertThat(items.getString("data.find { it.metadata.metric == 'prepaid_credit' }.amount")).isEqualTo("-3600");

        // NetSuite: the relief of each period, and the April accrual net of the credit.
        String marchRelief = "mb-crel-" + key + "-20260301";
        String aprilRelief = "mb-crel-" + key + "-20260401";
        awaitPosted(marchRelief);
        awaitPosted(aprilRelief);
        JsonPath relief = NetSuiteRecords.journal(aprilRelief);
        assertThat(new BigDecimal(relief.getString("line.items.find { it.account.id == '2450' }.debit")))
                .isEqualByComparingTo("36.00");
        assertThat(new BigDecimal(relief.getString("line.items.find { it.account.id == '4050' }.credit")))
                .isEqualByComparingTo("36.00");
        assertThat(new BigDecimal(NetSuiteRecords.journal(marchRelief)
                .getString("line.items.find { it.account.id == '2450' }.debit"))).isEqualByComparingTo("64.00");
        String accrual = "mb-accr-" + key + "-20260401";
        awaitPosted(accrual);
        JsonPath accrued = NetSuiteRecords.journal(accrual);
        assertThat(new BigDecimal(accrued.getString("line.items.find { it.account.id == '1350' }.debit")))
                .isEqualByComparingTo("38.00");
        assertThat(new BigDecimal(accrued.getString("line.items.find { it.account.id == '4050' }.debit")))
                .isEqualByComparingTo("36.00");
        assertThat(new BigDecimal(accrued.getString("line.items.find { it.account.id == '4010' }.credit")))
                .isEqualByComparingTo("74.00");

        // The invoice itself: usage on item 201, the credit line on item 205 (account 4050), 38.00 due.
        stripeWebhook(NetSuiteRecords.invoiceFinalized(invoiceId), "whsec_meterbridge_sandbox").then().statusCode(200);
        String posting = "mb-inv-stripe-" + invoiceId;
        awaitPosted(posting);
        JsonPath invoice = NetSuiteRecords.record("invoice", posting);
        assertThat(new BigDecimal(invoice.getString("item.items.find { it.item.id == '205' }.amount")))
                .isEqualByComparingTo("-36.00");
        assertThat(new BigDecimal(invoice.getString("item.items.find { it.item.id == '201' }.amount")))
                .isEqualByComparingTo("74.00");
    }

    static io.restassured.response.Response grant(String contractKey, String reference, String amount,
            String expiresAt) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("reference", reference);
        body.put("amount", amount);
        body.put("currency", "USD");
        body.put("startsAt", "2026-01-01T00:00:00Z");
        if (expiresAt != null) {
            body.put("expiresAt", expiresAt);
        }
        return finance().contentType(ContentType.JSON).body(body)
                .post("/api/v1/admin/contracts/" + contractKey + "/credits");
    }

    static String balance(String contractKey) {
        return finance().get("/api/v1/admin/contracts/" + contractKey + "/credits").then().statusCode(200).extract()
                .jsonPath().getString("balances[0].balance");
    }
}
