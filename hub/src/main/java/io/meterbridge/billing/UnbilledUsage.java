package io.meterbridge.billing;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import io.meterbridge.masterdata.BillingPeriod;
import io.meterbridge.masterdata.ContractSchedule;
import io.meterbridge.masterdata.MasterData;
import io.meterbridge.masterdata.MasterData.Aggregation;
import io.meterbridge.masterdata.MasterData.BillingMode;
import io.meterbridge.masterdata.MasterData.Contract;
import io.meterbridge.masterdata.MasterData.ContractMetric;
import io.meterbridge.masterdata.MasterDataStore;
import io.meterbridge.rating.PriceBookStore;
import io.meterbridge.rating.PriceVersion;
import io.meterbridge.rating.RatingEngine;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Usage nobody has billed yet, for the operations gauges (docs/operations.md, "Business gauges"). Two kinds:
 * <ul>
 * <li>{@code unclosed}: the usage of periods past their end plus grace (what the scheduler waits for) that are not
 * closed, the periods the next {@code period-close} tick would close;</li>
 * <li>{@code late}: usage metered after its period was closed (so not in the close) that no late-usage correction
 * created after it covers yet.</li>
 * </ul>
 * The amount is an estimate: the usage line of the rating (after included units for {@code unclosed}, none for
 * {@code late}), before prepaid credits, minimum charges and commitments, on the price version of the contract version
 * in force at the period's end. Platform-rated contracts have a quantity and no amount (their platform prices them).
 * Read-only; it writes nothing.
 */
@ApplicationScoped
public class UnbilledUsage {

    public static final String UNCLOSED = "unclosed";
    public static final String LATE = "late";

    /** Unbilled usage of one metric of one period of one contract; currency and amount null when not hub-rated. */
    public record Row(String kind, String contractKey, Instant periodStart, String metric, BigDecimal quantity,
            String currency, BigDecimal amount) {
    }

    /** A period past its end plus grace and not closed: {@code dueAt} is its end plus the grace the scheduler waits. */
    public record Overdue(String contractKey, BillingPeriod period, Instant dueAt) {
    }

    public record Snapshot(List<Row> rows, List<Overdue> overdue) {

        /** The periods of a kind with unbilled usage. */
        public long periods(String kind) {
            return rows.stream().filter(r -> r.kind().equals(kind)).map(r -> r.contractKey() + "@" + r.periodStart())
                    .distinct().count();
        }

        /** Seconds since the oldest overdue period became due (0 when none). */
        public long oldestOverdueSeconds(Instant now) {
            return overdue.stream().map(Overdue::dueAt).min(Instant::compareTo)
                    .map(due -> Math.max(0, Duration.between(due, now).toSeconds())).orElse(0L);
        }
    }

    private final DataSource dataSource;
    private final MasterDataStore masterData;
    private final PriceBookStore prices;

    public UnbilledUsage(DataSource dataSource, MasterDataStore masterData, PriceBookStore prices) {
        this.dataSource = dataSource;
        this.masterData = masterData;
        this.prices = prices;
    }

