package io.meterbridge.platform;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Kafka records written from beans (metering's dead letters, business notifications) through the Camel Kafka producer:
 * endpoint {@code kafka:<topic>}, so each topic is a Camel endpoint with its exchange counts and failures (Hawtio's
 * endpoint list names it), with the component's settings ({@code camel.component.kafka.*}: brokers, acks=all,
 * idempotence, Kafka security). Only ingest keeps its own producer ({@link EventProducer}), because "2xx means
 * durable" batches its sends inside the request.
 * <p>
 * Each record is sent on a fresh exchange, so it carries exactly the key and the headers given here, never headers of
 * the exchange that caused it; {@link #publish} returns when Kafka acknowledged the record and throws when it did not.
 */
@ApplicationScoped
public class KafkaRecords {

    private final ProducerTemplate template;

    public KafkaRecords(ProducerTemplate template) {
        this.template = template;
    }

    /** Sends {@code value} with {@code key} and the String {@code headers} (as UTF-8 bytes) to {@code topic}. */
    public void publish(String topic, String key, byte[] value, Map<String, String> headers) throws Exception {
        Exchange sent = template.send("kafka:" + topic, exchange -> {
            exchange.getMessage().setBody(value);
            exchange.getMessage().setHeader(KafkaConstants.KEY, key);
            headers.forEach(exchange.getMessage()::setHeader);
        });
        if (sent.getException() != null) {
            throw sent.getException();
        }
    }
}
