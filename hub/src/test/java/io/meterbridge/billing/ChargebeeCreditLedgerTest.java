package io.meterbridge.billing;

import java.math.BigDecimal;
import java.util.Map;

import io.meterbridge.erp.NetSuiteRecords;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import static io.meterbridge.billing.CreditLedgerTest.balance;
import static io.meterbridge.billing.CreditLedgerTest.grant;
import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitPosted;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.chargebeeInvoices;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contractWith;
import static io.meterbridge.support.BillingFixture.contractKey;
import static io.meterbridge.support.BillingFixture.deliveredAs;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The credit ledger's worked example (docs/architecture.md, "Prepaid credit ledger") on a hub-rated Chargebee contract:
 * a grant of 100.00 USD; March rates 64,000 x 0.0010 = 64.00, all of it paid by the grant: the Chargebee invoice has
 * the charge 6400 and a document-level discount 6400 (Chargebee takes no negative charge), total 0, paid at once;
 * balance 36.00. April rates 74,000 x 0.0010 = 74.00: charge 7400, discount 3600 (the grant's rest), total 3800 =
 * 38.00 due, balance 0.00. NetSuite gets the reliefs 64.00 and 36.00 (debit 2450, credit 4050) and the April invoice
 * with the usage on item 201 (74.00) and the discount as the prepaid credit line on item 205 (-36.00).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class ChargebeeCreditLedgerTest {

    @Test
    void aGrantIsTakenAsAChargebeeDiscountAndRelievesTheLiabilityInTheErp() throws Exception {
        String tenant = uniqueId("cbcredits");
        String key = contractKey(tenant);
        String account = "cb_" + tenant;
        contractWith(tenant, "netsuite", "chargebee", account, "HUB_RATES", null, null, Map.of(),
                Map.of("validFrom", "2026-03-01T00:00:00Z"), "api_requests");
        grant(key, "PO-" + tenant, "100.00", null).then().statusCode(200);

        send(apiRequests(tenant, "2026-03-10T10:00:00Z", 64000, "ann"));
        awaitUsage(tenant, "api_requests", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", "64000");
        JsonPath march = close(tenant, "2026-03-15T00:00:00Z");
        assertThat(new BigDecimal(march.getString("total"))).isEqualByComparingTo("0.00");
        assertThat(balance(key)).isEqualTo("36.00");
        JsonPath marchInvoice = invoice(march.getString("deliveries[0]"), account, 1);
        assertThat(marchInvoice.getLong("sub_total")).isEqualTo(6400L);
        assertThat(marchInvoice.getList("line_items.amount", Long.class)).containsExactly(6400L);
        assertThat(marchInvoice.getList("discounts.amount", Long.class)).containsExactly(6400L);
        assertThat(marchInvoice.getString("discounts[0].entity_type")).isEqualTo("document_level_discount");
        assertThat(marchInvoice.getLong("total")).isZero();
        assertThat(marchInvoice.getString("status")).isEqualTo("paid");

        send(apiRequests(tenant, "2026-04-10T10:00:00Z", 74000, "ann"));
        awaitUsage(tenant, "api_requests", "2026-04-01T00:00:00Z", "2026-05-01T00:00:00Z", "74000");
        JsonPath april = close(tenant, "2026-04-15T00:00:00Z");
        assertThat(new BigDecimal(april.getString("total"))).isEqualByComparingTo("38.00");
        assertThat(balance(key)).isEqualTo("0.00");
        JsonPath aprilInvoice = invoice(april.getString("deliveries[0]"), account, 2);
        assertThat(aprilInvoice.getLong("sub_total")).isEqualTo(7400L);
        assertThat(aprilInvoice.getList("discounts.amount", Long.class)).containsExactly(3600L);
        assertThat(aprilInvoice.getLong("line_items[0].discount_amount")).isEqualTo(3600L);
        assertThat(aprilInvoice.getLong("total")).isEqualTo(3800L);
        assertThat(aprilInvoice.getLong("amount_due")).isEqualTo(3800L);
        assertThat(aprilInvoice.getString("status")).isEqualTo("payment_due");

        // NetSuite: each consumed amount relieves the contract liability.
        String marchRelief = "mb-crel-" + key + "-20260301";
        String aprilRelief = "mb-crel-" + key + "-20260401";
        awaitPosted(marchRelief);
        awaitPosted(aprilRelief);
        assertThat(new BigDecimal(NetSuiteRecords.journal(marchRelief)
                .getString("line.items.find { it.account.id == '2450' }.debit"))).isEqualByComparingTo("64.00");
        JsonPath relief = NetSuiteRecords.journal(aprilRelief);
        assertThat(new BigDecimal(relief.getString("line.items.find { it.account.id == '2450' }.debit")))
                .isEqualByComparingTo("36.00");
        assertThat(new BigDecimal(relief.getString("line.items.find { it.account.id == '4050' }.credit")))
                .isEqualByComparingTo("36.00");

        // The April invoice (invoice_generated): usage on item 201, the discount as the credit line on item 205.
        String posting = "mb-inv-chargebee-" + aprilInvoice.getString("id");
        awaitPosted(posting);
        JsonPath invoice = NetSuiteRecords.record("invoice", posting);
        assertThat(new BigDecimal(invoice.getString("item.items.find { it.item.id == '201' }.amount")))
                .isEqualByComparingTo("74.00");
        assertThat(new BigDecimal(invoice.getString("item.items.find { it.item.id == '205' }.amount")))
                .isEqualByComparingTo("-36.00");
    }

    /** The Chargebee invoice of a delivery, once delivered (the customer's count-th invoice). */
    private static JsonPath invoice(String delivery, String account, int count) {
        String id = deliveredAs(delivery);
        assertThat(chargebeeInvoices(account).getList("list")).hasSize(count);
        return io.restassured.RestAssured.given().auth().preemptive().basic("test_meterbridge_sandbox", "")
                .get("/sandbox/chargebee/api/v2/invoices/" + id).then().statusCode(200).extract().jsonPath()
                .setRootPath("invoice");
    }
}
