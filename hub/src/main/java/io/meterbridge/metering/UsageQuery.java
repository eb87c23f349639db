package io.meterbridge.metering;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import javax.sql.DataSource;

import io.meterbridge.masterdata.BillingPeriod;
import io.meterbridge.masterdata.ContractSchedule;
import io.meterbridge.masterdata.ContractSchedules;
import io.meterbridge.masterdata.MasterData;
import io.meterbridge.masterdata.MasterDataStore;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Usage per window, rolled up from the hourly buckets in each contract's time zone: HOUR, DAY, MONTH (calendar) or
 * PERIOD (the contract's billing period). Quantities follow the metric's aggregation over all the tenants of the
 * window's contract ({@link TenantFold}); UNIQUE_COUNT counts distinct values across the whole window and all its
 * tenants, not a sum of hourly counts.
 */
@ApplicationScoped
public class UsageQuery {

    public enum Window {
        HOUR, DAY, MONTH, PERIOD
    }

    public record UsageWindow(Instant start, Instant end, BigDecimal quantity, String unit, long events,
            long lateEvents, String contract, String billingAccount, String aggregation) {
    }

    private final DataSource dataSource;
    private final MasterDataStore masterData;
    private final ContractSchedules schedules = new ContractSchedules();

    public UsageQuery(DataSource dataSource, MasterDataStore masterData) {
        this.dataSource = dataSource;
        this.masterData = masterData;
    }

    private record Row(String contractKey, String billingAccount, ZoneId zone, int anchorDay, Instant bucket,
            String aggregation, String unit, BigDecimal quantity, long events, long late, Instant latestTime,
            String subject) {
    }

    private static final class Accumulator {
        final Row first;
        final Instant start;
        final Instant end;
        final TenantFold fold;
        BigDecimal quantity;
        long events;
        long late;
        final Set<String> uniques = new HashSet<>();

        Accumulator(Row row, Instant start, Instant end) {
            this.first = row;
            this.start = start;
            this.end = end;
            this.fold = TenantFold.of(row.aggregation());
        }
    }

    /**
     * @param subject  a tenant, or null
     * @param customer a billing account id, or null (one of subject and customer is required)
     */
    public List<UsageWindow> usage(String subject, String customer, String metric, Instant from, Instant to, Window window)
            throws SQLException {
        Map<String, Accumulator> windows = new TreeMap<>();
        MasterData data = masterData.current();
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT c.contract_key, c.billing_system || ':' || c.billing_account_id, c.time_zone, c.anchor_day,
                           h.bucket_start, h.aggregation, h.unit, h.quantity, h.event_count, h.late_event_count,
                           h.latest_time, h.subject
                    FROM usage_hourly h JOIN contract c ON c.id = h.contract_id
                    WHERE h.metric = ? AND h.bucket_start >= ? AND h.bucket_start < ?
                      AND (?::text IS NULL OR h.subject = ?) AND (?::text IS NULL OR c.billing_account_id = ?)
                    ORDER BY h.bucket_start""")) {
                bind(select, metric, from, to, subject, customer);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        Row row = new Row(rows.getString(1), rows.getString(2), ZoneId.of(rows.getString(3)),
                                rows.getInt(4), rows.getTimestamp(5).toInstant(), rows.getString(6), rows.getString(7),
                                rows.getBigDecimal(8), rows.getLong(9), rows.getLong(10), rows.getTimestamp(11).toInstant(),
                                rows.getString(12));
                        Instant[] bounds = bounds(row, window, data);
                        String key = bounds[0] + "|" + row.contractKey();
                        Accumulator acc = windows.get(key);
                        if (acc == null) {
                            windows.put(key, acc = new Accumulator(row, bounds[0], bounds[1]));
                        }
                        acc.fold.add(row.subject(), row.bucket(), row.quantity(), row.latestTime());
                        acc.events += row.events();
                        acc.late += row.late();
                    }
                }
            }
            if (windows.values().stream().anyMatch(a -> a.first.aggregation().equals("UNIQUE_COUNT"))) {
                countDistinct(connection, windows, subject, customer, metric, from, to, window, data);
            }
        }
        List<UsageWindow> result = new ArrayList<>();
        for (Accumulator acc : windows.values()) {
            if (acc.quantity == null) {
                acc.quantity = acc.fold.quantity();
            }
            result.add(new UsageWindow(acc.start, acc.end, plain(acc.quantity), acc.first.unit(),
                    acc.events, acc.late, acc.first.contractKey(), acc.first.billingAccount(), acc.first.aggregation()));
        }
        return result;
    }

    /** Exact and readable: 14 not 1.4E+1, 4.25 not 4.250000000. */
    public static BigDecimal plain(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    private void countDistinct(Connection connection, Map<String, Accumulator> windows, String subject,
            String customer, String metric, Instant from, Instant to, Window window, MasterData data)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT c.contract_key, c.time_zone, c.anchor_day, u.bucket_start, u.value
                FROM usage_unique_value u JOIN contract c ON c.id = u.contract_id
                WHERE u.metric = ? AND u.bucket_start >= ? AND u.bucket_start < ?
                  AND (?::text IS NULL OR u.subject = ?) AND (?::text IS NULL OR c.billing_account_id = ?)""")) {
            bind(select, metric, from, to, subject, customer);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Row probe = new Row(rows.getString(1), null, ZoneId.of(rows.getString(2)), rows.getInt(3),
                            rows.getTimestamp(4).toInstant(), null, null, null, 0, 0, null, null);
                    Accumulator acc = windows.get(bounds(probe, window, data)[0] + "|" + probe.contractKey());
                    if (acc != null) {
                        acc.uniques.add(rows.getString(5));
                    }
                }
            }
        }
        for (Accumulator acc : windows.values()) {
            if (acc.first.aggregation().equals("UNIQUE_COUNT")) {
                acc.quantity = BigDecimal.valueOf(acc.uniques.size());
            }
        }
    }

    private Instant[] bounds(Row row, Window window, MasterData data) {
        ZonedDateTime local = row.bucket().atZone(row.zone());
        return switch (window) {
            case HOUR -> new Instant[] {row.bucket(), local.plusHours(1).toInstant()};
            case DAY -> {
                ZonedDateTime start = local.truncatedTo(ChronoUnit.DAYS);
                yield new Instant[] {start.toInstant(), start.plusDays(1).toInstant()};
            }
            case MONTH -> {
                ZonedDateTime start = local.with(TemporalAdjusters.firstDayOfMonth()).truncatedTo(ChronoUnit.DAYS);
                yield new Instant[] {start.toInstant(), start.plusMonths(1).toInstant()};
            }
            case PERIOD -> {
                // The close's chain of periods (after an anchor-day change, the short period), not the row's anchor day.
                ContractSchedule schedule = schedules.of(data, row.contractKey());
                BillingPeriod period = schedule == null ? BillingPeriod.monthly(row.bucket(), row.zone(), row.anchorDay())
                        : schedule.periodAt(row.bucket());
                yield new Instant[] {period.start(), period.end()};
            }
        };
    }

    private static void bind(PreparedStatement select, String metric, Instant from, Instant to, String subject,
            String customer) throws SQLException {
        select.setString(1, metric);
        select.setTimestamp(2, Timestamp.from(from));
        select.setTimestamp(3, Timestamp.from(to));
        select.setString(4, subject);
        select.setString(5, subject);
        select.setString(6, customer);
        select.setString(7, customer);
    }
}
