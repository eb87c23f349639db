package io.meterbridge.erp;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

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
 * Prepaid credit in Business Central (docs/architecture.md, "Prepaid credit ledger"; policy business-central-2026-v1:
 * credits deferredRevenueAccount 2430, breakageAccount 6950, prepaid_credit revenueAccount 6150). By hand: one grant of
 * 80.00 USD expiring 2026-06-01; May rates 10,000 requests x 0.0010 = 10.00, trued up to the 50.00 minimum charge:
 * 50.00, all paid by the grant (invoice 0.00). The relief journal debits 2430 50.00 and credits 6150 50.00; the grant
 * expires on May's end, so its rest 80.00 - 50.00 = 30.00 is breakage: debit 2430 30.00, credit 6950 30.00. Both reach
 * the BC sandbox's general ledger as journal lines under their document numbers.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class BcCreditJournalsTest {

    @Test
    void reliefAndBreakageReachBusinessCentralAsJournalLinesOnThePolicysAccounts() {
        String tenant = uniqueId("bccredit");
        String key = contractKey(tenant);
        contractWith(tenant, "business-central", "stripe", stripeCustomer(tenant), "HUB_RATES", null, null, Map.of(),
                Map.of("validFrom", "2026-05-01T00:00:00Z"), "api_requests");
        Map<String, Object> grant = new LinkedHashMap<>();
        grant.put("reference", "PO-" + tenant);
        grant.put("amount", "80.00");
        grant.put("currency", "USD");
        grant.put("startsAt", "2026-01-01T00:00:00Z");
        grant.put("expiresAt", "2026-06-01T00:00:00Z");
        long grantId = finance().contentType(ContentType.JSON).body(grant)
                .post("/api/v1/admin/contracts/" + key + "/credits").then().statusCode(200).extract().jsonPath()
                .getLong("grant_id");

        send(apiRequests(tenant, "2026-05-10T10:00:00Z", 10000, "bo"));
        awaitUsage(tenant, "api_requests", "2026-05-01T00:00:00Z", "2026-06-01T00:00:00Z", "10000");
        JsonPath may = close(tenant, "2026-05-15T00:00:00Z");
        assertThat(new BigDecimal(may.getString("total"))).isEqualByComparingTo("0.00");

        String relief = "mb-crel-" + key + "-20260501";
        String breakage = "mb-cbrk-" + key + "-g" + grantId;
        awaitPosted(relief);
        awaitPosted(breakage);

        assertThat(ledger(relief)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "2430", new BigDecimal("50.00"), "6150", new BigDecimal("-50.00")));
        assertThat(ledger(breakage)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "2430", new BigDecimal("30.00"), "6950", new BigDecimal("-30.00")));
    }

    /** Per G/L account, debit minus credit of the general ledger entries under the posting's BC document number. */
    private static Map<String, BigDecimal> ledger(String posting) {
        String number = BusinessCentralPosting.number(posting, 20);
        List<Map<String, Object>> entries = BusinessCentralPostingTest.records("generalLedgerEntries")
                .getList("findAll { it.documentNumber == '" + number + "' }");
        assertThat(entries).as("general ledger entries of " + posting).isNotEmpty();
        Map<String, BigDecimal> net = new java.util.TreeMap<>();
        for (Map<String, Object> entry : entries) {
            BigDecimal amount = new BigDecimal(String.valueOf(entry.get("debitAmount")))
                    .subtract(new BigDecimal(String.valueOf(entry.get("creditAmount"))));
            net.merge(String.valueOf(entry.get("accountNumber")), amount, BigDecimal::add);
        }
        // Compare by value (50.00 and 50.0 alike): normalise the scale.
        net.replaceAll((account, amount) -> amount.setScale(2));
        return net;
    }
}
