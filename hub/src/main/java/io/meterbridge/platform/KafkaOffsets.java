package io.meterbridge.platform;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.meterbridge.platform.consumer.ConsumerHealth;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.kafka.common.KafkaException;
import org.jboss.logging.Logger;

/**
 * Commits the offsets of a batching Kafka consumer's poll. A route keeps the polled records in the exchange property
 * {@link #POLLED_RECORDS} (its first step) and calls this as its last step, after the batch is durable, so a crash
 * before it replays the batch instead of skipping it. Each record carries the KafkaManualCommit of its own partition
 * and offset; the batch exchange only carries the last record's, so every partition's last record is committed.
 *
 * <p>A commit that fails (the group rebalanced while the batch was retried, the broker restarting) is skipped, not
 * retried: the batch is already durable, so the worst outcome is that its records are read again, and the idempotent
 * consumers count them once. Reaching this step also means the consumer could write again ({@link ConsumerHealth}).
 */
@Named("kafkaOffsets")
@ApplicationScoped
public class KafkaOffsets {

    public static final String POLLED_RECORDS = "polledRecords";
    private static final Logger LOG = Logger.getLogger(KafkaOffsets.class);

    private final ConsumerHealth health;
    private final MeterRegistry registry;

    public KafkaOffsets(ConsumerHealth health, MeterRegistry registry) {
        this.health = health;
        this.registry = registry;
    }

    public void commit(Exchange batch) {
        List<?> records = batch.getProperty(POLLED_RECORDS, List.class);
        if (records == null) {
            throw new IllegalStateException("no " + POLLED_RECORDS + " property: the route must keep the polled records");
        }
        Map<Integer, KafkaManualCommit> lastPerPartition = new LinkedHashMap<>();
        for (Object record : records) {
            var message = ((Exchange) record).getMessage();
            KafkaManualCommit commit = message.getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
            if (commit == null) {
                throw new IllegalStateException("no KafkaManualCommit on a record: is allowManualCommit=true set?");
            }
            lastPerPartition.put(message.getHeader(KafkaConstants.PARTITION, Integer.class), commit);
        }
        health.recovered(batch.getFromRouteId());
        try {
            lastPerPartition.values().forEach(KafkaManualCommit::commit);
        } catch (KafkaException e) {
            registry.counter("meterbridge.consumer.commits.skipped", "consumer", String.valueOf(batch.getFromRouteId()))
                    .increment();
            LOG.warnf("%s: offsets not committed (%s: %s); the batch is durable, its records will be read again and "
                    + "counted once", batch.getFromRouteId(), e.getClass().getSimpleName(), e.getMessage());
        }
    }
}
