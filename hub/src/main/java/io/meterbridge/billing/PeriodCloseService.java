package io.meterbridge.billing;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.meterbridge.masterdata.BillingPeriod;
import io.meterbridge.masterdata.ContractSchedule;
import io.meterbridge.masterdata.ContractSchedule.Part;
import io.meterbridge.masterdata.MasterData;
import io.meterbridge.masterdata.MasterData.Aggregation;
import io.meterbridge.masterdata.MasterData.BillingMode;
import io.meterbridge.masterdata.MasterData.Contract;
import io.meterbridge.masterdata.MasterData.ContractMetric;
import io.meterbridge.masterdata.MasterDataStore;
import io.meterbridge.metering.TenantFold;
import io.meterbridge.metering.UsageQuery;
import io.meterbridge.platform.LogContext;
import io.meterbridge.rating.CurrencyRule;
import io.meterbridge.rating.PeriodShare;
import io.meterbridge.rating.PriceBookStore;
import io.meterbridge.rating.PriceVersion;
import io.meterbridge.rating.RatingEngine;
import io.meterbridge.rating.RatingEngine.ChargeLine;
import io.meterbridge.rating.RatingEngine.Rating;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Named;
import org.jboss.logging.Logger;

/**
 * Period close: turns a contract's usage of one billing period into rated charges (hub rates) or usage summaries
 * (platform rates), with their lineage, and writes the billing deliveries (the outbox) in the same transaction.
 * Closing is idempotent: the (contract, period start) key of period_close lets exactly one close happen, however
 * often and from however many instances it is asked for.
 */
@Named("periodClose")
@ApplicationScoped
public class PeriodCloseService {

    private static final Logger LOG = Logger.getLogger(PeriodCloseService.class);
    static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");

    /** What runs after each close of {@link #closeThrough} has committed (the API records its audit event). */
    @FunctionalInterface
    public interface AfterCommit {
        void closed(Closed closed) throws SQLException;
    }

    public record Closed(long closeId, String contractKey, Instant periodStart, Instant periodEnd, boolean created,
            String billingSystem, String billingMode, String currency, BigDecimal total, List<String> deliveries) {
    }

    private final DataSource dataSource;
    private final MasterDataStore masterData;
    private final PriceBookStore prices;
    private final ObjectMapper mapper;
    private final Instance<PeriodCloseListener> closeListeners;
    private final CreditLedger creditLedger;
    private final Instance<CreditLedgerListener> creditListeners;
    private final Counter closed;
    private final Counter failures;
    private final MeteringCatchUp meteringCatchUp;

    public PeriodCloseService(DataSource dataSource, MasterDataStore masterData, PriceBookStore prices,
            ObjectMapper mapper, MeterRegistry registry, Instance<PeriodCloseListener> closeListeners,
            MeteringCatchUp meteringCatchUp, CreditLedger creditLedger, Instance<CreditLedgerListener> creditListeners) {
        this.closeListeners = closeListeners;
        this.meteringCatchUp = meteringCatchUp;
        this.creditLedger = creditLedger;
        this.creditListeners = creditListeners;
        this.dataSource = dataSource;
        this.masterData = masterData;
        this.prices = prices;
        this.mapper = mapper;
        this.closed = registry.counter("meterbridge_period_close_total");
        this.failures = registry.counter("meterbridge_period_close_failures_total");
    }

    /**
     * The scheduled close: for every contract, the periods whose end plus grace period (for Stripe meters, at most half the
     * finalization grace: {@link PlatformTiming}) has passed and that overlap the contract's validity (an ended contract
     * closes no more periods), from the first unclosed period of its schedule, in order: the closed periods of a contract
     * form one chain without gaps (V82), so a tick missed while the hub was down, or a contract whose first periods were
     * never closed, catches up. A contract that fails (a missing price version, say) is counted and logged, and tried
     * again at the next tick; the others still close.
     */
    public List<Closed> closeDue() {
        Instant now = Instant.now();
        List<Closed> result = new ArrayList<>();
        for (String contractKey : versionsByKey(masterData.current()).keySet()) {
            try {
                result.addAll(closeDueOf(contractKey, now));
            } catch (MeteringBehindException e) {
                // Logged and counted by MeteringCatchUp; the other contracts would wait for the same lag: next tick.
                break;
            }
        }
        return result;
    }

    /**
     * What the scheduler closes of one contract at {@code now} (see {@link #closeDue()}). Not an overload of closeDue:
     * the period-close route calls closeDue by name, and Camel bound an overload with null arguments.
     */
    public List<Closed> closeDueOf(String contractKey, Instant now) {
        List<Closed> result = new ArrayList<>();
        List<Contract> versions = versionsByKey(masterData.current()).get(contractKey);
        if (versions == null) {
            return result;
        }
        ContractSchedule schedule = new ContractSchedule(versions);
        try {
            List<BillingPeriod> due = duePeriods(schedule, closedStarts(contractKey), now);
            if (!due.isEmpty()) {
                // One wait for metering covers the periods of this tick: their usage is all older than the mark.
                MeteringCatchUp.Mark mark = meteringCatchUp.await(contractKey);
                for (BillingPeriod period : due) {
                    result.add(closeOne(schedule, period, "scheduler", mark));
                }
            }
        } catch (MeteringBehindException e) {
            throw e;
        } catch (Exception e) {
            failures.increment();
            LOG.errorf("Period close of contract %s failed, retried at the next tick: %s", contractKey, e.getMessage());
        }
        return result;
    }

    /**
     * The periods due at {@code now}, oldest first: not closed yet ({@code closedStarts}), ended, past the grace period
     * of the version in force at their end, and overlapping the validity; walked from the schedule's first period, so
     * the first one is the first unclosed period of the chain.
     */
    static List<BillingPeriod> duePeriods(ContractSchedule schedule, Set<Instant> closedStarts, Instant now) {
        List<BillingPeriod> due = new ArrayList<>();
        BillingPeriod period = schedule.first();
        // Stripe meters: inside the invoice's finalization grace, whatever the contract's grace period says
        while (!period.end().plus(PlatformTiming.closeDelay(schedule.versionAt(period.end().minusNanos(1)))).isAfter(now)) {
            if (!closedStarts.contains(period.start()) && !schedule.parts(period).isEmpty()) {
                due.add(period);
            }
            period = schedule.next(period);
        }
        return due;
    }

