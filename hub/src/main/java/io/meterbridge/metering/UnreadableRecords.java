package io.meterbridge.metering;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.platform.HubConfig;
import io.meterbridge.platform.EventProducer;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Dead letters for accepted-topic records the metering route cannot read. */
@ApplicationScoped
public class UnreadableRecords {

    private final EventProducer producer;
    private final ObjectMapper mapper;
    private final String topic;
    private final MeterRegistry registry;

    public UnreadableRecords(EventProducer producer, ObjectMapper mapper, HubConfig config, MeterRegistry registry) {
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
        letter.put("bodySha256", value == null ? null
                : HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value)));
        letter.put("rejectedAt", Instant.now().toString());
        ProducerRecord<String, byte[]> out = new ProducerRecord<>(topic, "metering", mapper.writeValueAsBytes(letter));
        out.headers().add("meterbridge-reason", "unreadable".getBytes(StandardCharsets.UTF_8));
        producer.send(out).get(30, TimeUnit.SECONDS);
        registry.counter("meterbridge.metering.events", "outcome", "unreadable").increment();
    }
}
