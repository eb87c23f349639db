package io.meterbridge.reliability;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.Events;
import io.meterbridge.support.Topics;
import io.meterbridge.support.UsageStream;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.camel.CamelContext;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A record PostgreSQL refuses (here an id with a NUL character, which no text column can hold) in the middle of a
 * metering batch: the others are counted, the batch is not retried for ever, and the refused record is on the
 * dead-letter topic with its content and the reason.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class PoisonRecordTest {

    @Inject
    DataSource dataSource;

    @Inject
    CamelContext camel;

    @Inject
    MeterRegistry registry;

    private double refused() {
        var counter = registry.find("meterbridge.metering.events").tag("outcome", "refused_by_storage").counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aPoisonRecordIsDeadLetteredWithItsContentAndTheRestOfItsBatchCounts() throws Exception {
        UsageStream stream = UsageStream.tenant("poison");
        String poisonId = stream.prefix + "-poison\u0000x";
        double refusedBefore = refused();

        // One batch: metering is stopped while the records are written, all on the tenant's partition.
        camel.getRouteController().stopRoute("metering");
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Topics.bootstrapServers());
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 1; i <= 21; i++) {
                var event = stream.accepted(i);
                if (i == 11) {
                    event.put("id", poisonId);
                }
                producer.send(new ProducerRecord<>(Topics.ACCEPTED, stream.tenant, Events.bytes(event)))
                        .get(10, TimeUnit.SECONDS);
            }
        }
        camel.getRouteController().startRoute("metering");

        long expected = UsageStream.expected(1, 22) - 11;
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(stream.metered(dataSource)).containsExactly(expected, 20));
        assertThat(stream.total()).isEqualTo(expected);

        List<JsonNode> letters = Topics.awaitDeadLetters(stream.prefix + "-poison");
        assertThat(letters).hasSize(1);
        JsonNode letter = letters.get(0);
        assertThat(letter.path("code").asText()).isEqualTo("refused_by_storage");
        assertThat(letter.path("channel").asText()).isEqualTo("metering");
        assertThat(letter.path("reason").asText()).contains("PostgreSQL refused").contains("SQLSTATE 22");
        assertThat(letter.path("id").asText()).isEqualTo(poisonId);
        assertThat(letter.path("event").path("data").path("count").asInt()).as("the content, not a digest").isEqualTo(11);
        assertThat(letter.path("event").path("subject").asText()).isEqualTo(stream.tenant);
        assertThat(refused() - refusedBefore).isEqualTo(1);
    }
}
