package io.meterbridge.platform.consumer;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Whether the durable consumers (metering, ingest-kafka) can write. The route configurations call this on every
 * failed attempt ({@code onExceptionOccurredRef: consumerHealth}); a batch that becomes durable clears it
 * ({@link io.meterbridge.platform.KafkaOffsets#commit}). {@link ConsumerReadiness} reports it.
 */
@Named("consumerHealth")
@ApplicationScoped
public class ConsumerHealth implements Processor {

    record Failing(Instant since, String reason, long attempts) {
    }

    private final Map<String, Failing> failing = new ConcurrentHashMap<>();
    private final MeterRegistry registry;

    public ConsumerHealth(MeterRegistry registry) {
        this.registry = registry;
    }

    /** onExceptionOccurred: one failed attempt of a consumer batch (the retry follows). */
    @Override
    public void process(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (cause == null) {
            cause = exchange.getException();
        }
        failed(exchange.getFromRouteId(), cause);
    }

    public void failed(String consumer, Throwable cause) {
        String message = cause == null ? "unknown" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        String reason = message.length() > 300 ? message.substring(0, 300) : message;
        failing.merge(consumer, new Failing(Instant.now(), reason, 1),
                (old, now) -> new Failing(old.since(), now.reason(), old.attempts() + 1));
        registry.counter("meterbridge.consumer.failed.attempts", "consumer", String.valueOf(consumer)).increment();
    }

    public void recovered(String consumer) {
        if (consumer != null && failing.remove(consumer) != null) {
            registry.counter("meterbridge.consumer.recoveries", "consumer", consumer).increment();
        }
    }

    public boolean isFailing(String consumer) {
        return failing.containsKey(consumer);
    }

    /** The failing consumers, each with since when, how many attempts and the last reason. */
    public Map<String, String> failing() {
        Map<String, String> report = new java.util.TreeMap<>();
        failing.forEach((consumer, f) -> report.put(consumer,
                "cannot write since " + f.since() + " (" + f.attempts() + " attempts): " + f.reason()));
        return report;
    }
}
