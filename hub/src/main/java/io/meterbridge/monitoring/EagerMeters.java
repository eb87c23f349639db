package io.meterbridge.monitoring;

import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The counters the alerts and the dashboard use (k8s/components/monitoring), registered at 0 at start-up for the label
 * values known up front. A counter otherwise appears at its first increment, already at 1, and Prometheus' {@code
 * increase()} sees no increase in a series that is born: the first dead letter after a restart would never alert.
 * The names and tags are exactly those the counting code uses (one meter each).
 */
@ApplicationScoped
public class EagerMeters {

    static final List<String> CHANNELS = List.of("http", "kafka");

    private final MeterRegistry registry;

    public EagerMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void register(@Observes StartupEvent started) {
        for (String channel : CHANNELS) {
            for (String outcome : List.of("accepted", "duplicate", "rejected")) {
                registry.counter("meterbridge.ingest.events", "channel", channel, "outcome", outcome);
            }
        }
        for (String reason : List.of("signature", "method")) {
            registry.counter("meterbridge.ingest.refused", "channel", "http", "reason", reason);
        }
        for (String outcome : List.of("metered", "duplicate", "quarantined", "late", "released", "unreadable",
                "refused_by_storage")) {
            registry.counter("meterbridge.metering.events", "outcome", outcome);
        }
        for (String consumer : List.of("metering", "ingest-kafka")) {
            registry.counter("meterbridge.consumer.failed.attempts", "consumer", consumer);
        }
        for (String reason : List.of("metering_lag", "offsets_unreadable", "interrupted")) {
            registry.counter("meterbridge_period_close_deferred_total", "reason", reason);
        }
        for (String target : OperationsGauges.TARGETS) {
            registry.counter("meterbridge_billing_dead_letters_total", "target", target);
            registry.counter("meterbridge_billing_deliveries_delivered_total", "target", target);
        }
        for (String erp : OperationsGauges.ERPS) {
            registry.counter("meterbridge_erp_dead_letters_total", "erp", erp);
        }
        for (String reason : List.of("unknown", "unreadable")) {
            registry.counter("meterbridge_billing_messages_ignored_total", "reason", reason);
            registry.counter("meterbridge_erp_messages_ignored_total", "reason", reason);
        }
        for (String kind : List.of("PAYMENT_FAILED", "PLATFORM_EVENT")) {
            registry.counter("meterbridge_accounting_exceptions_total", "kind", kind);
        }
    }
}
