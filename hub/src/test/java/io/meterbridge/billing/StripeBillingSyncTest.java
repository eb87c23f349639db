package io.meterbridge.billing;

import io.meterbridge.support.SandboxClient;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contract;
import static io.meterbridge.support.BillingFixture.deliveryStatus;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.stripeInvoiceItems;
import static io.meterbridge.support.BillingFixture.stripeInvoices;
import static io.meterbridge.support.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A closed period reaches the Stripe sandbox in the real wire format, which validates every request against the
 * 2024-04-10 spec slice: hub rates as a finalized invoice whose items are the rated charges (platform rates:
 * PlatformRatesTest).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class StripeBillingSyncTest {

    private static final String SEP = "2026-09-01T00:00:00Z", OCT = "2026-10-01T00:00:00Z";

    @Test
    void hubRatedPeriodBecomesAFinalizedInvoiceWithOneItemPerCharge() {
        String tenant = uniqueId("stripe-inv");
        String customer = "cus_" + tenant.replace("-", "");
        contract(tenant, "stripe", customer, "HUB_RATES", null, null, Map.of("api_requests", new BigDecimal("1000")),
                "api_requests", "active_users");
        send(apiRequests(tenant, "2026-09-10T10:00:00Z", 900, "u1"), apiRequests(tenant, "2026-09-20T10:00:00Z", 600, "u2"));
        awaitUsage(tenant, "api_requests", SEP, OCT, "1500");
        awaitUsage(tenant, "active_users", SEP, OCT, "2");

        JsonPath closed = close(tenant, "2026-09-15T00:00:00Z");
        String delivery = closed.getString("deliveries[0]");
        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(deliveryStatus(delivery)));

        // 2 users x 2.00 = 4.00; 500 requests above the committed 1,000 x 0.0010 = 0.50; true-up to 50.00 = 49.50.
        JsonPath invoices = stripeInvoices(customer);
        assertThat(invoices.getList("data")).hasSize(1);
        assertThat(invoices.getString("data[0].status")).isEqualTo("open");
        assertThat(invoices.getString("data[0].currency")).isEqualTo("usd");
        assertThat(invoices.getLong("data[0].total")).isEqualTo(5400L);
        String invoiceId = invoices.getString("data[0].id");
        assertThat(stripeInvoiceItems(invoiceId).getList("data.amount", Long.class)).containsExactlyInAnyOrder(400L, 50L, 4950L);

        List<Map<String, Object>> calls = SandboxClient.of("stripe").journalJson().getList(
                "findAll { it.method == 'POST' && !it.idempotentReplay && (it.params?.customer == '" + customer
                        + "' || it.path.contains('" + invoiceId + "')) }");
        assertThat(calls).hasSize(5); // draft invoice, 3 items, finalize
        // A first attempt has nothing to resume: it reads nothing from Stripe before the draft.
        long draftSeq = ((Number) calls.get(0).get("seq")).longValue();
        assertThat(SandboxClient.of("stripe").journalJson().getList("findAll { it.method == 'GET' && it.seq < " + draftSeq
                + " && (it.params?.customer == '" + customer + "' || it.path.contains('" + invoiceId + "')) }")).isEmpty();
        assertThat(calls).allSatisfy(call -> {
            assertThat(call.get("status")).isEqualTo(200);
            assertThat(String.valueOf(call.get("idempotencyKey"))).startsWith("stripe-invoice-");
            assertThat(String.valueOf(call.get("headers"))).doesNotContain("sk_test_meterbridge_sandbox");
        });
        assertThat(io.meterbridge.support.MasterDataFixture.finance().get("/api/v1/billing/deliveries").then()
                .extract().jsonPath().getString("find { it.id == '" + delivery + "' }.external_id")).isEqualTo(invoiceId);
    }
}
