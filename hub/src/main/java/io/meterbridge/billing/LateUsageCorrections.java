package io.meterbridge.billing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.meterbridge.platform.AuditTrail;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.jboss.logging.Logger;

/**
 * The late-usage sweep (route late-usage-corrections): finds closed periods whose metered event count grew past what
 * their close and earlier corrections covered (late_usage_watermark), re-rates them with the billed price versions
 * ({@link PeriodRerating}) and writes the difference as a correction (source LATE_USAGE, id
 * {@code late-<contract>-<yyyyMM>-<n>}) under the contract's lateUsagePolicy. Each close is handled in its own
 * transaction under the contract's billing lock, so a sweep and a close never interleave, and a sweep that runs twice
 * finds the watermark moved and creates nothing twice.
 */
@Named("lateUsageCorrections")
@ApplicationScoped
public class LateUsageCorrections {

    private static final Logger LOG = Logger.getLogger(LateUsageCorrections.class);
    static final AuditTrail.Actor SWEEP = new AuditTrail.Actor("late-usage-sweep", java.util.Set.of("system"));

    /** One correction the sweep wrote. */
    public record Made(String id, String contractKey, String policy, String status, String amount, String currency) {
    }

    private final DataSource dataSource;
    private final PeriodRerating rerating;
    private final Corrections corrections;
    private final Counter platformLate;
    private final com.fasterxml.jackson.databind.ObjectMapper mapper;

    public LateUsageCorrections(DataSource dataSource, PeriodRerating rerating, Corrections corrections,
            MeterRegistry registry, com.fasterxml.jackson.databind.ObjectMapper mapper) {
        this.mapper = mapper;
        this.dataSource = dataSource;
        this.rerating = rerating;
        this.corrections = corrections;
        this.platformLate = registry.counter("meterbridge_late_usage_platform_events_total");
    }

    /** Every close with uncovered late usage, oldest period first. */
    public List<Made> sweep() throws SQLException {
        return sweep(null);
    }

