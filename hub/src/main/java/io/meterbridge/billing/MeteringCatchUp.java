package io.meterbridge.billing;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import io.meterbridge.platform.consumer.ConsumerLag;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * The first step of a close: it marks the accepted topic's end offsets at its start and waits, at most
 * hub.billing.close-metering-wait, until the metering group has committed up to them, so the close counts every event
 * accepted before it started. Events accepted later are either metered before the close reads (and counted) or after
 * it (and late, see MeteringService). When metering does not catch up in time, the close is refused with the reason
 * (log and meterbridge_period_close_deferred_total{reason}) and nothing is written.
 */
@ApplicationScoped
public class MeteringCatchUp {

    private static final Logger LOG = Logger.getLogger(MeteringCatchUp.class);
    private static final long POLL_MS = 200;

    /** What a close waited for: its start and the accepted topic's end offsets then, by partition. */
    public record Mark(Instant startedAt, Map<Integer, Long> acceptedOffsets) {
    }

    private final ConsumerLag lag;
    private final BillingConfig config;
    private final MeterRegistry registry;

    public MeteringCatchUp(ConsumerLag lag, BillingConfig config, MeterRegistry registry) {
        this.lag = lag;
        this.config = config;
        this.registry = registry;
    }

    public Mark await(String contractKey) {
        Instant startedAt = Instant.now();
        Duration wait = config.closeMeteringWait();
        Map<TopicPartition, Long> mark;
        Map<TopicPartition, Long> behind;
        try {
            mark = lag.meteringMark();
            behind = lag.meteringBehind(mark);
            long deadline = System.nanoTime() + wait.toNanos();
            while (!behind.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(POLL_MS); // polling the broker's committed offsets: there is no event to wait on
                behind = lag.meteringBehind(mark);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw deferred("interrupted", contractKey, "the close was interrupted while waiting for metering");
        } catch (Exception e) {
            throw deferred("offsets_unreadable", contractKey, "the accepted topic's offsets could not be read ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "), so it is unknown whether metering "
                    + "has counted every accepted event");
        }
        if (!behind.isEmpty()) {
            long records = behind.values().stream().mapToLong(Long::longValue).sum();
            Map<Integer, Long> byPartition = new TreeMap<>();
            behind.forEach((tp, n) -> byPartition.put(tp.partition(), n));
            throw deferred("metering_lag", contractKey, "metering has not caught up: " + records
                    + " accepted event(s) from before the close started at " + startedAt
                    + " are not metered yet (records behind by partition: " + byPartition + ") after waiting " + wait);
        }
        Map<Integer, Long> offsets = new TreeMap<>();
        mark.forEach((tp, end) -> offsets.put(tp.partition(), end));
        return new Mark(startedAt, offsets);
    }

    private MeteringBehindException deferred(String reason, String contractKey, String message) {
        registry.counter("meterbridge_period_close_deferred_total", "reason", reason).increment();
        String text = "close of contract " + contractKey + " deferred: " + message + "; try again later";
        LOG.warn(text);
        return new MeteringBehindException(text, config.closeMeteringWait().plusSeconds(1));
    }
}
