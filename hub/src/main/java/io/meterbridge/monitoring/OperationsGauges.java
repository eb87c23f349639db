package io.meterbridge.monitoring;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import io.meterbridge.billing.UnbilledUsage;
import io.meterbridge.rating.PriceBookStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.microprofile.faulttolerance.FaultToleranceProcessor;

/**
 * The gauges finance and ops act on (docs/operations.md, "Business and operations gauges"), read from PostgreSQL by
 * the {@code operations-gauges} timer route ({@code hub.monitoring.refresh-interval}) with cheap, indexed queries, so a
 * scrape never queries the database. Every gauge exists from start-up at 0 (an {@code increase()} or a {@code > 0}
 * alert must see the first change, and the dashboard a line), for every label value known up front: the billing
 * targets, the ERPs, the exception queues, the currencies of the price books. Values found in the tables besides those
 * get rows too. The circuit-breaker gauges read the breakers live, at scrape time.
 */
@ApplicationScoped
@Named("operationsGauges")
public class OperationsGauges {

    static final List<String> TARGETS = List.of("stripe", "chargebee");
    static final List<String> ERPS = List.of("netsuite", "business-central");
    static final List<String> QUEUES = List.of("billing", "erp", "accounting", "quarantine");
    static final List<String> KINDS = List.of(UnbilledUsage.UNCLOSED, UnbilledUsage.LATE);

    /** Circuit-breaker state as a number: what a Grafana threshold and an alert compare. */
    static final Map<String, Integer> BREAKER_STATES = Map.of("CLOSED", 0, "HALF_OPEN", 1, "OPEN", 2);

    private final DataSource dataSource;
    private final UnbilledUsage unbilledUsage;
    private final PriceBookStore prices;
    private final CamelContext camel;
    private final MeterRegistry registry;

    private final AtomicLong lastRefresh = new AtomicLong();
    private final AtomicLong invoiceLagSeconds = new AtomicLong();
    private final AtomicLong oldestPendingDeliverySeconds = new AtomicLong();
    private final AtomicLong oldestPendingPostingSeconds = new AtomicLong();
    private final Set<String> breakers = ConcurrentHashMap.newKeySet();
    private MultiGauge deliveriesPending;
    private MultiGauge deliveriesFailed;
    private MultiGauge postingsPending;
    private MultiGauge postingsFailed;
    private MultiGauge openExceptions;
    private MultiGauge creditMemos;
    private MultiGauge creditMemoAmount;
    private MultiGauge unbilledPeriods;
    private MultiGauge unbilledQuantity;
    private MultiGauge unbilledAmount;

    public OperationsGauges(DataSource dataSource, UnbilledUsage unbilledUsage, PriceBookStore prices,
            CamelContext camel, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.unbilledUsage = unbilledUsage;
        this.prices = prices;
        this.camel = camel;
        this.registry = registry;
    }

    @PostConstruct
    void register() {
        Gauge.builder("meterbridge.monitoring.refresh.age", lastRefresh,
                        t -> t.get() == 0 ? -1 : (System.currentTimeMillis() - t.get()) / 1000.0)
                .description("seconds since the operations gauges were last read from PostgreSQL (-1: never)")
                .baseUnit("seconds").register(registry);
        Gauge.builder("meterbridge.invoice.generation.lag", invoiceLagSeconds, AtomicLong::get)
                .description("seconds since the oldest period past its end plus grace that is not closed became due")
                .baseUnit("seconds").register(registry);
        Gauge.builder("meterbridge.billing.oldest.pending.delivery.age", oldestPendingDeliverySeconds, AtomicLong::get)
                .description("age in seconds of the oldest PENDING billing delivery (0: none)")
                .baseUnit("seconds").register(registry);
        Gauge.builder("meterbridge.erp.oldest.pending.posting.age", oldestPendingPostingSeconds, AtomicLong::get)
                .description("age in seconds of the oldest PENDING (or WAITING) ERP posting (0: none)")
                .baseUnit("seconds").register(registry);
        deliveriesPending = multi("meterbridge.billing.deliveries.pending", "billing deliveries PENDING, per target");
        deliveriesFailed = multi("meterbridge.billing.deliveries.failed", "billing deliveries FAILED, per target");
        postingsPending = multi("meterbridge.erp.postings.pending", "ERP postings PENDING (WAITING included), per ERP");
        postingsFailed = multi("meterbridge.erp.postings.failed", "ERP postings FAILED, per ERP");
        openExceptions = multi("meterbridge.exceptions.open", "open exceptions per queue");
        creditMemos = multi("meterbridge.credit.memos", "credit memo documents received from the platforms");
        creditMemoAmount = multi("meterbridge.credit.memo.amount", "amount of the credit memo documents");
        unbilledPeriods = multi("meterbridge.unbilled.usage.periods", "periods with unbilled usage, per kind");
        unbilledQuantity = multi("meterbridge.unbilled.usage.quantity", "unbilled usage per period and metric");
        unbilledAmount = multi("meterbridge.unbilled.usage.amount", "estimated amount of unbilled usage per period");
        publish(new Readings(Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of()),
                new UnbilledUsage.Snapshot(List.of(), List.of()), Instant.now());
    }

