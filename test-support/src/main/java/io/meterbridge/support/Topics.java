package io.meterbridge.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;

import static org.awaitility.Awaitility.await;

/** Reads what the hub wrote to a topic, from the beginning, with a consumer of its own (no group, no commits). */
public final class Topics {

    public static final String RAW = "meterbridge.events.raw";
    public static final String ACCEPTED = "meterbridge.events.accepted";
    public static final String DEAD_LETTER = "meterbridge.events.dead-letter";

    private Topics() {
    }

    /** Writes one record to the raw topic as a direct producer would, signature (if any) in its header. */
    public static void produceRaw(String key, byte[] value, String signature) throws Exception {
        Properties props = new Properties();
        props.put(org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(props,
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            var record = new org.apache.kafka.clients.producer.ProducerRecord<String, byte[]>(RAW, key, value);
            if (signature != null) {
                record.headers().add(ProducerSignature.HEADER,
                        signature.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            producer.send(record).get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    public static String bootstrapServers() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    /** Every record now in the topic (up to the end offsets at the time of the call). */
    public static List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        records.add(record);
                    }
                }
            }
        }
        return records;
    }

    public static List<JsonNode> values(String topic, Predicate<JsonNode> filter) {
        return readAll(topic).stream().map(r -> parse(r.value())).filter(filter).toList();
    }

    /** Accepted events with the given id. */
    public static List<JsonNode> accepted(String id) {
        return values(ACCEPTED, v -> id.equals(v.path("id").asText()));
    }

    /** Dead letters whose text mentions the marker (an event id, a body digest). */
    public static List<JsonNode> deadLetters(String marker) {
        return values(DEAD_LETTER, v -> v.toString().contains(marker));
    }

    public static List<JsonNode> awaitDeadLetters(String marker) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters(marker), l -> !l.isEmpty());
    }

    /** Waits until every id is on the accepted topic, reading the topic once per attempt. */
    public static void awaitAllAccepted(java.util.Collection<String> ids) {
        await().atMost(Duration.ofSeconds(30)).until(() -> values(ACCEPTED, v -> ids.contains(v.path("id").asText()))
                .stream().map(v -> v.path("id").asText()).distinct().count() == ids.size());
    }

    public static List<JsonNode> awaitAccepted(String id) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> accepted(id), l -> !l.isEmpty());
    }

    public static JsonNode parse(byte[] value) {
        try {
            return Events.MAPPER.readTree(value);
        } catch (Exception e) {
            throw new IllegalStateException("not JSON: " + new String(value), e);
        }
    }
}
