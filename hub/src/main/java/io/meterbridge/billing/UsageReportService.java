package io.meterbridge.billing;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.meterbridge.billing.PeriodCloseService.Bucket;
import io.meterbridge.billing.PeriodCloseService.Summary;
import io.meterbridge.masterdata.BillingPeriod;
import io.meterbridge.masterdata.MasterData;
import io.meterbridge.masterdata.MasterData.Aggregation;
import io.meterbridge.masterdata.MasterData.BillingMode;
import io.meterbridge.masterdata.MasterData.Contract;
import io.meterbridge.masterdata.MasterData.ContractMetric;
import io.meterbridge.masterdata.MasterDataStore;
import io.meterbridge.metering.UsageQuery;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.jboss.logging.Logger;

/**
 * Platform rates: as each day of a contract's time zone ends (plus hub.billing.usage-report-delay for stragglers),
 * its usage of the metrics that add up is sent to the platform as one quantity per metric and day, never raw events.
 * Platforms want usage while the period is open (Stripe takes meter events up to 35 days old). Each day is reported
 * once (usage_report's key); usage that arrives later is sent as a correction at period close.
 */
@Named("usageReport")
@ApplicationScoped
public class UsageReportService {

    private static final Logger LOG = Logger.getLogger(UsageReportService.class);

    private final DataSource dataSource;
    private final MasterDataStore masterData;
    private final BillingConfig config;
    private final ObjectMapper mapper;
    private final Counter reported;

    public UsageReportService(DataSource dataSource, MasterDataStore masterData, BillingConfig config,
            ObjectMapper mapper, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.masterData = masterData;
        this.config = config;
        this.mapper = mapper;
        this.reported = registry.counter("meterbridge_usage_days_reported_total");
    }

    /** Reports every ended, unreported day of the last hub.billing.usage-report-lookback of platform-rated contracts. */
    public int reportDueDays() throws SQLException {
        Instant now = Instant.now();
        int days = 0;
        MasterData data = masterData.current();
        for (Map.Entry<String, List<Contract>> entry : PeriodCloseService.versionsByKey(data).entrySet()) {
            List<Contract> versions = entry.getValue();
            Contract latest = versions.get(versions.size() - 1);
            if (latest.billingMode() != BillingMode.PLATFORM_RATES) {
                continue;
            }
            Instant earliest = versions.get(0).validFrom();
            Instant lookback = now.minus(config.usageReportLookback());
            ZonedDateTime day = (earliest.isAfter(lookback) ? earliest : lookback).atZone(latest.timeZone())
                    .truncatedTo(ChronoUnit.DAYS);
            Set<Instant> done = reportedDays(entry.getKey(), day.toInstant());
            Duration delay = PlatformTiming.reportDelay(latest, config.usageReportDelay());
            for (; !day.plusDays(1).toInstant().plus(delay).isAfter(now); day = day.plusDays(1)) {
                if (!done.contains(day.toInstant()) && report(entry.getKey(), versions, day.toInstant())) {
                    days++;
                }
            }
        }
        return days;
    }

    private Set<Instant> reportedDays(String contractKey, Instant from) throws SQLException {
        Set<Instant> days = new HashSet<>();
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
                "SELECT day_start FROM usage_report WHERE contract_key = ? AND day_start >= ?")) {
            select.setString(1, contractKey);
            select.setTimestamp(2, Timestamp.from(from));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    days.add(rows.getTimestamp(1).toInstant());
                }
            }
        }
        return days;
    }

    /** Reports one day; false when it was reported already or its period is closed (close sent it). */
    boolean report(String contractKey, List<Contract> versions, Instant dayStart) throws SQLException {
        Contract contract = PeriodCloseService.versionCovering(versions, dayStart);
        Instant dayEnd = dayStart.atZone(contract.timeZone()).plusDays(1).toInstant();
        BillingPeriod day = new BillingPeriod(dayStart, dayEnd);
        long[] contractIds = versions.stream().mapToLong(Contract::id).toArray();
        MasterData data = masterData.current();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                PeriodCloseService.lockContract(connection, contractKey);
                Optional<Long> reportId = claim(connection, contractKey, day);
                if (reportId.isEmpty() || periodClosed(connection, contractKey,
                        new io.meterbridge.masterdata.ContractSchedule(versions).periodAt(dayStart))) {
                    connection.commit();
                    return false;
                }
                DocumentBuilder document = new DocumentBuilder(contract, day, null, reportId.get());
                for (ContractMetric metric : contract.metrics().values()) {
                    Aggregation aggregation = data.metrics().get(metric.metric()).aggregation();
                    if (!PeriodCloseService.additive(aggregation)) {
                        continue;
                    }
                    List<Bucket> buckets = PeriodCloseService.buckets(connection, contractIds, metric.metric(), day);
                    BigDecimal quantity = buckets.stream().map(Bucket::quantity).reduce(BigDecimal.ZERO, BigDecimal::add);
                    if (quantity.signum() == 0) {
                        continue;
                    }
                    Summary summary = new Summary(metric.metric(), metric.platformPriceRef(), dayStart, dayEnd,
                            UsageQuery.plain(quantity), PeriodCloseService.summaryPrefix(contract, metric)
                                    + PeriodCloseService.DAY.format(dayStart.atZone(contract.timeZone())), dayStart);
                    document.usage(PeriodCloseService.insertSummary(connection, contractKey, null, reportId.get(),
                            summary, PeriodCloseService.schemaRefs(connection, contractIds, metric.metric(), day),
                            contract.periodOf(dayStart)));
                }
                for (BillingDelivery delivery : document.deliveries(mapper)) {
                    PeriodCloseService.insertDelivery(connection, null, reportId.get(), delivery);
                }
                connection.commit();
                reported.increment();
                LOG.debugf("Reported usage of %s for the day from %s", contractKey, dayStart);
                return true;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private static Optional<Long> claim(Connection connection, String contractKey, BillingPeriod day) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO usage_report (contract_key, day_start, day_end) VALUES (?, ?, ?)
                ON CONFLICT DO NOTHING RETURNING id""")) {
            insert.setString(1, contractKey);
            insert.setTimestamp(2, Timestamp.from(day.start()));
            insert.setTimestamp(3, Timestamp.from(day.end()));
            try (ResultSet rows = insert.executeQuery()) {
                return rows.next() ? Optional.of(rows.getLong(1)) : Optional.empty();
            }
        }
    }

    private static boolean periodClosed(Connection connection, String contractKey, BillingPeriod period)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT 1 FROM period_close WHERE contract_key = ? AND period_start = ?")) {
            select.setString(1, contractKey);
            select.setTimestamp(2, Timestamp.from(period.start()));
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }
}