    private MultiGauge multi(String name, String description) {
        return MultiGauge.builder(name).description(description).register(registry);
    }

    /** One refresh, called by the operations-gauges timer route; a failure is the route's (logged, next tick). */
    public void refresh() throws SQLException {
        Instant now = Instant.now();
        Readings readings;
        try (Connection connection = dataSource.getConnection()) {
            readings = read(connection, now);
        }
        publish(readings, unbilledUsage.read(now), now);
        registerBreakers();
        lastRefresh.set(System.currentTimeMillis());
    }

    private record Readings(Map<String, Long> deliveriesPending, Map<String, Long> deliveriesFailed,
            Map<String, Long> postingsPending, Map<String, Long> postingsFailed, Map<String, Long> exceptions,
            Map<String, Long> creditMemoCount, Map<String, BigDecimal> creditMemoAmount) {
    }

    private Readings read(Connection connection, Instant now) throws SQLException {
        // Partial indexes: billing_delivery_due / erp_posting_due (PENDING), V100's *_failed, *_open, *_credit_memo.
        Map<String, Long> deliveriesPending = counts(connection,
                "SELECT target, count(*) FROM billing_delivery WHERE status = 'PENDING' GROUP BY target");
        Map<String, Long> deliveriesFailed = counts(connection,
                "SELECT target, count(*) FROM billing_delivery WHERE status = 'FAILED' GROUP BY target");
        Map<String, Long> postingsPending = counts(connection,
                "SELECT erp_system, count(*) FROM erp_posting WHERE status = 'PENDING' GROUP BY erp_system");
        Map<String, Long> postingsFailed = counts(connection,
                "SELECT erp_system, count(*) FROM erp_posting WHERE status = 'FAILED' GROUP BY erp_system");
        Map<String, Long> exceptions = counts(connection, """
                SELECT 'billing', count(*) FROM billing_exception WHERE replayed_at IS NULL
                UNION ALL SELECT 'erp', count(*) FROM erp_posting WHERE status = 'FAILED'
                UNION ALL SELECT 'accounting', count(*) FROM accounting_exception WHERE resolved_at IS NULL
                UNION ALL SELECT 'quarantine', count(*) FROM quarantined_event""");
        oldestPendingDeliverySeconds.set(age(connection,
                "SELECT min(created_at) FROM billing_delivery WHERE status = 'PENDING'", now));
        oldestPendingPostingSeconds.set(age(connection,
                "SELECT min(created_at) FROM erp_posting WHERE status = 'PENDING'", now));
        Map<String, Long> memoCount = new TreeMap<>();
        Map<String, BigDecimal> memoAmount = new TreeMap<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT currency, count(*), coalesce(sum(amount), 0) FROM financial_document
                WHERE doc_type = 'CREDIT_MEMO' GROUP BY currency""");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                memoCount.put(rows.getString(1).trim(), rows.getLong(2));
                memoAmount.put(rows.getString(1).trim(), rows.getBigDecimal(3));
            }
        }
        return new Readings(deliveriesPending, deliveriesFailed, postingsPending, postingsFailed, exceptions,
                memoCount, memoAmount);
    }

    private void publish(Readings readings, UnbilledUsage.Snapshot unbilled, Instant now) {
        deliveriesPending.register(rows("target", TARGETS, readings.deliveriesPending()), true);
        deliveriesFailed.register(rows("target", TARGETS, readings.deliveriesFailed()), true);
        postingsPending.register(rows("erp", ERPS, readings.postingsPending()), true);
        postingsFailed.register(rows("erp", ERPS, readings.postingsFailed()), true);
        openExceptions.register(rows("queue", QUEUES, readings.exceptions()), true);
        Set<String> currencies = new TreeSet<>(prices.books().currencies());
        creditMemos.register(rows("currency", currencies, readings.creditMemoCount()), true);
        List<MultiGauge.Row<?>> amounts = new ArrayList<>();
        currencies.addAll(readings.creditMemoAmount().keySet());
        for (String currency : currencies) {
            amounts.add(MultiGauge.Row.of(Tags.of("currency", currency),
                    readings.creditMemoAmount().getOrDefault(currency, BigDecimal.ZERO).doubleValue()));
        }
        creditMemoAmount.register(amounts, true);

        Map<String, Long> periods = new TreeMap<>();
        KINDS.forEach(kind -> periods.put(kind, unbilled.periods(kind)));
        unbilledPeriods.register(rows("kind", KINDS, periods), true);
        List<MultiGauge.Row<?>> quantities = new ArrayList<>();
        Map<Tags, BigDecimal> amountByPeriod = new TreeMap<>(java.util.Comparator.comparing(Tags::toString));
        for (UnbilledUsage.Row row : unbilled.rows()) {
            Tags period = Tags.of("kind", row.kind(), "contract", row.contractKey(), "period",
                    row.periodStart().toString());
            quantities.add(MultiGauge.Row.of(period.and("metric", row.metric()), row.quantity().doubleValue()));
            if (row.amount() != null) {
                amountByPeriod.merge(period.and("currency", row.currency()), row.amount(), BigDecimal::add);
            }
        }
        unbilledQuantity.register(quantities, true);
        unbilledAmount.register(amountByPeriod.entrySet().stream()
                .<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(e.getKey(), e.getValue().doubleValue())).toList(), true);
        invoiceLagSeconds.set(unbilled.oldestOverdueSeconds(now));
    }

    /** Every known label value (0 when absent from the readings) and any other value the readings have. */
    private static List<MultiGauge.Row<?>> rows(String label, java.util.Collection<String> known,
            Map<String, Long> values) {
        Set<String> all = new TreeSet<>(known);
        all.addAll(values.keySet());
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (String value : all) {
            rows.add(MultiGauge.Row.of(Tags.of(label, value), values.getOrDefault(value, 0L)));
        }
        return rows;
    }

    /**
     * One gauge per vendor-call breaker (routes {@code <vendor>-call}, node {@code <vendor>-circuit-breaker}), read
     * at scrape time: 0 closed, 1 half-open, 2 open. Registered as the routes appear (the first tick after start).
     */
    private void registerBreakers() {
        for (Route route : camel.getRoutes()) {
            String id = route.getRouteId();
            if (!id.endsWith("-call")) {
                continue;
            }
            String vendor = id.substring(0, id.length() - "-call".length());
            if (breakers.contains(vendor)
                    || camel.getProcessor(vendor + "-circuit-breaker", FaultToleranceProcessor.class) == null) {
                continue;
            }
            breakers.add(vendor);
            Gauge.builder("meterbridge.circuit.breaker.state", () -> breakerState(vendor))
                    .description("circuit breaker of the vendor's calls: 0 closed, 1 half-open, 2 open")
                    .tag("vendor", vendor).register(registry);
        }
    }

    private double breakerState(String vendor) {
        FaultToleranceProcessor breaker = camel.getProcessor(vendor + "-circuit-breaker",
                FaultToleranceProcessor.class);
        String state = breaker == null ? null : breaker.getCircuitBreakerState();
        // Unknown (the route is stopped, the breaker not built yet): NaN, so no alert fires on a guess.
        return state == null ? Double.NaN : BREAKER_STATES.getOrDefault(state, -1);
    }

    private static Map<String, Long> counts(Connection connection, String sql) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (PreparedStatement select = connection.prepareStatement(sql); ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getLong(2));
            }
        }
        return counts;
    }

    private static long age(Connection connection, String sql, Instant now) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql); ResultSet rows = select.executeQuery()) {
            rows.next();
            Timestamp oldest = rows.getTimestamp(1);
            return oldest == null ? 0 : Math.max(0, Duration.between(oldest.toInstant(), now).toSeconds());
        }
    }
}
