package io.meterbridge.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

/**
 * Commits a batching Kafka consumer's offsets (camel-kafka puts the batch's KafkaManualCommit on the batch exchange).
 * A route calls it as its last step, after the batch is durable, so a crash before it replays the batch instead of
 * skipping it.
 */
@Named("kafkaOffsets")
@ApplicationScoped
public class KafkaOffsets {

    public void commit(Exchange batch) {
        KafkaManualCommit commit = batch.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        if (commit == null) {
            throw new IllegalStateException("no KafkaManualCommit on the batch: is allowManualCommit=true set?");
        }
        commit.commit();
    }
}
