package io.meterbridge.billing;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.SandboxClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contractWith;
import static io.meterbridge.support.BillingFixture.deliveryStatus;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.stripeCustomer;
import static io.meterbridge.support.BillingFixture.stripeInvoices;
import static io.meterbridge.support.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How a hub-rated Stripe invoice is collected is the contract's setting: collectionMethod (charge_automatically,
 * send_invoice with daysUntilDue) and autoAdvance. With autoAdvance the hub finalizes with auto_advance=true and
 * Stripe collects; without it the hub finalizes and then pays (charge) or sends (send_invoice) the invoice itself.
 * September: 1,500 requests over 1,000 included and 2 users, 54.00 USD (4.00 + 0.50 + 49.50 true-up).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class StripeInvoiceCollectionTest {

    private static String closedSeptember(String prefix, Map<String, Object> collection) {
        String tenant = uniqueId(prefix);
        contractWith(tenant, "netsuite", "stripe", stripeCustomer(tenant), "HUB_RATES", null, null,
                Map.of("api_requests", new BigDecimal("1000")), collection, "api_requests", "active_users");
        send(apiRequests(tenant, "2026-09-10T10:00:00Z", 900, "u1"), apiRequests(tenant, "2026-09-20T10:00:00Z", 600, "u2"));
        awaitUsage(tenant, "api_requests", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "1500");
        awaitUsage(tenant, "active_users", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "2");
        String delivery = close(tenant, "2026-09-15T00:00:00Z").getString("deliveries[0]");
        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(deliveryStatus(delivery)));
        return tenant;
    }

    /** The POSTs that took effect on the customer's invoice: path and the parameters that matter here. */
    private static List<Map<String, Object>> invoiceCalls(String invoice) {
        return SandboxClient.stripe().journalJson().getList("findAll { it.method == 'POST' && !it.idempotentReplay"
                + " && it.status == 200 && it.path.startsWith('/v1/invoices/" + invoice + "') }");
    }

    @Test
    void sendInvoiceWithoutAutoAdvanceIsFinalizedAndSentByTheHubWithItsDueDate() {
        String tenant = closedSeptember("collect-send", Map.of("collectionMethod", "send_invoice", "daysUntilDue", 30,
                "autoAdvance", false));
        JsonPath invoice = stripeInvoices(stripeCustomer(tenant));
        assertThat(invoice.getString("data[0].collection_method")).isEqualTo("send_invoice");
        assertThat(invoice.getLong("data[0].due_date") - invoice.getLong("data[0].created")).isEqualTo(30 * 86_400L);
        assertThat(invoice.getBoolean("data[0].auto_advance")).isFalse();
        assertThat(invoice.getString("data[0].status")).isEqualTo("open");
        assertThat(invoice.getLong("data[0].total")).isEqualTo(5400L);
        assertThat(invoiceCalls(invoice.getString("data[0].id"))).extracting(c -> c.get("path").toString()
                .replace(invoice.getString("data[0].id"), "{id}")).containsExactly("/v1/invoices/{id}/finalize",
                        "/v1/invoices/{id}/send");
    }

    @Test
    void chargeAutomaticallyWithoutAutoAdvanceIsPaidByTheHub() {
        String tenant = closedSeptember("collect-pay", Map.of("autoAdvance", false));
        JsonPath invoice = stripeInvoices(stripeCustomer(tenant));
        assertThat(invoice.getString("data[0].collection_method")).isEqualTo("charge_automatically");
        assertThat(invoice.getString("data[0].status")).isEqualTo("paid");
        assertThat(invoice.getLong("data[0].amount_paid")).isEqualTo(5400L);
        assertThat(invoiceCalls(invoice.getString("data[0].id"))).extracting(c -> c.get("path").toString()
                .replace(invoice.getString("data[0].id"), "{id}")).containsExactly("/v1/invoices/{id}/finalize",
                        "/v1/invoices/{id}/pay");
    }

    @Test
    void autoAdvanceLeavesCollectionToStripe() {
        String tenant = closedSeptember("collect-auto", Map.of());
        JsonPath invoice = stripeInvoices(stripeCustomer(tenant));
        assertThat(invoice.getString("data[0].collection_method")).isEqualTo("charge_automatically");
        assertThat(invoice.getBoolean("data[0].auto_advance")).as("Stripe collects").isTrue();
        assertThat(invoice.getString("data[0].status")).isEqualTo("open");
        List<Map<String, Object>> calls = invoiceCalls(invoice.getString("data[0].id"));
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).get("path").toString()).endsWith("/finalize");
        assertThat(((Map<?, ?>) calls.get(0).get("params")).get("auto_advance")).isEqualTo("true");
    }
}