    /**
     * The open periods of the chain before {@code period}, oldest first: those overlapping the validity and not closed.
     * A close of {@code period} closes them first (V82 refuses a gap).
     */
    static List<BillingPeriod> openBefore(ContractSchedule schedule, Set<Instant> closedStarts, BillingPeriod period) {
        List<BillingPeriod> open = new ArrayList<>();
        for (BillingPeriod p = schedule.first(); p.start().isBefore(period.start()); p = schedule.next(p)) {
            if (!closedStarts.contains(p.start()) && !schedule.parts(p).isEmpty()) {
                open.add(p);
            }
        }
        return open;
    }

    private Set<Instant> closedStarts(String contractKey) throws SQLException {
        Set<Instant> starts = new HashSet<>();
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
                "SELECT period_start FROM period_close WHERE contract_key = ?")) {
            select.setString(1, contractKey);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    starts.add(rows.getTimestamp(1).toInstant());
                }
            }
        }
        return starts;
    }

    /**
     * Closes the period of {@code contractKey} that contains {@code at} (see {@link #closeThrough}); the close of the
     * requested period.
     */
    public Closed close(String contractKey, Instant at, String closedBy) throws SQLException {
        List<Closed> closes = closeThrough(contractKey, at, closedBy, c -> { });
        return closes.get(closes.size() - 1);
    }

    /**
     * Closes the period of {@code contractKey} that contains {@code at}, after the open periods of the chain before it,
     * oldest first: the closed periods of a contract leave no gap (V82), so a close of May with March and April open
     * closes March, April, then May, each rated as the scheduler would have. The period must have ended and overlap
     * the contract's validity; each version in force over a part of it rates that part (see {@link #rateAndWrite}).
     * The grace period is only waited for by the scheduler, an explicit close means the operator accepts that later
     * events are late. Returns every close made, the requested period last (only it when it was closed already). Each
     * close commits on its own and is handed to {@code afterCommit} (the API's audit event) before the next starts:
     * when a later one fails, the earlier ones stay closed, as the scheduler would leave them, and are recorded.
     */
    public List<Closed> closeThrough(String contractKey, Instant at, String closedBy,
            AfterCommit afterCommit) throws SQLException {
        List<Contract> versions = versionsByKey(masterData.current()).get(contractKey);
        if (versions == null) {
            throw new IllegalArgumentException("contractKey: no contract '" + contractKey + "'");
        }
        ContractSchedule schedule = new ContractSchedule(versions);
        BillingPeriod period = schedule.periodAt(at);
        checkClosable(schedule, period);
        Optional<Closed> done = find(contractKey, period.start());
        if (done.isPresent()) {
            afterCommit.closed(done.get());
            return List.of(done.get()); // closed already: nothing to wait for
        }
        List<BillingPeriod> periods = new ArrayList<>(openBefore(schedule, closedStarts(contractKey), period));
        periods.add(period);
        for (BillingPeriod p : periods) {
            checkClosable(schedule, p);
        }
        // Every event accepted before now must be metered before the usage is read (or this throws, nothing written).
        MeteringCatchUp.Mark mark = meteringCatchUp.await(contractKey);
        List<Closed> result = new ArrayList<>();
        for (BillingPeriod p : periods) {
            // Every line of the close (the hub's, the listeners', Camel's) names the contract and the period.
            LogContext.contract(contractKey, p.start());
            Closed one;
            try {
                one = closeOne(schedule, p, closedBy, mark);
            } finally {
                LogContext.clear();
            }
            afterCommit.closed(one);
            result.add(one);
        }
        return result;
    }

    /** A period can be closed: it overlaps the validity, has ended, and one billing account and mode bill it. */
    private static void checkClosable(ContractSchedule schedule, BillingPeriod period) {
        String contractKey = schedule.contractKey();
        List<Part> parts = schedule.parts(period);
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("period: [" + period.start() + ", " + period.end() + ") of contract "
                    + contractKey + " does not overlap the contract's validity " + schedule.validity()
                    + "; there is nothing to close");
        }
        if (period.end().isAfter(Instant.now())) {
            throw new IllegalArgumentException("period: [" + period.start() + ", " + period.end() + ") of contract "
                    + contractKey + " has not ended; it can be closed from " + period.end());
        }
        Contract contract = parts.get(parts.size() - 1).version();
        for (Part part : parts) {
            Contract v = part.version();
            if (!v.billingKey().equals(contract.billingKey()) || v.billingMode() != contract.billingMode()) {
                throw new IllegalArgumentException("period: [" + period.start() + ", " + period.end() + ") of contract "
                        + contractKey + " has versions billed to " + v.billingKey() + " (" + v.billingMode() + ") and "
                        + contract.billingKey() + " (" + contract.billingMode() + "); a change of billing account or"
                        + " mode must take effect at a period boundary");
            }
        }
    }

    /** Closes one period (checked by {@link #checkClosable}) in its own transaction; a closed one is returned as it is. */
    private Closed closeOne(ContractSchedule schedule, BillingPeriod period, String closedBy, MeteringCatchUp.Mark mark)
            throws SQLException {
        String contractKey = schedule.contractKey();
        List<Part> parts = schedule.parts(period);
        // The version in force at the end of the period's coverage bills it (system, account, mode, credits).
        Contract contract = parts.get(parts.size() - 1).version();
        long[] contractIds = versionsByKey(masterData.current()).get(contractKey).stream().mapToLong(Contract::id)
                .toArray();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                lockContract(connection, contractKey);
                Optional<Long> closeId = claim(connection, contract, period, closedBy);
                if (closeId.isEmpty()) {
                    connection.rollback();
                    return find(contractKey, period.start()).orElseThrow();
                }
                recordMark(connection, closeId.get(), mark);
                Closed result = rateAndWrite(connection, closeId.get(), contract, period, parts, contractIds, closedBy);
                connection.commit();
                closed.increment();
                LOG.infof("Closed period [%s, %s) of contract %s (%s, %s): total %s %s, deliveries %s", period.start(),
                        period.end(), contractKey, contract.billingSystem(), contract.billingMode(), result.total(),
                        result.currency(), result.deliveries());
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** The start of the period before the one {@code now} is in: what an on-demand close without a date closes. */
    public Instant previousPeriodStart(String contractKey, Instant now) {
        List<Contract> versions = versionsByKey(masterData.current()).get(contractKey);
        if (versions == null) {
            throw new IllegalArgumentException("contractKey: no contract '" + contractKey + "'");
        }
        return new ContractSchedule(versions).previous(now).start();
    }

    public Optional<Closed> find(String contractKey, Instant periodStart) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement("""
                SELECT p.id, p.period_start, p.period_end, p.billing_system, p.billing_mode, p.currency, p.total,
                       (SELECT coalesce(array_agg(d.id ORDER BY d.id), '{}') FROM billing_delivery d WHERE d.close_id = p.id)
                FROM period_close p WHERE p.contract_key = ? AND p.period_start = ?""")) {
            select.setString(1, contractKey);
            select.setTimestamp(2, Timestamp.from(periodStart));
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Closed(rows.getLong(1), contractKey, rows.getTimestamp(2).toInstant(),
                        rows.getTimestamp(3).toInstant(), false, rows.getString(4), rows.getString(5), rows.getString(6),
                        rows.getBigDecimal(7), List.of((String[]) rows.getArray(8).getArray())));
            }
        }
    }

    private Optional<Long> claim(Connection connection, Contract contract, BillingPeriod period, String closedBy)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO period_close (contract_key, period_start, period_end, contract_id, billing_system,
                  billing_mode, closed_by)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (contract_key, period_start) DO NOTHING RETURNING id""")) {
            insert.setString(1, contract.key());
            insert.setTimestamp(2, Timestamp.from(period.start()));
            insert.setTimestamp(3, Timestamp.from(period.end()));
            insert.setLong(4, contract.id());
            insert.setString(5, contract.billingSystem());
            insert.setString(6, contract.billingMode().name());
            insert.setString(7, closedBy);
            try (ResultSet rows = insert.executeQuery()) {
                return rows.next() ? Optional.of(rows.getLong(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            if ("23P01".equals(e.getSQLState())) {
                // period_close_no_overlap (V60): the periods of one contract never overlap.
                throw new IllegalArgumentException("period: [" + period.start() + ", " + period.end() + ") of contract "
                        + contract.key() + " overlaps a period already closed: " + e.getMessage(), e);
            }
            if ("23000".equals(e.getSQLState()) && e.getMessage() != null && e.getMessage().contains("leaves a gap")) {
                // period_close_chain (V82): another writer left the chain open before this period.
                throw new IllegalStateException("period: " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /** What the close waited for metering to reach (period_close.started_at, accepted_offsets). */
    private void recordMark(Connection connection, long closeId, MeteringCatchUp.Mark mark) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE period_close SET started_at = ?, accepted_offsets = ?::jsonb WHERE id = ?")) {
            update.setTimestamp(1, Timestamp.from(mark.startedAt()));
            update.setString(2, json(mark.acceptedOffsets()));
            update.setLong(3, closeId);
            update.executeUpdate();
        }
    }

    /** One hourly aggregate row of the period, as read at close. */
    record Bucket(String subject, long contractId, Instant start, BigDecimal quantity, long events,
            Instant latestTime) {
    }

    /** Serializes close and daily reports of one contract (credits, reported quantities). */
    static void lockContract(Connection connection, String contractKey) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
            lock.setString(1, "billing:" + contractKey);
            lock.executeQuery().close();
        }
    }

    /**
     * A run of consecutive parts of a period in which one metric is priced by one price version: its usage is counted
     * over the run, its tier positions continue across the contract versions of the run (a new price version starts
     * its own tiers), its flat amounts are prorated by the run's share of the period.
     */
    record Segment(ContractMetric term, Instant start, Instant end, List<Part> parts) {

        long seconds() {
            return java.time.Duration.between(start, end).toSeconds();
        }
    }

    static List<Segment> segments(String metric, List<Part> parts) {
        List<Segment> segments = new ArrayList<>();
        for (Part part : parts) {
            ContractMetric term = part.version().metrics().get(metric);
            if (term == null) {
                continue;
            }
            Segment last = segments.isEmpty() ? null : segments.get(segments.size() - 1);
            if (last != null && last.end().equals(part.start())
                    && last.term().priceVersionRef().equals(term.priceVersionRef())) {
                List<Part> joined = new ArrayList<>(last.parts());
                joined.add(part);
                segments.set(segments.size() - 1, new Segment(term, last.start(), part.end(), List.copyOf(joined)));
            } else {
                segments.add(new Segment(term, part.start(), part.end(), List.of(part)));
            }
        }
        return segments;
    }

    /**
     * The included units of a segment: each contract version's includedQuantity prorated by the seconds it is in force
     * over the period's, summed, rounded down to whole units; exactly as written when one quantity covers the whole
     * period. Null when no version includes any.
     */
    static BigDecimal includedUnits(String metric, Segment segment, long periodSeconds) {
        List<BigDecimal> included = segment.parts().stream()
                .map(p -> p.version().metrics().get(metric).includedQuantity()).toList();
        if (included.stream().allMatch(java.util.Objects::isNull)) {
            return null;
        }
        if (segment.seconds() == periodSeconds && included.stream().distinct().count() == 1) {
            return included.get(0);
        }
        BigDecimal unitSeconds = BigDecimal.ZERO;
        for (int i = 0; i < included.size(); i++) {
            BigDecimal quantity = included.get(i) == null ? BigDecimal.ZERO : included.get(i);
            unitSeconds = unitSeconds.add(quantity.multiply(BigDecimal.valueOf(segment.parts().get(i).seconds())));
        }
        return unitSeconds.divide(BigDecimal.valueOf(periodSeconds), 0, java.math.RoundingMode.DOWN);
    }

    /**
     * The period's minimum commitment: each version's minimumCommitment prorated by the seconds it is in force over
     * the period's (a version without one counts 0), summed, rounded once with the currency's rule; as written when
     * one amount covers the whole period. Null when no version has one.
     */
    static BigDecimal commitment(List<Part> parts, long periodSeconds, CurrencyRule rule) {
        List<BigDecimal> amounts = parts.stream().map(p -> p.version().minimumCommitment()).toList();
        if (amounts.stream().allMatch(java.util.Objects::isNull)) {
            return null;
        }
        long covered = parts.stream().mapToLong(Part::seconds).sum();
        if (covered == periodSeconds && amounts.stream().distinct().count() == 1) {
            return amounts.get(0);
        }
        BigDecimal amountSeconds = BigDecimal.ZERO;
        for (int i = 0; i < amounts.size(); i++) {
            BigDecimal amount = amounts.get(i) == null ? BigDecimal.ZERO : amounts.get(i);
            amountSeconds = amountSeconds.add(amount.multiply(BigDecimal.valueOf(parts.get(i).seconds())));
        }
        return amountSeconds.divide(BigDecimal.valueOf(periodSeconds), rule.scale(), rule.rounding());
    }

    private static String window(Instant start, Instant end) {
        return "[" + start + ", " + end + ")";
    }

    /**
     * Rates (hub rates) or summarises (platform rates) the period's usage, part by part: each contract version in force
     * over a part of the period applies its terms there (see {@link Segment}); the version in force at the end of the
     * coverage ({@code contract}) bills the period.
     */
    private Closed rateAndWrite(Connection connection, long closeId, Contract contract, BillingPeriod period,
            List<Part> parts, long[] contractIds, String closedBy) throws SQLException {
        MasterData data = masterData.current();
        long periodSeconds = java.time.Duration.between(period.start(), period.end()).toSeconds();
        Set<String> metricNames = new java.util.TreeSet<>();
        parts.forEach(p -> metricNames.addAll(p.version().metrics().keySet()));
        DocumentBuilder document = new DocumentBuilder(contract, period, closeId, null);
        BigDecimal credits = contract.prepaidCredits() == null ? BigDecimal.ZERO
                : contract.prepaidCredits().subtract(creditsDrawn(connection, contract.key()));
        List<Rating> ratings = new ArrayList<>();
        Set<String> allSchemaRefs = new java.util.TreeSet<>();
        for (String metricName : metricNames) {
            List<Segment> segments = segments(metricName, parts);
            ContractMetric metric = segments.get(segments.size() - 1).term();
            List<Bucket> buckets = buckets(connection, contractIds, metric.metric(), period);
            recordSources(connection, closeId, metric.metric(), buckets);
            Aggregation aggregation = Optional.ofNullable(data.metrics().get(metric.metric()))
                    .map(MasterData.MetricDefinition::aggregation).orElseThrow(() -> new IllegalStateException(
                            "metric " + metric.metric() + " of contract " + contract.key() + " is not in the catalog"));
            String[] schemaRefs = schemaRefs(connection, contractIds, metric.metric(), period);
            allSchemaRefs.addAll(List.of(schemaRefs));
            if (contract.billingMode() == BillingMode.HUB_RATES) {
                for (Segment segment : segments) {
                    BigDecimal quantity = windowQuantity(connection, contractIds, metric.metric(), segment.start(),
                            segment.end(), aggregation, buckets);
                    PriceVersion price = priceOf(metric.metric(), segment, period, contract.key(), null);
                    CurrencyRule rule = prices.books().currency(price.currency());
                    Rating rating = rateSegment(metric.metric(), segment, periodSeconds, price, rule, quantity, credits);
                    ratings.add(rating);
                    if (price.prepaidCredits() && credits.compareTo(rating.creditsAfter()) != 0) {
                        drawCredits(connection, contract.key(), closeId, metric.metric(),
                                credits.subtract(rating.creditsAfter()));
                    }
                    credits = price.prepaidCredits() ? rating.creditsAfter() : credits;
                    for (ChargeLine line : rating.lines()) {
                        int lineNo = document.lineCount() + 1;
                        insertCharge(connection, closeId, lineNo, metric.metric(), line, rule, price, schemaRefs,
                                quantity, segment);
                        document.charge(lineNo, metric.metric(), price, line, rule);
                    }
                }
            } else {
                for (Summary summary : closeSummaries(connection, contractIds, metric, period, aggregation, buckets,
                        contract, closeId)) {
                    document.usage(insertSummary(connection, contract.key(), closeId, null, summary, schemaRefs, period));
                }
            }
        }
        if (contract.billingMode() == BillingMode.HUB_RATES && document.currency() != null) {
            // After every metric: the commitment is a minimum of their spend together.
            commitmentTrueUp(connection, closeId, contract, parts, periodSeconds, document, ratings,
                    allSchemaRefs.toArray(String[]::new));
            // NEXT_CYCLE corrections of earlier periods, as adjustment lines (before credits: they are usage too).
            Corrections.billCarried(connection, mapper, closeId, contract.key(), period, contract.timeZone(), document,
                    prices.books().currency(document.currency()), allSchemaRefs.toArray(String[]::new));
            // Last: prepaid credit grants pay for what the period costs after every other line (CreditLedger).
            prepaidCredit(connection, closeId, contract, period, document, data, allSchemaRefs.toArray(String[]::new));
            // The ERP side accrues revenue for the unbilled usage, posted before the invoice, reversed when it posts.
            PeriodCloseListener.ClosedPeriod closed = new PeriodCloseListener.ClosedPeriod(closeId, contract, period,
                    document.amountsByMetric(), document.currency(), data);
            for (PeriodCloseListener listener : closeListeners) {
                listener.closed(connection, closed);
            }
        }
        List<String> deliveries = new ArrayList<>();
        for (BillingDelivery delivery : document.deliveries(mapper)) {
            insertDelivery(connection, closeId, null, delivery);
            deliveries.add(delivery.id());
        }
        if (contract.billingMode() == BillingMode.PLATFORM_RATES && "stripe".equals(contract.billingSystem())
                && creditLedger.hasCreditLeft(connection, contract.key())) {
            // Stripe prices the period: its draft invoice says what the credit pays (StripeCreditDraws).
            BillingDelivery credit = StripeCreditDraws.delivery(contract, period, closeId,
                    CreditLedger.contractCurrency(data, contract, period.start()), mapper);
            insertDelivery(connection, closeId, null, credit);
            deliveries.add(credit.id());
        }
        // What the start-up check of billed price versions reads (V83), in this close's transaction.
        BilledPriceVersions.recordBilled(connection, closeId);
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE period_close SET currency = ?, total = ? WHERE id = ?")) {
            update.setString(1, document.currency());
            update.setBigDecimal(2, document.total());
            update.setLong(3, closeId);
            update.executeUpdate();
        }
        return new Closed(closeId, contract.key(), period.start(), period.end(), true, contract.billingSystem(),
                contract.billingMode().name(), document.currency(), document.total(), deliveries);
    }

    /**
     * The price version that prices a segment: its contract term's, or {@code replacement} (a re-rate's version for
     * the same metric) when given. Effective dating: a part is priced by a version valid over all of it; a new price is
     * a new version, referenced by a new contract version from the date it applies.
     */
    PriceVersion priceOf(String metric, Segment segment, BillingPeriod period, String contractKey, String replacement) {
        PriceVersion price = prices.version(replacement != null ? replacement : segment.term().priceVersionRef(), metric);
        if (price.validFrom().isAfter(segment.start())
                || (price.validTo() != null && price.validTo().isBefore(segment.end()))) {
            throw new IllegalArgumentException("price version '" + price.id() + "' of " + metric
                    + " is valid over " + window(price.validFrom(), price.validTo() == null ? null
                            : price.validTo()).replace("null", "open")
                    + ", not over " + window(segment.start(), segment.end()) + " of the period "
                    + window(period.start(), period.end()) + " of contract " + contractKey);
        }
        return price;
    }

    /**
     * Rates one segment of a metric as the close does: included units prorated over the segment, the price's minimum
     * prorated by the segment's share, lines labelled with their part of the period when it is not the whole. The
     * re-rating of a closed period (PeriodRerating) calls the same method, so both rate alike.
     */
    static Rating rateSegment(String metric, Segment segment, long periodSeconds, PriceVersion price, CurrencyRule rule,
            BigDecimal quantity, BigDecimal credits) {
        PeriodShare share = new PeriodShare(segment.seconds(), periodSeconds);
        // Included units are free; the committed quantity only drives the CRM follow-ups, never an amount.
        Rating rating = RatingEngine.rate(price, rule, quantity, includedUnits(metric, segment, periodSeconds), credits,
                share);
        if (!share.whole()) {
            // An invoice shows which part of the period a line prices.
            rating = new Rating(rating.priceVersion(), rating.currency(), rating.lines().stream()
                    .map(l -> new ChargeLine(l.type(), l.description() + " " + window(segment.start(),
                            segment.end()), l.quantity(), l.amount())).toList(), rating.total(),
                    rating.creditsAfter());
        }
        return rating;
    }

    /**
     * The period's commitment true-up over its ratings, its description naming the proration when the versions'
     * minimums cover parts of the period (shared with the re-rating of a closed period).
     */
    Optional<ChargeLine> commitmentLine(List<Part> parts, long periodSeconds, String currency, List<Rating> ratings) {
        CurrencyRule rule = prices.books().currency(currency);
        BigDecimal minimum = commitment(parts, periodSeconds, rule);
        if (minimum == null) {
            return Optional.empty();
        }
        Optional<ChargeLine> trueUp = RatingEngine.commitment(minimum, rule, ratings);
        if (trueUp.isEmpty()) {
            return trueUp;
        }
        long covered = parts.stream().mapToLong(Part::seconds).sum();
        if (parts.size() > 1 || covered != periodSeconds) {
            String terms = String.join(" + ", parts.stream().map(p -> (p.version().minimumCommitment() == null ? "0"
                    : p.version().minimumCommitment().toPlainString()) + " x " + p.seconds() + "/" + periodSeconds
                    + " s").toList());
            trueUp = Optional.of(new ChargeLine(trueUp.get().type(), trueUp.get().description() + " (prorated: "
                    + terms + ")", null, trueUp.get().amount()));
        }
        return trueUp;
    }

    static List<Bucket> buckets(Connection connection, long[] contractIds, String metric, BillingPeriod period)
            throws SQLException {
        List<Bucket> buckets = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT subject, contract_id, bucket_start, quantity, event_count, latest_time FROM usage_hourly
                WHERE contract_id = ANY(?) AND metric = ? AND bucket_start >= ? AND bucket_start < ?
                ORDER BY bucket_start, subject""")) {
            bindWindow(connection, select, contractIds, metric, period.start(), period.end());
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    buckets.add(new Bucket(rows.getString(1), rows.getLong(2), rows.getTimestamp(3).toInstant(),
                            rows.getBigDecimal(4), rows.getLong(5), rows.getTimestamp(6).toInstant()));
                }
            }
        }
        return buckets;
    }

    private static void recordSources(Connection connection, long closeId, String metric, List<Bucket> buckets)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO charge_source (close_id, metric, subject, contract_id, bucket_start, quantity, event_count)
                VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
            for (Bucket bucket : buckets) {
                insert.setLong(1, closeId);
                insert.setString(2, metric);
                insert.setString(3, bucket.subject());
                insert.setLong(4, bucket.contractId());
                insert.setTimestamp(5, Timestamp.from(bucket.start()));
                insert.setBigDecimal(6, bucket.quantity());
                insert.setLong(7, bucket.events());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** The quantity of [from, to) under the metric's aggregation; UNIQUE_COUNT counts distinct values over it. */
    static BigDecimal windowQuantity(Connection connection, long[] contractIds, String metric, Instant from,
            Instant to, Aggregation aggregation, List<Bucket> all) throws SQLException {
        List<Bucket> buckets = all.stream().filter(b -> !b.start().isBefore(from) && b.start().isBefore(to)).toList();
        return switch (aggregation) {
            case SUM, COUNT, MAX, LATEST -> {
                // Across the contract's tenants, as the usage API computes it (peak of the hourly sum, sum of latests).
                TenantFold fold = new TenantFold(aggregation);
                buckets.forEach(b -> fold.add(b.subject(), b.start(), b.quantity(), b.latestTime()));
                yield fold.quantity();
            }
            case UNIQUE_COUNT -> {
                try (PreparedStatement select = connection.prepareStatement("""
                        SELECT count(DISTINCT value) FROM usage_unique_value
                        WHERE contract_id = ANY(?) AND metric = ? AND bucket_start >= ? AND bucket_start < ?""")) {
                    bindWindow(connection, select, contractIds, metric, from, to);
                    try (ResultSet rows = select.executeQuery()) {
                        rows.next();
                        yield BigDecimal.valueOf(rows.getLong(1));
                    }
                }
            }
        };
    }

    /** The schema versions (type/vN) of the events behind a metric's usage in the window. */
    static String[] schemaRefs(Connection connection, long[] contractIds, String metric, BillingPeriod period)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT DISTINCT schema_ref FROM metered_event
                WHERE contract_id = ANY(?) AND metric = ? AND bucket_start >= ? AND bucket_start < ? ORDER BY 1""")) {
            bindWindow(connection, select, contractIds, metric, period.start(), period.end());
            List<String> refs = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    refs.add(rows.getString(1));
                }
            }
            return refs.toArray(String[]::new);
        }
    }

    /** A usage quantity the platform prices: one per day for metrics that add up, one per period otherwise. */
    record Summary(String metric, String platformRef, Instant windowStart, Instant windowEnd, BigDecimal quantity,
            String identifier, Instant timestamp, BigDecimal platformValue) {

        Summary(String metric, String platformRef, Instant windowStart, Instant windowEnd, BigDecimal quantity,
                String identifier, Instant timestamp) {
            this(metric, platformRef, windowStart, windowEnd, quantity, identifier, timestamp, null);
        }

        Summary withPlatformValue(BigDecimal value) {
            return new Summary(metric, platformRef, windowStart, windowEnd, quantity, identifier, timestamp, value);
        }
    }

    /**
     * Platform rates at close: days whose usage grew after they were reported (late events) get a correction for the
     * difference; metrics that do not add up are sent once for the whole period. Both are timestamped in the
     * period's last seconds, so the platform bills them in this period. On Stripe a day whose usage went down after
     * its report (a retracted or corrected event) gets a negative correction too: Stripe meters take negative values
     * ("fix incorrectly recorded usage by recording negative quantities"), and one daily meter event sums many usage
     * events, so cancelling it (a meter event adjustment, within 24 h only) could not take back one of them.
     */
    private static List<Summary> closeSummaries(Connection connection, long[] contractIds, ContractMetric metric,
            BillingPeriod period, Aggregation aggregation, List<Bucket> buckets, Contract contract, long closeId)
            throws SQLException {
        String prefix = summaryPrefix(contract, metric);
        List<Summary> summaries = new ArrayList<>();
        if (additive(aggregation)) {
            Map<Instant, BigDecimal> reported = reported(connection, contract.key(), metric.metric(), period);
            for (Map.Entry<Instant, BigDecimal> day : daily(buckets, contract.timeZone()).entrySet()) {
                BigDecimal delta = day.getValue().subtract(reported.getOrDefault(day.getKey(), BigDecimal.ZERO));
                if (delta.signum() > 0 || delta.signum() < 0 && "stripe".equals(contract.billingSystem())) {
                    String id = prefix + DAY.format(day.getKey().atZone(contract.timeZone()))
                            + (reported.containsKey(day.getKey()) ? "-c" + closeId : "");
                    summaries.add(new Summary(metric.metric(), metric.platformPriceRef(), day.getKey(),
                            dayEnd(day.getKey(), contract.timeZone(), period), UsageQuery.plain(delta), id,
                            lastSeconds(period, summaries.size())));
                }
            }
        } else if (!buckets.isEmpty()) {
            BigDecimal quantity = windowQuantity(connection, contractIds, metric.metric(), period.start(), period.end(),
                    aggregation, buckets);
            summaries.add(new Summary(metric.metric(), metric.platformPriceRef(), period.start(), period.end(),
                    UsageQuery.plain(quantity), prefix + "p" + DAY.format(period.start().atZone(contract.timeZone())),
                    lastSeconds(period, 0)));
        }
        return summaries;
    }

    /**
     * The n-th last second of the period: close-time quantities are billed in this period, and each gets its own
     * usage date (Chargebee de-duplicates usages of one item price by usage date).
     */
    private static Instant lastSeconds(BillingPeriod period, int n) {
        return period.end().minusSeconds(1L + n);
    }

    static boolean additive(Aggregation aggregation) {
        return aggregation == Aggregation.SUM || aggregation == Aggregation.COUNT;
    }

    static String summaryPrefix(Contract contract, ContractMetric metric) {
        return "mb-" + DeliveryIds.safe(contract.key()) + "-" + DeliveryIds.segment(metric.metric()) + "-";
    }

    /** The buckets' quantities per day of the zone. */
    static TreeMap<Instant, BigDecimal> daily(List<Bucket> buckets, ZoneId zone) {
        TreeMap<Instant, BigDecimal> days = new TreeMap<>();
        for (Bucket bucket : buckets) {
            days.merge(bucket.start().atZone(zone).truncatedTo(ChronoUnit.DAYS).toInstant(), bucket.quantity(),
                    BigDecimal::add);
        }
        return days;
    }

    private static Instant dayEnd(Instant day, ZoneId zone, BillingPeriod period) {
        Instant end = day.atZone(zone).plusDays(1).toInstant();
        return end.isAfter(period.end()) ? period.end() : end;
    }

    /** What was already sent per day of a metric (daily reports and earlier corrections). */
    private static Map<Instant, BigDecimal> reported(Connection connection, String contractKey, String metric,
            BillingPeriod period) throws SQLException {
        Map<Instant, BigDecimal> reported = new TreeMap<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT window_start, sum(quantity) FROM usage_summary
                WHERE contract_key = ? AND metric = ? AND window_start >= ? AND window_start < ? GROUP BY 1""")) {
            select.setString(1, contractKey);
            select.setString(2, metric);
            select.setTimestamp(3, Timestamp.from(period.start()));
            select.setTimestamp(4, Timestamp.from(period.end()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    reported.put(rows.getTimestamp(1).toInstant(), rows.getBigDecimal(2));
                }
            }
        }
        return reported;
    }

    private static BigDecimal creditsDrawn(Connection connection, String contractKey) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT coalesce(sum(amount), 0) FROM credit_drawdown WHERE contract_key = ?")) {
            select.setString(1, contractKey);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getBigDecimal(1);
            }
        }
    }

    private static void drawCredits(Connection connection, String contractKey, long closeId, String metric,
            BigDecimal amount) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO credit_drawdown (contract_key, close_id, metric, amount) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, contractKey);
            insert.setLong(2, closeId);
            insert.setString(3, metric);
            insert.setBigDecimal(4, amount);
            insert.executeUpdate();
        }
    }

    /**
     * The contract's minimum commitment across all its metrics, trued up on its own line (metric
     * {@link MasterData#COMMITMENT_METRIC}). Its lineage: the contract version whose term it is (price_version
     * {@code contract:<key>@<validFrom>}, the term and the spend it was compared with in price_definition), the schema
     * versions of all the period's usage, and the close's charge_source rows of every metric.
     */
    private void commitmentTrueUp(Connection connection, long closeId, Contract contract, List<Part> parts,
            long periodSeconds, DocumentBuilder document, List<Rating> ratings, String[] schemaRefs) throws SQLException {
        CurrencyRule rule = prices.books().currency(document.currency());
        BigDecimal minimum = commitment(parts, periodSeconds, rule);
        Optional<ChargeLine> trueUp = commitmentLine(parts, periodSeconds, document.currency(), ratings);
        if (trueUp.isEmpty()) {
            return;
        }
        long covered = parts.stream().mapToLong(Part::seconds).sum();
        boolean prorated = parts.size() > 1 || covered != periodSeconds;
        String term = "contract:" + contract.key() + "@" + contract.validFrom();
        Map<String, Object> definition = new java.util.LinkedHashMap<>();
        definition.put("contractId", contract.id());
        definition.put("contractKey", contract.key());
        definition.put("validFrom", contract.validFrom().toString());
        definition.put("minimumCommitment", minimum.toPlainString());
        if (prorated) {
            List<Map<String, Object>> byPart = new ArrayList<>();
            for (Part part : parts) {
                Map<String, Object> row = new java.util.LinkedHashMap<>();
                row.put("contractId", part.version().id());
                row.put("validFrom", part.version().validFrom().toString());
                row.put("from", part.start().toString());
                row.put("to", part.end().toString());
                row.put("minimumCommitment", part.version().minimumCommitment() == null ? null
                        : part.version().minimumCommitment().toPlainString());
                byPart.add(row);
            }
            definition.put("prorated", byPart);
            definition.put("periodSeconds", periodSeconds);
        }
        definition.put("currency", rule.currency());
        definition.put("spend", ratings.stream().map(Rating::spend).reduce(BigDecimal.ZERO, BigDecimal::add)
                .toPlainString());
        Map<String, String> byVersion = new java.util.LinkedHashMap<>();
        ratings.forEach(r -> byVersion.put(r.priceVersion(), r.spend().toPlainString()));
        definition.put("spendByPriceVersion", byVersion);
        int lineNo = document.lineCount() + 1;
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO rated_charge (close_id, line_no, metric, line_type, description, quantity, amount, currency,
                  amount_minor, price_version, price_definition, schema_refs, usage_quantity)
                VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?::jsonb, ?, NULL)""")) {
            insert.setLong(1, closeId);
            insert.setInt(2, lineNo);
            insert.setString(3, MasterData.COMMITMENT_METRIC);
            insert.setString(4, trueUp.get().type().name());
            insert.setString(5, trueUp.get().description());
            insert.setBigDecimal(6, trueUp.get().amount());
            insert.setString(7, rule.currency());
            insert.setLong(8, rule.minorUnits(trueUp.get().amount()));
            insert.setString(9, term);
            insert.setString(10, json(definition));
            insert.setArray(11, connection.createArrayOf("text", schemaRefs));
            insert.executeUpdate();
        }
        document.charge(lineNo, MasterData.COMMITMENT_METRIC, term, rule.currency(), trueUp.get(), rule);
    }

    /**
     * The prepaid credit line (metric {@link MasterData#PREPAID_CREDIT_METRIC}, negative): the ledger's draws for the
     * period's amount after every other line, then the expiries, then the listeners (the ERP's credit relief).
     */
    private void prepaidCredit(Connection connection, long closeId, Contract contract, BillingPeriod period,
            DocumentBuilder document, MasterData data, String[] schemaRefs) throws SQLException {
        List<CreditLedger.Draw> draws = creditLedger.drawAtClose(connection, contract.key(), period, closeId,
                document.currency(), document.total());
        BigDecimal drawn = draws.stream().map(CreditLedger.Draw::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        if (drawn.signum() > 0) {
            CurrencyRule rule = prices.books().currency(document.currency());
            ChargeLine line = new ChargeLine(RatingEngine.LineType.PREPAID_CREDIT, "prepaid credit applied ("
                    + draws.size() + (draws.size() == 1 ? " grant)" : " grants)"), null, drawn.negate());
            Map<String, Object> definition = new java.util.LinkedHashMap<>();
            definition.put("contractKey", contract.key());
            definition.put("currency", document.currency());
            definition.put("periodAmount", document.total().toPlainString());
            definition.put("draws", draws.stream().map(d -> Map.of("grantId", d.grantId(), "amount",
                    d.amount().toPlainString())).toList());
            int lineNo = document.lineCount() + 1;
            String ref = "credits:" + contract.key();
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO rated_charge (close_id, line_no, metric, line_type, description, quantity, amount,
                      currency, amount_minor, price_version, price_definition, schema_refs, usage_quantity)
                    VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?::jsonb, ?, NULL)""")) {
                insert.setLong(1, closeId);
                insert.setInt(2, lineNo);
                insert.setString(3, MasterData.PREPAID_CREDIT_METRIC);
                insert.setString(4, line.type().name());
                insert.setString(5, line.description());
                insert.setBigDecimal(6, line.amount());
                insert.setString(7, document.currency());
                insert.setLong(8, rule.minorUnits(line.amount()));
                insert.setString(9, ref);
                insert.setString(10, json(definition));
                insert.setArray(11, connection.createArrayOf("text", schemaRefs));
                insert.executeUpdate();
            }
            document.charge(lineNo, MasterData.PREPAID_CREDIT_METRIC, ref, document.currency(), line, rule);
        }
        List<CreditLedger.Expiry> expiries = creditLedger.expireAtClose(connection, contract.key(), period, closeId);
        if (!draws.isEmpty() || !expiries.isEmpty()) {
            CreditLedgerListener.CreditMovements movements = new CreditLedgerListener.CreditMovements(closeId,
                    contract, period, document.currency(), draws, expiries, data);
            for (CreditLedgerListener listener : creditListeners) {
                listener.moved(connection, movements);
            }
        }
    }

    private void insertCharge(Connection connection, long closeId, int lineNo, String metric, ChargeLine line,
            CurrencyRule rule, PriceVersion price, String[] schemaRefs, BigDecimal usage, Segment segment)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO rated_charge (close_id, line_no, metric, line_type, description, quantity, amount, currency,
                  amount_minor, price_version, price_definition, schema_refs, usage_quantity, part_start, part_end)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?)""")) {
            insert.setLong(1, closeId);
            insert.setInt(2, lineNo);
            insert.setString(3, metric);
            insert.setString(4, line.type().name());
            insert.setString(5, line.description());
            insert.setBigDecimal(6, line.quantity());
            insert.setBigDecimal(7, line.amount());
            insert.setString(8, price.currency());
            insert.setLong(9, rule.minorUnits(line.amount()));
            insert.setString(10, price.id());
            insert.setString(11, json(price));
            insert.setArray(12, connection.createArrayOf("text", schemaRefs));
            insert.setBigDecimal(13, usage);
            insert.setTimestamp(14, Timestamp.from(segment.start()));
            insert.setTimestamp(15, Timestamp.from(segment.end()));
            insert.executeUpdate();
        }
    }

    /**
     * Writes a summary with its whole platform value (Stripe meter events take whole numbers): the billing period's
     * cumulative quantity, this summary included, rounded half up, minus the values already sent in the period. So
     * 0.4 GB on each of three days is sent as 0, 1, 0: 1 in all, round(1.2), where rounding each day up sent 3.
     * Rows from before platform values were stored count as their quantity rounded up, as they were sent. A negative
     * summary (a reported day whose usage went down: retracted or corrected events) gets a negative value the same
     * way: 300 sent, the day now 200, the value is round(300 - 100) - 300 = -100.
     */
    static Summary insertSummary(Connection connection, String contractKey, Long closeId, Long reportId, Summary summary,
            String[] schemaRefs, BillingPeriod period) throws SQLException {
        BigDecimal value;
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT coalesce(sum(quantity), 0), coalesce(sum(coalesce(platform_value, ceil(quantity))), 0)
                FROM usage_summary WHERE contract_key = ? AND metric = ? AND window_start >= ? AND window_start < ?""")) {
            select.setString(1, contractKey);
            select.setString(2, summary.metric());
            select.setTimestamp(3, Timestamp.from(period.start()));
            select.setTimestamp(4, Timestamp.from(period.end()));
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                value = rows.getBigDecimal(1).add(summary.quantity()).setScale(0, java.math.RoundingMode.HALF_UP)
                        .subtract(rows.getBigDecimal(2));
                // Usage that grew sends no negative value; a day that went down (a retraction: a negative summary,
                // Stripe only) sends the negative difference, down to what was sent.
                value = summary.quantity().signum() < 0 ? value.min(BigDecimal.ZERO) : value.max(BigDecimal.ZERO);
            }
        }
        Summary valued = summary.withPlatformValue(value);
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO usage_summary (contract_key, close_id, report_id, metric, window_start, window_end, quantity,
                  platform_ref, identifier, schema_refs, platform_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            insert.setString(1, contractKey);
            insert.setObject(2, closeId);
            insert.setObject(3, reportId);
            insert.setString(4, summary.metric());
            insert.setTimestamp(5, Timestamp.from(summary.windowStart()));
            insert.setTimestamp(6, Timestamp.from(summary.windowEnd()));
            insert.setBigDecimal(7, summary.quantity());
            insert.setString(8, summary.platformRef());
            insert.setString(9, summary.identifier());
            insert.setArray(10, connection.createArrayOf("text", schemaRefs));
            insert.setBigDecimal(11, value);
            insert.executeUpdate();
        }
        return valued;
    }

    static void insertDelivery(Connection connection, Long closeId, Long reportId, BillingDelivery delivery)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO billing_delivery (id, close_id, report_id, contract_key, target, kind, payload)
                VALUES (?, ?, ?, ?, ?, ?, ?::jsonb)""")) {
            insert.setString(1, delivery.id());
            insert.setObject(2, closeId);
            insert.setObject(3, reportId);
            insert.setString(4, delivery.contractKey());
            insert.setString(5, delivery.target());
            insert.setString(6, delivery.kind().name());
            insert.setString(7, delivery.payload().toString());
            insert.executeUpdate();
        }
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void bindWindow(Connection connection, PreparedStatement select, long[] contractIds, String metric,
            Instant from, Instant to) throws SQLException {
        Long[] ids = java.util.Arrays.stream(contractIds).boxed().toArray(Long[]::new);
        Array array = connection.createArrayOf("bigint", ids);
        select.setArray(1, array);
        select.setString(2, metric);
        select.setTimestamp(3, Timestamp.from(from));
        select.setTimestamp(4, Timestamp.from(to));
    }

    /** Every version of every contract, by key, oldest first. */
    static Map<String, List<Contract>> versionsByKey(MasterData data) {
        Map<String, List<Contract>> byKey = new TreeMap<>();
        Set<Long> seen = new HashSet<>();
        data.contractsByBillingAccount().values().forEach(list -> list.forEach(c -> {
            if (seen.add(c.id())) {
                byKey.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c);
            }
        }));
        byKey.values().forEach(list -> list.sort(Comparator.comparing(Contract::validFrom)));
        return byKey;
    }

    /** The version in force at {@code at}; before the first version, the first one (a contract starting mid-period). */
    static Contract versionCovering(List<Contract> versions, Instant at) {
        Contract chosen = versions.get(0);
        for (Contract version : versions) {
            if (!version.validFrom().isAfter(at)) {
                chosen = version;
            }
        }
        return chosen;
    }
}
