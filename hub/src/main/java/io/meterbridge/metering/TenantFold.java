package io.meterbridge.metering;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import io.meterbridge.masterdata.MasterData.Aggregation;

/**
 * One window's quantity from the hourly buckets of every tenant (and every version) of one contract, the same for the
 * usage API and the period close (docs/architecture.md#3-aggregation). A contract bills all its tenants together:
 * {@code SUM} and {@code COUNT} add up; {@code MAX} is the peak of the per-hour sum over the tenants (two tenants
 * peaking in different hours do not add their peaks); {@code LATEST} is the sum of each tenant's latest value in the
 * window (each tenant's reading stands for its own storage). {@code UNIQUE_COUNT} is distinct over all tenants and is
 * counted from usage_unique_value by the caller, not folded here.
 */
public final class TenantFold {

    private final Aggregation aggregation;
    private BigDecimal sum = BigDecimal.ZERO;
    /** MAX: per hour, per tenant, its peak (a tenant's hour can have a bucket under two contract versions). */
    private final Map<Instant, Map<String, BigDecimal>> peaks = new HashMap<>();
    /** LATEST: per tenant, its latest reading. */
    private final Map<String, Reading> latest = new HashMap<>();

    private record Reading(Instant time, BigDecimal quantity) {
    }

    public TenantFold(Aggregation aggregation) {
        this.aggregation = aggregation;
    }

    public static TenantFold of(String aggregation) {
        return new TenantFold(Aggregation.valueOf(aggregation));
    }

    /** One hourly bucket: its tenant, its hour, its quantity and the time of its latest event. */
    public void add(String subject, Instant bucket, BigDecimal quantity, Instant latestTime) {
        switch (aggregation) {
            case MAX -> peaks.computeIfAbsent(bucket, b -> new HashMap<>()).merge(subject, quantity, BigDecimal::max);
            case LATEST -> latest.merge(subject, new Reading(latestTime, quantity),
                    // the later reading wins; of two at the same time (two versions' buckets), the one added last
                    (old, now) -> now.time().isBefore(old.time()) ? old : now);
            default -> sum = sum.add(quantity);
        }
    }

    public BigDecimal quantity() {
        return switch (aggregation) {
            case MAX -> peaks.values().stream()
                    .map(hour -> hour.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add))
                    .reduce(BigDecimal::max).orElse(BigDecimal.ZERO);
            case LATEST -> latest.values().stream().map(Reading::quantity).reduce(BigDecimal.ZERO, BigDecimal::add);
            default -> sum;
        };
    }
}