    /** The same for one contract (tests and on-demand runs). */
    public List<Made> sweep(String contractKey) throws SQLException {
        List<Made> made = new ArrayList<>();
        for (long closeId : candidates(contractKey)) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try {
                    correct(connection, closeId).ifPresent(made::add);
                    connection.commit();
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                }
            }
        }
        return made;
    }

    private List<Long> candidates(String contractKey) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
                COVERAGE + " WHERE now_events > covered AND (?::text IS NULL OR contract_key = ?) ORDER BY period_start, id")) {
            select.setString(1, contractKey);
            select.setString(2, contractKey);
            List<Long> ids = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getLong(1));
                }
            }
            return ids;
        }
    }

    /** Per close: the events it and its late-usage corrections covered, and the period's events now. */
    private static final String COVERAGE = """
            SELECT * FROM (SELECT p.id, p.contract_key, p.period_start, p.billing_mode,
                coalesce(w.events_covered, (SELECT coalesce(sum(s.event_count), 0) FROM charge_source s
                                            WHERE s.close_id = p.id)) AS covered,
                (SELECT coalesce(sum(h.event_count), 0) FROM usage_hourly h
                 WHERE h.contract_id IN (SELECT c.id FROM contract c WHERE c.contract_key = p.contract_key)
                   AND h.bucket_start >= p.period_start AND h.bucket_start < p.period_end) AS now_events,
                coalesce(w.corrections, 0) AS corrections
              FROM period_close p LEFT JOIN late_usage_watermark w ON w.close_id = p.id) coverage""";

    private java.util.Optional<Made> correct(Connection connection, long closeId) throws SQLException {
        String contractKey;
        String mode;
        long covered;
        long events;
        int n;
        try (PreparedStatement select = connection.prepareStatement(COVERAGE + " WHERE id = ?")) {
            select.setLong(1, closeId);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                contractKey = row.getString("contract_key");
                mode = row.getString("billing_mode");
            }
        }
        PeriodCloseService.lockContract(connection, contractKey);
        // Again under the lock: a sweep that ran meanwhile moved the watermark.
        try (PreparedStatement select = connection.prepareStatement(COVERAGE + " WHERE id = ?")) {
            select.setLong(1, closeId);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                covered = row.getLong("covered");
                events = row.getLong("now_events");
                n = row.getInt("corrections");
            }
        }
        if (events <= covered) {
            return java.util.Optional.empty();
        }
        if (!"HUB_RATES".equals(mode)) {
            // The platform prices it; past the close the hub has no invoice line to correct (see docs/architecture.md).
            platformLate.increment(events - covered);
            LOG.warnf("Late usage after the close of platform-rated contract %s (close %d): %d events not sent to"
                    + " the platform", contractKey, closeId, events - covered);
            watermark(connection, closeId, events, n, events - covered);
            return java.util.Optional.empty();
        }
        // The prices a re-rate put in place stay: late usage is rated as the period now stands.
        PeriodRerating.Result result = rerating.rerate(connection, closeId, reratedVersions(connection, closeId));
        if (!result.changes()) {
            // More events, same amounts (inside included units, say): covered, nothing to bill.
            watermark(connection, closeId, events, n, 0);
            return java.util.Optional.empty();
        }
        String id = "late-" + DeliveryIds.safe(contractKey) + "-" + result.month().replace("-", "") + "-" + (n + 1);
        Corrections.Written written = corrections.write(connection, id, "LATE_USAGE", result,
                result.contract().lateUsagePolicy(), SWEEP, events, null);
        watermark(connection, closeId, events, n + 1, 0);
        LOG.infof("Late usage of contract %s, period [%s, %s): correction %s of %s %s (%s, %s)", contractKey,
                result.period().start(), result.period().end(), id, result.difference().toPlainString(),
                result.currency(), written.policy(), written.status());
        return java.util.Optional.of(new Made(id, contractKey, written.policy().name(), written.status(),
                result.difference().toPlainString(), result.currency()));
    }

    private static void watermark(Connection connection, long closeId, long events, int corrections,
            long platformLateEvents) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO late_usage_watermark (close_id, events_covered, corrections, platform_late_events)
                VALUES (?, ?, ?, ?)
                ON CONFLICT (close_id) DO UPDATE SET events_covered = excluded.events_covered,
                  corrections = excluded.corrections,
                  platform_late_events = late_usage_watermark.platform_late_events + excluded.platform_late_events,
                  updated_at = now()""")) {
            upsert.setLong(1, closeId);
            upsert.setLong(2, events);
            upsert.setInt(3, corrections);
            upsert.setLong(4, platformLateEvents);
            upsert.executeUpdate();
        }
    }

    /** The replacements of the close's approved re-rates, oldest first (a later one wins). */
    private Map<String, String> reratedVersions(Connection connection, long closeId) throws SQLException {
        Map<String, String> replacements = new java.util.LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT r.replacements::text FROM rerate r WHERE r.status = 'APPROVED'
                  AND EXISTS (SELECT 1 FROM correction c WHERE c.rerate_id = r.id AND c.close_id = ?)
                ORDER BY r.requested_at""")) {
            select.setLong(1, closeId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    mapper.readTree(rows.getString(1)).fields()
                            .forEachRemaining(e -> replacements.put(e.getKey(), e.getValue().asText()));
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return replacements;
    }

    /**
     * A re-rate approved under the contract's lock rated all of the period's usage as it is now: the sweep's
     * watermark moves past it, so that usage is not corrected twice.
     */
    static void coverAll(Connection connection, long closeId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(COVERAGE + " WHERE id = ?")) {
            select.setLong(1, closeId);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                watermark(connection, closeId, row.getLong("now_events"), row.getInt("corrections"), 0);
            }
        }
    }
}
