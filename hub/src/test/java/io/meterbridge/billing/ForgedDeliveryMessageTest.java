package io.meterbridge.billing;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.Events;
import io.meterbridge.support.SandboxClient;
import io.meterbridge.support.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contract;
import static io.meterbridge.support.BillingFixture.contractKey;
import static io.meterbridge.support.BillingFixture.deliveryStatus;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.stripeInvoices;
import static io.meterbridge.support.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka is a boundary (issue 14): whoever can write to the deliveries topic cannot make the hub call Stripe. The
 * consumer reads only a delivery id and sends the database row; a message with the content of a real-looking
 * delivery under an unknown id, one that names a delivered delivery (with other content), and one that is not ours
 * at all are each ignored and counted, and Stripe sees no request.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class ForgedDeliveryMessageTest {

    @Inject
    MeterRegistry registry;

    private double ignored(String reason) {
        Counter counter = registry.find("meterbridge_billing_messages_ignored_total").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private static void produce(String key, String value) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Topics.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("meterbridge.billing.deliveries", key,
                    value.getBytes(StandardCharsets.UTF_8))).get(10, TimeUnit.SECONDS);
        }
    }

    /** A delivery as the old topic format carried it: everything billing-sync used to act on. */
    private static String forged(String id, String tenant, String customer) throws Exception {
        return Events.MAPPER.writeValueAsString(Map.of("id", id, "target", "stripe", "kind", "STRIPE_INVOICE",
                "contractKey", contractKey(tenant), "payload", Map.of("customer", customer, "currency", "USD",
                        "description", "forged", "periodStart", 1788220800L, "periodEnd", 1790812800L,
                        "lines", List.of(Map.of("key", id + "-line-1", "amountMinor", 99_999_00L, "description",
                                "forged line", "metric", "api_requests", "priceVersion", "x")))));
    }

    @Test
    void forgedMessagesOnTheDeliveriesTopicCauseNoStripeCall() throws Exception {
        String tenant = uniqueId("forged");
        String customer = "cus_" + tenant.replace("-", "");
        contract(tenant, "stripe", customer, "HUB_RATES", null, null, Map.of("api_requests", new BigDecimal("1000")),
                "api_requests", "active_users");
        send(apiRequests(tenant, "2026-09-10T10:00:00Z", 1500, "u1"));
        awaitUsage(tenant, "api_requests", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "1500");
        String delivered = close(tenant, "2026-09-15T00:00:00Z").getString("deliveries[0]");
        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(deliveryStatus(delivered)));

        SandboxClient stripe = SandboxClient.of("stripe");
        long mark = stripe.mark();
        double unknown = ignored("unknown"), done = ignored("delivered"), unreadable = ignored("unreadable");
        String forgedCustomer = "cus_forged" + tenant.replace("-", "");
        String unknownId = "stripe-invoice-" + tenant + "-forged";
        produce(contractKey(tenant), forged(unknownId, tenant, forgedCustomer));
        produce(contractKey(tenant), forged(delivered, tenant, forgedCustomer));
        produce(contractKey(tenant), "<not ours>");

        await().atMost(Duration.ofSeconds(20)).until(() -> ignored("unknown") > unknown
                && ignored("delivered") > done && ignored("unreadable") > unreadable);
        List<JsonNode> calls = stripe.journalSince(mark).stream()
                .filter(e -> e.toString().contains(tenant.replace("-", "")) || e.toString().contains(delivered))
                .toList();
        assertThat(calls).as("Stripe requests caused by the forged messages").isEmpty();
        assertThat(stripeInvoices(forgedCustomer).getList("data")).isEmpty();
        assertThat(stripeInvoices(customer).getList("data")).hasSize(1);
        assertThat(deliveryStatus(unknownId)).as("no row is made from a message").isNull();
    }
}
