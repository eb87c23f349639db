package io.meterbridge.platform;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

/**
 * Commits the offsets of a batching Kafka consumer's poll. A route keeps the polled records in the exchange property
 * {@link #POLLED_RECORDS} (its first step) and calls this as its last step, after the batch is durable, so a crash
 * before it replays the batch instead of skipping it. Each record carries the KafkaManualCommit of its own partition
 * and offset; the batch exchange only carries the last record's, so every partition's last record is committed.
 */
@Named("kafkaOffsets")
@ApplicationScoped
public class KafkaOffsets {

    public static final String POLLED_RECORDS = "polledRecords";

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
        lastPerPartition.values().forEach(KafkaManualCommit::commit);
    }
}
