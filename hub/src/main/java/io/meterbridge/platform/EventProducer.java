package io.meterbridge.platform;

import java.util.Properties;
import java.util.concurrent.Future;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.meterbridge.platform.HubConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The producer behind "a 2xx means durable": acks=all and idempotence, so an acknowledged record is on every
 * in-sync replica and a retried send never writes it twice. Shared by the accepted and dead-letter topics.
 */
@ApplicationScoped
public class EventProducer {

    private final KafkaProducer<String, byte[]> producer;

    public EventProducer(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers, HubConfig config,
            io.meterbridge.platform.KafkaSecurity kafkaSecurity) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(config.ingest().producerLingerMs()));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(config.ingest().producerMaxBlockMs()));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, config.ingest().producerCompression());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "meterbridge-ingest");
        props.putAll(kafkaSecurity.clientProperties());
        producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    public Future<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
        return producer.send(record);
    }

    @PreDestroy
    void close() {
        producer.close();
    }
}
