package io.meterbridge.billing;

import java.math.BigDecimal;
import java.util.Map;

import io.meterbridge.erp.NetSuiteRecords;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import static io.meterbridge.billing.CreditLedgerTest.grant;
import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitPosted;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contractWith;
import static io.meterbridge.support.BillingFixture.contractKey;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.stripeCustomer;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Oldest expiry first, then breakage (docs/architecture.md, "Prepaid credit ledger"): grant A 100.00 USD without expiry,
 * grant B 80.00 USD expiring 2026-06-01. May rates 10,000 requests x 0.0010 = 10.00, trued up to the 50.00 minimum
 * charge: 50.00, paid by B (it expires first), A untouched. B's expiry is on May's end, so no later period can use it:
 * its rest 80.00 - 50.00 = 30.00 expires at May's close and posts as breakage (debit 2450, credit 4950). Balance 100.00.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class CreditExpiryTest {

    @Test
    void theGrantThatExpiresFirstIsDrawnFirstAndItsRestIsBreakage() throws Exception {
        String tenant = uniqueId("breakage");
        String key = contractKey(tenant);
        contractWith(tenant, "netsuite", "stripe", stripeCustomer(tenant), "HUB_RATES", null, null, Map.of(),
                Map.of("validFrom", "2026-05-01T00:00:00Z"), "api_requests");
        long a = grant(key, "A-" + tenant, "100.00", null).then().statusCode(200).extract().jsonPath().getLong("grant_id");
        long b = grant(key, "B-" + tenant, "80.00", "2026-06-01T00:00:00Z").then().statusCode(200).extract().jsonPath()
                .getLong("grant_id");

        send(apiRequests(tenant, "2026-05-10T10:00:00Z", 10000, "bo"));
        awaitUsage(tenant, "api_requests", "2026-05-01T00:00:00Z", "2026-06-01T00:00:00Z", "10000");
        JsonPath may = close(tenant, "2026-05-15T00:00:00Z");
        assertThat(new BigDecimal(may.getString("total"))).isEqualByComparingTo("0.00");

        JsonPath statement = finance().get("/api/v1/admin/contracts/" + key + "/credits").then().statusCode(200)
                .extract().jsonPath();
        assertThat(statement.getList("draws.grant_id", Long.class)).containsExactly(b);
        assertThat(statement.getList("draws.amount")).containsExactly("50.00");
        assertThat(statement.getList("expiries.grant_id", Long.class)).containsExactly(b);
        assertThat(statement.getList("expiries.amount")).containsExactly("30.00");
        assertThat(statement.getString("grants.find { it.grant_id == " + a + " }.remaining")).isEqualTo("100.00");
        assertThat(statement.getString("grants.find { it.grant_id == " + b + " }.remaining")).isEqualTo("0.00");
        assertThat(statement.getString("balances[0].balance")).isEqualTo("100.00");
        assertThat(statement.getString("balances[0].expired")).isEqualTo("30.00");

        String breakage = "mb-cbrk-" + key + "-g" + b;
        awaitPosted(breakage);
        JsonPath journal = NetSuiteRecords.journal(breakage);
        assertThat(new BigDecimal(journal.getString("line.items.find { it.account.id == '2450' }.debit")))
                .isEqualByComparingTo("30.00");
        assertThat(new BigDecimal(journal.getString("line.items.find { it.account.id == '4950' }.credit")))
                .isEqualByComparingTo("30.00");
    }
}
