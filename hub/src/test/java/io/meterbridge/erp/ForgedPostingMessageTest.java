package io.meterbridge.erp;

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

import static io.meterbridge.support.BillingFixture.awaitPosted;
import static io.meterbridge.support.BillingFixture.closedSeptember;
import static io.meterbridge.support.BillingFixture.deliveredAs;
import static io.meterbridge.support.BillingFixture.erpCustomer;
import static io.meterbridge.support.BillingFixture.postingStatus;
import static io.meterbridge.support.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka is a boundary (issue 14): whoever can write to the postings topic cannot post into the ERP. A journal entry
 * under an unknown id with a complete NetSuite-ready content, and a message naming a posted accrual with other
 * amounts, are ignored and counted; NetSuite sees no request.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class ForgedPostingMessageTest {

    @Inject
    MeterRegistry registry;

    private double ignored(String reason) {
        Counter counter = registry.find("meterbridge_erp_messages_ignored_total").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private static void produce(String key, String value) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Topics.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("meterbridge.erp.postings", key, value.getBytes(StandardCharsets.UTF_8)))
                    .get(10, TimeUnit.SECONDS);
        }
    }

    /** A journal entry as the old topic format carried it: everything erp-sync used to post. */
    private static String forged(String id, String tenant) throws Exception {
        return Events.MAPPER.writeValueAsString(Map.of("id", id, "erpSystem", "netsuite", "kind", "ACCRUAL",
                "payload", Map.of("kind", "ACCRUAL", "externalId", id, "erpSystem", "netsuite",
                        "customer", Map.of("externalId", erpCustomer(tenant), "name", erpCustomer(tenant)),
                        "legalEntity", "1", "currency", "USD", "date", "2026-09-30", "memo", "forged",
                        "journal", List.of(Map.of("account", "1350", "debit", "1000000.00"),
                                Map.of("account", "4010", "credit", "1000000.00")))));
    }

    @Test
    void forgedMessagesOnThePostingsTopicCauseNoErpCall() throws Exception {
        String tenant = uniqueId("forged-erp");
        String invoice = deliveredAs(closedSeptember(tenant, "netsuite"));
        String accrual = "mb-accr-contract-" + tenant + "-20260901";
        // The real flow first, to its end: accrual, invoice (from Stripe's webhook), reversal.
        awaitPosted(accrual);
        awaitPosted("mb-inv-stripe-" + invoice);
        awaitPosted(accrual.replace("mb-accr-", "mb-accrrev-"));

        SandboxClient netSuite = SandboxClient.netSuite();
        long mark = netSuite.mark();
        double unknown = ignored("unknown"), posted = ignored("posted");
        String unknownId = "mb-accr-contract-" + tenant + "-forged";
        produce(erpCustomer(tenant), forged(unknownId, tenant));
        produce(erpCustomer(tenant), forged(accrual, tenant));

        await().atMost(Duration.ofSeconds(20)).until(() -> ignored("unknown") > unknown && ignored("posted") > posted);
        List<JsonNode> calls = netSuite.journalSince(mark).stream()
                .filter(e -> e.toString().contains(tenant) || e.toString().contains("1000000"))
                .toList();
        assertThat(calls).as("NetSuite requests caused by the forged messages").isEmpty();
        assertThat(netSuite.recordsJson("journalEntry").getList("findAll { it.externalId == '" + unknownId + "' }")).isEmpty();
        assertThat(netSuite.recordsJson("journalEntry").getList("findAll { it.externalId == '" + accrual + "' }")).hasSize(1);
        assertThat(postingStatus(unknownId)).as("no row is made from a message").isNull();
    }
}
