package io.meterbridge.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/** Counters ops staff alert on: every event and every request is counted by outcome, nothing silently. */
@ApplicationScoped
public class IngestMetrics {

    private final MeterRegistry registry;

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void accepted(Submission.Channel channel, int count) {
        registry.counter("meterbridge.ingest.events", "channel", channel.tag(), "outcome", "accepted").increment(count);
    }

    public void duplicates(Submission.Channel channel, int count) {
        registry.counter("meterbridge.ingest.events", "channel", channel.tag(), "outcome", "duplicate").increment(count);
    }

    /** An event (or a whole submission) dead-lettered, by reason code. */
    public void deadLettered(Submission.Channel channel, String reasonCode) {
        registry.counter("meterbridge.ingest.events", "channel", channel.tag(), "outcome", "rejected").increment();
        registry.counter("meterbridge.ingest.dead.letters", "channel", channel.tag(), "reason", reasonCode).increment();
    }

    /** A request refused without writing anything (failed authentication). */
    public void refused(Submission.Channel channel, String reasonCode) {
        registry.counter("meterbridge.ingest.refused", "channel", channel.tag(), "reason", reasonCode).increment();
    }
}