    public Snapshot read(Instant now) throws SQLException {
        MasterData data = masterData.current();
        Map<String, List<Contract>> byKey = PeriodCloseService.versionsByKey(data);
        List<Row> rows = new ArrayList<>();
        List<Overdue> overdue = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            Map<String, java.util.Set<Instant>> closedStarts = closedStarts(connection);
            for (Map.Entry<String, List<Contract>> entry : byKey.entrySet()) {
                ContractSchedule schedule = new ContractSchedule(entry.getValue());
                long[] contractIds = entry.getValue().stream().mapToLong(Contract::id).toArray();
                // The periods of the chain that are due and not closed, as the scheduler sees them.
                for (BillingPeriod period : PeriodCloseService.duePeriods(schedule,
                        closedStarts.getOrDefault(entry.getKey(), java.util.Set.of()), now)) {
                    Contract version = schedule.versionAt(period.end().minusNanos(1));
                    overdue.add(new Overdue(entry.getKey(), period,
                            period.end().plus(PlatformTiming.closeDelay(version))));
                    for (ContractMetric metric : version.metrics().values()) {
                        Aggregation aggregation = Optional.ofNullable(data.metrics().get(metric.metric()))
                                .map(MasterData.MetricDefinition::aggregation).orElse(Aggregation.SUM);
                        List<PeriodCloseService.Bucket> buckets = PeriodCloseService.buckets(connection, contractIds,
                                metric.metric(), period);
                        if (buckets.isEmpty()) {
                            continue;
                        }
                        BigDecimal quantity = PeriodCloseService.windowQuantity(connection, contractIds,
                                metric.metric(), period.start(), period.end(), aggregation, buckets);
                        rows.add(row(UNCLOSED, version, period.start(), metric, quantity, metric.includedQuantity()));
                    }
                }
            }
            rows.addAll(late(connection, byKey));
        }
        return new Snapshot(List.copyOf(rows), List.copyOf(overdue));
    }

    private Row row(String kind, Contract version, Instant periodStart, ContractMetric metric, BigDecimal quantity,
            BigDecimal included) {
        Optional<PriceVersion> priced = version.billingMode() != BillingMode.HUB_RATES
                || metric.priceVersionRef() == null ? Optional.empty()
                        : prices.books().version(metric.priceVersionRef())
                                .filter(p -> p.metric().equals(metric.metric()));
        if (priced.isEmpty()) {
            // Platform-rated, or a price the books lack (the close of that period fails on it): quantity only.
            return new Row(kind, version.key(), periodStart, metric.metric(), quantity, null, null);
        }
        PriceVersion price = priced.get();
        // Retracted usage makes a negative late quantity: its estimate is the same usage line, negated.
        RatingEngine.Rating rating = RatingEngine.rate(price, prices.books().currency(price.currency()),
                quantity.abs(), included, BigDecimal.ZERO);
        // The first line is the usage (or overage) line; credits, true-ups and commitments come after it.
        BigDecimal amount = rating.lines().get(0).amount();
        return new Row(kind, version.key(), periodStart, metric.metric(), quantity, price.currency(),
                quantity.signum() < 0 ? amount.negate() : amount);
    }

    /**
     * Late usage of closed periods: metered after the close (the partial index metered_event_late keeps this cheap)
     * and not covered by a LATE_USAGE correction of that period created after it was metered (a rejected correction
     * covers nothing). Summed per period and metric; for MAX, LATEST and UNIQUE_COUNT metrics the sum of the late
     * events' quantities is an upper bound.
     */
    private List<Row> late(Connection connection, Map<String, List<Contract>> byKey) throws SQLException {
        Map<Long, Contract> byId = new HashMap<>();
        byKey.values().forEach(list -> list.forEach(c -> byId.put(c.id(), c)));
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT pc.contract_key, pc.period_start, pc.period_end, me.metric, sum(me.quantity)
                FROM metered_event me
                JOIN contract c ON c.id = me.contract_id
                JOIN period_close pc ON pc.contract_key = c.contract_key
                     AND me.bucket_start >= pc.period_start AND me.bucket_start < pc.period_end
                WHERE me.late AND me.metered_at > pc.closed_at
                  AND NOT EXISTS (SELECT 1 FROM correction co
                                  WHERE co.contract_key = pc.contract_key AND co.period_start = pc.period_start
                                    AND co.source = 'LATE_USAGE' AND co.status <> 'REJECTED'
                                    AND co.created_at >= me.metered_at)
                GROUP BY pc.contract_key, pc.period_start, pc.period_end, me.metric
                ORDER BY pc.contract_key, pc.period_start, me.metric""");
                ResultSet result = select.executeQuery()) {
            while (result.next()) {
                String key = result.getString(1);
                Instant start = result.getTimestamp(2).toInstant();
                Instant end = result.getTimestamp(3).toInstant();
                String metricName = result.getString(4);
                List<Contract> versions = byKey.get(key);
                Contract version = versions == null ? null
                        : new ContractSchedule(versions).versionAt(end.minusNanos(1));
                ContractMetric metric = version == null ? null : version.metrics().get(metricName);
                if (metric == null) {
                    // The contract or its metric left master data: the quantity is still unbilled, unpriced.
                    rows.add(new Row(LATE, key, start, metricName, result.getBigDecimal(5), null, null));
                } else {
                    rows.add(row(LATE, version, start, metric, result.getBigDecimal(5), null));
                }
            }
        }
        return rows;
    }

    private static Map<String, java.util.Set<Instant>> closedStarts(Connection connection) throws SQLException {
        Map<String, java.util.Set<Instant>> starts = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT contract_key, period_start FROM period_close");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                starts.computeIfAbsent(rows.getString(1), k -> new java.util.HashSet<>())
                        .add(rows.getTimestamp(2).toInstant());
            }
        }
        return starts;
    }
}
