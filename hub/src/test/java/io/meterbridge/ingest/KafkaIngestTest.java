package io.meterbridge.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.Events.SECRET;
import static io.meterbridge.support.Events.apiRequest;
import static io.meterbridge.support.Events.batch;
import static io.meterbridge.support.Events.bytes;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.Topics.accepted;
import static io.meterbridge.support.Topics.awaitAccepted;
import static io.meterbridge.support.Topics.awaitDeadLetters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Producers writing to the raw topic get the same outcomes as over HTTP: accepted, duplicate, or dead letter. */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class KafkaIngestTest {

    @Inject
    DataSource dataSource;


    private static String sign(byte[] body) {
        return SignatureVerifier.sign(SECRET, Instant.now().getEpochSecond(), body);
    }

    @Test
    void aSignedRecordIsAcceptedAndARepeatIsNotPublishedTwice() throws Exception {
        String key = uniqueId("raw-key");
        String first = uniqueId("raw"), second = uniqueId("raw"), sentinel = uniqueId("raw-sentinel");
        byte[] body = bytes(batch(apiRequest(first, 2, "u-raw"), apiRequest(second, 3, "u-raw")));
        Topics.produceRaw(key, body, sign(body));
        awaitAccepted(first);
        assertThat(accepted(second)).hasSize(1);

        Topics.produceRaw(key, body, sign(body)); // the producer retried
        byte[] sentinelBody = bytes(apiRequest(sentinel, 1, "u-raw"));
        Topics.produceRaw(key, sentinelBody, sign(sentinelBody));
        awaitAccepted(sentinel);

        assertThat(accepted(first)).hasSize(1);
        assertThat(accepted(second)).hasSize(1);
        assertThat(Claims.count(dataSource, first)).isEqualTo(1);
        JsonNode event = accepted(first).get(0);
        assertThat(event.path("meterbridgeschema").asText()).isEqualTo("api.request/v1");
    }

    @Test
    void anUnsignedOrForgedRecordIsDeadLetteredNotDropped() throws Exception {
        String key = uniqueId("raw-key");
        String unsigned = uniqueId("raw-unsigned"), forged = uniqueId("raw-forged");
        Topics.produceRaw(key, bytes(apiRequest(unsigned, 1, "u")), null);
        byte[] forgedBody = bytes(apiRequest(forged, 1, "u"));
        Topics.produceRaw(key, forgedBody, SignatureVerifier.sign("guess", Instant.now().getEpochSecond(), forgedBody));

        JsonNode unsignedLetter = awaitDeadLetters(unsigned).get(0);
        assertThat(unsignedLetter.path("code").asText()).isEqualTo("signature");
        assertThat(unsignedLetter.path("channel").asText()).isEqualTo("kafka");
        assertThat(unsignedLetter.path("reason").asText()).contains("missing Meterbridge-Signature");
        assertThat(awaitDeadLetters(forged).get(0).path("reason").asText()).contains("does not match");
        assertThat(accepted(unsigned)).isEmpty();
        assertThat(accepted(forged)).isEmpty();
    }

    @Test
    void anInvalidEventInARecordIsDeadLetteredWithItsFieldNamedAndTheRestAccepted() throws Exception {
        String key = uniqueId("raw-key");
        String good = uniqueId("raw-good"), bad = uniqueId("raw-bad");
        ObjectNode broken = apiRequest(bad, 1, "u");
        ((ObjectNode) broken.get("data")).remove("endpoint");
        byte[] body = bytes(batch(apiRequest(good, 1, "u"), broken));
        Topics.produceRaw(key, body, sign(body));

        awaitAccepted(good);
        JsonNode deadLetter = awaitDeadLetters(bad).get(0);
        assertThat(deadLetter.path("reason").asText()).contains("data.endpoint: required field is missing");
        assertThat(deadLetter.path("channel").asText()).isEqualTo("kafka");
        assertThat(accepted(bad)).isEmpty();
    }

    @Test
    void offsetsOfEveryPartitionAreCommittedOnceTheBatchIsDurable() throws Exception {
        // Records under many keys, sent together: one poll spans several partitions of the raw topic, and (by
        // tenant) of the accepted one; every partition's offset must be committed, not only the last record's.
        List<String> ids = new ArrayList<>();
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Topics.bootstrapServers());
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, "50");
        try (var producer = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 24; i++) {
                String id = uniqueId("raw-offset");
                ids.add(id);
                ObjectNode event = apiRequest(id, 1, "u");
                event.put("subject", "offset-tenant-" + i);
                byte[] body = bytes(event);
                var record = new ProducerRecord<>(Topics.RAW, uniqueId("raw-key-" + i), body);
                record.headers().add(SignatureVerifier.HEADER, sign(body).getBytes(StandardCharsets.UTF_8));
                producer.send(record);
            }
        }
        Topics.awaitAllAccepted(ids);

        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Topics.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            for (String[] groupAndTopic : new String[][] {{"meterbridge-ingest", Topics.RAW},
                    {"meterbridge-metering", Topics.ACCEPTED}}) {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupAndTopic[0])
                            .partitionsToOffsetAndMetadata().get();
                    int partitions = admin.describeTopics(java.util.List.of(groupAndTopic[1])).allTopicNames().get()
                            .get(groupAndTopic[1]).partitions().size();
                    var ends = admin.listOffsets(java.util.stream.IntStream.range(0, partitions).boxed()
                            .collect(java.util.stream.Collectors.toMap(p -> new TopicPartition(groupAndTopic[1], p),
                                    p -> OffsetSpec.latest()))).all().get();
                    ends.forEach((partition, end) -> {
                        if (end.offset() > 0) {
                            assertThat(committed.get(partition)).as(groupAndTopic[0] + " " + partition).isNotNull();
                            assertThat(committed.get(partition).offset()).as(groupAndTopic[0] + " " + partition)
                                    .isEqualTo(end.offset());
                        }
                    });
                });
            }
        }
    }
}
