package io.meterbridge.billing;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.SandboxClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.common.utils.Utils;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.chargebeeInvoices;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contract;
import static io.meterbridge.support.BillingFixture.contractKey;
import static io.meterbridge.support.BillingFixture.deliveryStatus;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.stripeInvoiceItems;
import static io.meterbridge.support.BillingFixture.stripeInvoices;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Delivery driven by the outbox rows: a Stripe outage longer than the test profile's whole old redelivery budget
 * (12 redeliveries, at most 1 s apart, all of it inside the Kafka poll loop) makes its delivery fail attempt after
 * attempt, each scheduled on the row, while the Kafka consumer goes on; a Chargebee delivery on the same partition of
 * the deliveries topic is delivered in the meantime (with redelivery inside the poll loop it waited until the Stripe
 * one was delivered or dead-lettered). After recovery the Stripe delivery is delivered once. Its own profile gives a
 * budget of 40 attempts, as a long one costs nothing now that no thread waits for it.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
@TestProfile(OutboxDrivenDeliveryTest.LongRetryBudget.class)
class OutboxDrivenDeliveryTest {

    public static class LongRetryBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("hub.billing.retry.maximum-redeliveries", "40");
        }
    }

    /** The test profile's old budget: 12 redeliveries inside the poll loop, then the dead letter. */
    private static final int OLD_REDELIVERIES = 12;

    private static final String SEP = "2026-09-01T00:00:00Z", OCT = "2026-10-01T00:00:00Z";

    @AfterEach
    void healthyStripe() {
        SandboxClient.of("stripe").noFaults();
    }

    /** The partition the relay's record for a contract goes to (Kafka's default partitioner on the key). */
    private static int partition(String tenant) {
        int partitions = ConfigProvider.getConfig().getValue("hub.topics.partitions", Integer.class);
        return Utils.toPositive(Utils.murmur2(contractKey(tenant).getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private static Map<String, Object> delivery(String id) {
        List<Map<String, Object>> rows = finance().get("/api/v1/billing/deliveries").then().statusCode(200).extract()
                .jsonPath().getList("findAll { it.id == '" + id + "' }");
        return rows.isEmpty() ? Map.of() : rows.get(0);
    }

    private static int attempts(String id) {
        Object attempts = delivery(id).get("attempts");
        return attempts == null ? 0 : ((Number) attempts).intValue();
    }

    @Test
    void aStripeOutageDoesNotHoldTheDeliveriesBehindItOnTheSamePartition() {
        String stripeTenant = uniqueId("held-stripe");
        String chargebeeTenant;
        do {
            chargebeeTenant = uniqueId("held-cb");
        } while (partition(chargebeeTenant) != partition(stripeTenant));
        String customer = "cus_" + stripeTenant.replace("-", "");
        contract(stripeTenant, "stripe", customer, "HUB_RATES", null, null, Map.of("api_requests", new BigDecimal("1000")),
                "api_requests", "active_users");
        contract(chargebeeTenant, "chargebee", "cb_" + chargebeeTenant, "HUB_RATES", null, null,
                Map.of("api_requests", new BigDecimal("1000")), "api_requests", "active_users");
        send(apiRequests(stripeTenant, "2026-09-10T10:00:00Z", 900, "u1"), apiRequests(stripeTenant, "2026-09-20T10:00:00Z", 600, "u2"),
                apiRequests(chargebeeTenant, "2026-09-10T10:00:00Z", 1500, "u1"));
        awaitUsage(stripeTenant, "active_users", SEP, OCT, "2");
        awaitUsage(chargebeeTenant, "api_requests", SEP, OCT, "1500");

        SandboxClient stripe = SandboxClient.of("stripe");
        stripe.faults(Map.of("down", true));
        Instant down = Instant.now();
        long mark = stripe.mark();
        String stripeDelivery = close(stripeTenant, "2026-09-15T00:00:00Z").getString("deliveries[0]");
        await().atMost(Duration.ofSeconds(20)).until(() -> attempts(stripeDelivery) >= 2);

        Instant closed = Instant.now();
        String chargebeeDelivery = close(chargebeeTenant, "2026-09-15T00:00:00Z").getString("deliveries[0]");
        await().atMost(Duration.ofSeconds(20)).until(() -> "DELIVERED".equals(deliveryStatus(chargebeeDelivery)));
        Duration latency = Duration.between(closed, Instant.now());
        Map<String, Object> held = delivery(stripeDelivery);
        System.out.printf("Chargebee delivery delivered %d ms after close while the Stripe one was %s after %s attempts%n",
                latency.toMillis(), held.get("status"), held.get("attempts"));
        assertThat(held.get("status")).as("the Stripe delivery is still being re-attempted").isEqualTo("PENDING");
        assertThat(chargebeeInvoices("cb_" + chargebeeTenant).getList("list")).hasSize(1);

        // The outage goes on past the old budget; attempts go on, each scheduled on the row, none waiting in the
        // consumer, and the delivery is not dead-lettered.
        await().atMost(Duration.ofSeconds(40)).until(() -> attempts(stripeDelivery) > OLD_REDELIVERIES + 4);
        assertThat(delivery(stripeDelivery).get("status")).isEqualTo("PENDING");
        assertThat(delivery(stripeDelivery).get("last_error")).asString().isNotBlank();
        stripe.noFaults();
        Duration outage = Duration.between(down, Instant.now());
        System.out.printf("Stripe down for %d ms, %s attempts, still PENDING%n", outage.toMillis(),
                delivery(stripeDelivery).get("attempts"));
        assertThat(outage).as("longer than the old in-poll budget (about 9.5 s)").isGreaterThan(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(deliveryStatus(stripeDelivery)));

        var invoices = stripeInvoices(customer);
        assertThat(invoices.getList("data")).hasSize(1);
        assertThat(invoices.getLong("data[0].total")).isEqualTo(5400L);
        String invoice = invoices.getString("data[0].id");
        assertThat(stripeInvoiceItems(invoice).getList("data")).hasSize(3);
        List<JsonNode> created = stripe.journalSince(mark).stream()
                .filter(e -> e.path("method").asText().equals("POST") && e.path("status").asInt() == 200
                        && !e.path("idempotentReplay").asBoolean()
                        && (customer.equals(e.path("params").path("customer").asText())
                                || e.path("path").asText().contains(invoice)))
                .toList();
        assertThat(created).as("draft invoice, 3 items, finalize: each written once").hasSize(5);
    }
}
