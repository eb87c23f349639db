package io.meterbridge.metering;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.platform.HubConfig;
import io.meterbridge.platform.KafkaRecords;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;

/**
 * Dead letters of the metering route: accepted-topic records it cannot read, and events PostgreSQL refuses. Each
 * keeps its content (the accepted topic holds only what ingest tokenized; only the hub may write it), so an operator
 * can see what was refused and send it again.
 */
@ApplicationScoped
public class UnreadableRecords {

    private final KafkaRecords producer;
    private final ObjectMapper mapper;
    private final String topic;
    private final MeterRegistry registry;

    public UnreadableRecords(KafkaRecords producer, ObjectMapper mapper, HubConfig config, MeterRegistry registry) {
        this.producer = producer;
        this.mapper = mapper;
        this.topic = config.topics().deadLetter();
        this.registry = registry;
    }

    public void unreadable(Exchange record, byte[] value, Exception problem) throws Exception {
        ObjectNode letter = mapper.createObjectNode();
        letter.put("reason", "metering: the accepted record is not a readable event: " + problem.getMessage());
        letter.put("code", "unreadable");
        letter.put("channel", "metering");
        letter.put("topic", record.getMessage().getHeader(KafkaConstants.TOPIC, String.class));
        letter.put("partition", record.getMessage().getHeader(KafkaConstants.PARTITION, Integer.class));
        letter.put("offset", record.getMessage().getHeader(KafkaConstants.OFFSET, Long.class));
        letter.put("bodyBytes", value == null ? 0 : value.length);
        if (value != null) {
            letter.put("bodyBase64", Base64.getEncoder().encodeToString(value));
        }
        letter.put("bodySha256", value == null ? null
                : HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value)));
        letter.put("rejectedAt", Instant.now().toString());
        send(letter, "metering", "unreadable");
    }

    /** An event the batch could not record because PostgreSQL refused its content (the batch went on without it). */
    public void refused(MeteredEvent event, String reason) throws Exception {
        ObjectNode letter = mapper.createObjectNode();
        letter.put("reason", "metering: " + reason);
        letter.put("code", "refused_by_storage");
        letter.put("channel", "metering");
        letter.put("source", event.source());
        letter.put("id", event.id());
        letter.set("event", event.raw());
        letter.put("rejectedAt", Instant.now().toString());
        send(letter, event.source(), "refused_by_storage");
    }

    private void send(ObjectNode letter, String key, String code) throws Exception {
        producer.publish(topic, key, mapper.writeValueAsBytes(letter), Map.of("meterbridge-reason", code));
        registry.counter("meterbridge.metering.events", "outcome", code).increment();
    }
}
