package io.meterbridge.masterdata;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterbridge.masterdata.MasterDataVersions.ContractMetricVersion;
import io.meterbridge.masterdata.MasterDataVersions.ContractVersion;
import io.meterbridge.masterdata.MasterDataVersions.CustomerVersion;
import io.meterbridge.masterdata.MasterDataVersions.MetricSourceVersion;
import io.meterbridge.masterdata.MasterDataVersions.MetricVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

/**
 * Writes master data: effective-dated versions of crosswalk rows and contracts, and catalog metrics. A new version
 * closes the version it supersedes at its validFrom; re-writing an identical version changes nothing. Every change is
 * audited with who, when, before and after, in the same transaction.
 */
@ApplicationScoped
public class MasterDataService {

    private static final List<String> AGGREGATIONS = List.of("SUM", "COUNT", "MAX", "UNIQUE_COUNT", "LATEST");

    /** Advisory lock key of master-data writers ("MBMD"). */
    private static final long WRITE_LOCK = 0x4D424D44L;

    private final DataSource dataSource;
    private final MasterDataStore store;
    private final ObjectMapper mapper;
    private final Event<MasterDataChanged> changed;

    public MasterDataService(DataSource dataSource, MasterDataStore store, ObjectMapper mapper,
            Event<MasterDataChanged> changed) {
        this.dataSource = dataSource;
        this.store = store;
        this.mapper = mapper;
        this.changed = changed;
    }

    /** @return true when something changed */
    public boolean putCustomer(CustomerVersion version, String changedBy) {
        validateCustomer(version);
        return write("customer", version.tenant(), changedBy, connection -> {
            Map<String, Object> existing = row(connection, "SELECT to_jsonb(c) FROM customer_mapping c WHERE tenant = ? AND valid_from = ?",
                    version.tenant(), ts(version.validFrom()));
            Instant validTo = validTo(version.validTo(),
                    nextStart(connection, "customer_mapping", "tenant", version.tenant(), version.validFrom()));
            Object[] values = {version.crmAccountId(), version.billingSystem(), version.billingAccountId(),
                    version.erpSystem(), version.erpCustomerId(), version.legalEntity(), version.currency(),
                    version.costCenter(), zone(version.timeZone()), ts(validTo)};
            if (existing != null) {
                execute(connection, """
                        UPDATE customer_mapping SET crm_account_id = ?, billing_system = ?, billing_account_id = ?,
                          erp_system = ?, erp_customer_id = ?, legal_entity = ?, currency = ?, cost_center = ?,
                          time_zone = ?, valid_to = ? WHERE id = ?""", append(values, id(existing)));
            } else {
                closeSuperseded(connection, "customer_mapping", "tenant", version.tenant(), version.validFrom(), changedBy);
                execute(connection, """
                        INSERT INTO customer_mapping (crm_account_id, billing_system, billing_account_id, erp_system,
                          erp_customer_id, legal_entity, currency, cost_center, time_zone, valid_to, tenant, valid_from)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                        append(append(values, version.tenant()), ts(version.validFrom())));
            }
            Map<String, Object> after = row(connection, "SELECT to_jsonb(c) FROM customer_mapping c WHERE tenant = ? AND valid_from = ?",
                    version.tenant(), ts(version.validFrom()));
            return new Change(existing, after);
        });
    }

    public boolean putContract(ContractVersion version, String changedBy) {
        validateContract(version);
        return write("contract", version.contractKey(), changedBy, connection -> {
            String select = """
                    SELECT to_jsonb(c) || jsonb_build_object('metrics', (SELECT jsonb_agg(jsonb_build_object(
                        'metric', m.metric, 'unit', m.unit, 'priceVersion', m.price_version_ref,
                        'committedQuantity', m.committed_quantity, 'platformPriceRef', m.platform_price_ref,
                        'includedQuantity', m.included_quantity) ORDER BY m.metric)
                      FROM contract_metric m WHERE m.contract_id = c.id))
                    FROM contract c WHERE contract_key = ? AND valid_from = ?""";
            Map<String, Object> existing = row(connection, select, version.contractKey(), ts(version.validFrom()));
            Instant validTo = validTo(version.validTo(),
                    nextStart(connection, "contract", "contract_key", version.contractKey(), version.validFrom()));
            if (existing == null) {
                // A new version takes effect at its validFrom: never inside or before a period already billed.
                closedPeriod(connection, version.contractKey(), version.validFrom(), null).ifPresent(closed -> {
                    throw new IllegalArgumentException("validFrom: a new version of contract " + version.contractKey()
                            + " from " + version.validFrom() + " would change the closed period " + closed
                            + " (billed as it was); date it from the end of the last closed period or later");
                });
            }
            Object[] values = {version.billingSystem(), version.billingAccountId(), "MONTHLY",
                    version.anchorDay() == null ? 1 : version.anchorDay(), zone(version.timeZone()),
                    grace(version.gracePeriod()), ts(validTo), billingMode(version.billingMode()),
                    version.billingSubscriptionId(),
                    version.prepaidCredits() == null ? java.math.BigDecimal.ZERO : version.prepaidCredits(),
                    version.minimumCommitment(), finalizationGrace(version.finalizationGrace()),
                    collectionMethod(version.collectionMethod()), version.daysUntilDue(),
                    !Boolean.FALSE.equals(version.autoAdvance()), lateUsagePolicy(version.lateUsagePolicy())};
            long id;
            if (existing != null) {
                id = id(existing);
                execute(connection, """
                        UPDATE contract SET billing_system = ?, billing_account_id = ?, billing_cycle = ?, anchor_day = ?,
                          time_zone = ?, grace_period = ?::interval, valid_to = ?, billing_mode = ?,
                          billing_subscription_id = ?, prepaid_credits = ?, minimum_commitment = ?,
                          finalization_grace = ?::interval, collection_method = ?, days_until_due = ?, auto_advance = ?,
                          late_usage_policy = ?
                        WHERE id = ?""", append(values, id));
                execute(connection, "DELETE FROM contract_metric WHERE contract_id = ?", id);
            } else {
                closeSuperseded(connection, "contract", "contract_key", version.contractKey(), version.validFrom(), changedBy);
                try (PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO contract (billing_system, billing_account_id, billing_cycle, anchor_day, time_zone,
                          grace_period, valid_to, billing_mode, billing_subscription_id, prepaid_credits,
                          minimum_commitment, finalization_grace, collection_method, days_until_due, auto_advance,
                          late_usage_policy, contract_key, valid_from)
                        VALUES (?, ?, ?, ?, ?, ?::interval, ?, ?, ?, ?, ?, ?::interval, ?, ?, ?, ?, ?, ?) RETURNING id""")) {
                    bind(insert, append(append(values, version.contractKey()), ts(version.validFrom())));
                    try (ResultSet rows = insert.executeQuery()) {
                        rows.next();
                        id = rows.getLong(1);
                    }
                }
            }
            for (ContractMetricVersion metric : version.metrics()) {
                if (row(connection, "SELECT to_jsonb(m) FROM metric m WHERE id = ?", metric.metric()) == null) {
                    throw new IllegalArgumentException("metrics[].metric: '" + metric.metric()
                            + "' is not in the metric catalog (add it first: PUT /api/v1/admin/metrics/{id})");
                }
                execute(connection, """
                        INSERT INTO contract_metric (contract_id, metric, unit, price_version_ref, committed_quantity,
                          platform_price_ref, included_quantity)
                        VALUES (?, ?, ?, ?, ?, ?, ?)""", id, metric.metric(), metric.unit(), metric.priceVersion(),
                        metric.committedQuantity(), metric.platformPriceRef(), metric.includedQuantity());
            }
            Map<String, Object> after = row(connection, select, version.contractKey(), ts(version.validFrom()));
            if (existing != null) {
                refuseCorrectionOfBilled(connection, version.contractKey(), version.validFrom(), existing, after);
            }
            return new Change(existing, after);
        });
    }

    /**
     * A correction of a version whose periods are closed would diverge from what was billed: refused, naming the
     * version and the closed period (a change is a new version from a later date; re-rating billed periods is the
     * late usage and re-rating issue's). Moving only its end is allowed where no closed period is cut.
     */
    private static void refuseCorrectionOfBilled(Connection connection, String contractKey, Instant validFrom,
            Map<String, Object> before, Map<String, Object> after) throws SQLException {
        Instant oldTo = before.get("valid_to") == null ? null : timestamp(before.get("valid_to"));
        Instant newTo = after.get("valid_to") == null ? null : timestamp(after.get("valid_to"));
        Map<String, Object> termsBefore = new java.util.TreeMap<>(before);
        Map<String, Object> termsAfter = new java.util.TreeMap<>(after);
        termsBefore.remove("valid_to");
        termsAfter.remove("valid_to");
        String version = "version " + contractKey + "@" + validFrom;
        if (!termsBefore.equals(termsAfter)) {
            closedPeriod(connection, contractKey, validFrom, oldTo).ifPresent(closed -> {
                throw new IllegalArgumentException(version + ": its terms were billed in the closed period " + closed
                        + " and cannot be corrected; add a new version from the end of the last closed period");
            });
        }
        if (newTo != null && (oldTo == null || newTo.isBefore(oldTo))) {
            closedPeriod(connection, contractKey, newTo, oldTo).ifPresent(closed -> {
                throw new IllegalArgumentException("validTo: " + version + " cannot end at " + newTo
                        + ", inside or before the closed period " + closed + " it billed");
            });
        }
    }

    /** The first closed period of the contract ending after {@code from} (and starting before {@code to}, if given). */
    private static java.util.Optional<String> closedPeriod(Connection connection, String contractKey, Instant from,
            Instant to) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT id, period_start, period_end FROM period_close
                WHERE contract_key = ? AND period_end > ? AND (?::timestamptz IS NULL OR period_start < ?::timestamptz)
                ORDER BY period_start LIMIT 1""")) {
            select.setString(1, contractKey);
            select.setTimestamp(2, ts(from));
            select.setTimestamp(3, ts(to));
            select.setTimestamp(4, ts(to));
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return java.util.Optional.empty();
                }
                return java.util.Optional.of("[" + rows.getTimestamp(2).toInstant() + ", "
                        + rows.getTimestamp(3).toInstant() + ") (close " + rows.getLong(1) + ")");
            }
        }
    }

    /** A timestamp of a to_jsonb row ("2026-03-01T00:00:00+00:00"). */
    private static Instant timestamp(Object value) {
        return java.time.OffsetDateTime.parse(String.valueOf(value)).toInstant();
    }

    public boolean putMetric(MetricVersion version, String changedBy) {
        validateMetric(version);
        return write("metric", version.id(), changedBy, connection -> {
            String select = """
                    SELECT to_jsonb(m) || jsonb_build_object('sources', (SELECT jsonb_agg(jsonb_build_object(
                        'eventType', s.event_type, 'field', s.field, 'factor', s.factor) ORDER BY s.event_type)
                      FROM metric_source s WHERE s.metric = m.id))
                    FROM metric m WHERE id = ?""";
            Map<String, Object> existing = row(connection, select, version.id());
            execute(connection, """
                    INSERT INTO metric (id, aggregation, unit, description) VALUES (?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET aggregation = EXCLUDED.aggregation, unit = EXCLUDED.unit,
                      description = EXCLUDED.description""", version.id(), version.aggregation().toUpperCase(Locale.ROOT),
                    version.unit(), version.description());
            execute(connection, "DELETE FROM metric_source WHERE metric = ?", version.id());
            for (MetricSourceVersion source : version.sources()) {
                execute(connection, "INSERT INTO metric_source (metric, event_type, field, factor) VALUES (?, ?, ?, ?)",
                        version.id(), source.eventType(), source.field(),
                        source.factor() == null ? java.math.BigDecimal.ONE : source.factor());
            }
            return new Change(existing, row(connection, select, version.id()));
        });
    }

    private record Change(Map<String, Object> before, Map<String, Object> after) {
    }

    private interface ChangeWork {
        Change apply(Connection connection) throws SQLException;
    }

    private boolean write(String entity, String key, String changedBy, ChangeWork work) {
        boolean changedSomething;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                // One writer at a time: audit ids are then committed in id order, and the snapshot version
                // (the highest audit id) can never skip a change that commits late.
                try (Statement lock = connection.createStatement()) {
                    lock.execute("SELECT pg_advisory_xact_lock(" + WRITE_LOCK + ")");
                }
                Change change = work.apply(connection);
                changedSomething = !java.util.Objects.equals(json(change.before()), json(change.after()));
                if (changedSomething) {
                    MasterDataStore.audit(connection, entity, key, changedBy, json(change.before()), json(change.after()));
                    connection.commit();
                } else {
                    connection.rollback();
                }
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write " + entity + " '" + key + "': " + e.getMessage(), e);
        }
        if (changedSomething) {
            store.refresh();
            changed.fireAsync(new MasterDataChanged(entity, key));
        }
        return changedSomething;
    }

    /** The version in force at validFrom ends there (it is audited as a change of its own). */
    private void closeSuperseded(Connection connection, String table, String keyColumn, String key, Instant validFrom,
            String changedBy) throws SQLException {
        String select = "SELECT to_jsonb(t) FROM " + table + " t WHERE " + keyColumn
                + " = ? AND valid_from < ? AND (valid_to IS NULL OR valid_to > ?)";
        Map<String, Object> covering = row(connection, select, key, ts(validFrom), ts(validFrom));
        if (covering != null) {
            execute(connection, "UPDATE " + table + " SET valid_to = ? WHERE id = ?", ts(validFrom), id(covering));
            Map<String, Object> after = row(connection, "SELECT to_jsonb(t) FROM " + table + " t WHERE id = ?", id(covering));
            MasterDataStore.audit(connection, table.equals("contract") ? "contract" : "customer", key, changedBy,
                    json(covering), json(after));
        }
    }

    /** A version ends where it says, or where the next one starts; it may not run into the next one. */
    private static Instant validTo(Instant requested, Instant nextStart) {
        if (requested == null) {
            return nextStart;
        }
        if (nextStart != null && requested.isAfter(nextStart)) {
            throw new IllegalArgumentException("validTo: " + requested + " overlaps the next version, valid from "
                    + nextStart + " (end this version at or before it)");
        }
        return requested;
    }

    private static Instant nextStart(Connection connection, String table, String keyColumn, String key, Instant validFrom)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT min(valid_from) FROM " + table + " WHERE "
                + keyColumn + " = ? AND valid_from > ?")) {
            select.setString(1, key);
            select.setTimestamp(2, ts(validFrom));
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                Timestamp next = rows.getTimestamp(1);
                return next == null ? null : next.toInstant();
            }
        }
    }

    /** Rows are read as text (for a stable audit JSON): the id back as a number. */
    private static long id(Map<String, Object> row) {
        return Long.parseLong(String.valueOf(row.get("id")));
    }

    /** The row of a "SELECT to_jsonb(...)" query as a map: ISO timestamps with offsets, numbers as numbers. */
    private Map<String, Object> row(Connection connection, String sql, Object... params) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            bind(select, params);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return null;
                }
                return mapper.readValue(rows.getString(1), new com.fasterxml.jackson.core.type.TypeReference<java.util.TreeMap<String, Object>>() {
                });
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static void execute(Connection connection, String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, params);
            statement.executeUpdate();
        }
    }

    private static void bind(PreparedStatement statement, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
    }

    private static Object[] append(Object[] values, Object value) {
        Object[] result = java.util.Arrays.copyOf(values, values.length + 1);
        result[values.length] = value;
        return result;
    }

    private static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private String json(Object value) {
        try {
            return value == null ? null : mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String zone(String zone) {
        String id = zone == null || zone.isBlank() ? "UTC" : zone;
        try {
            return ZoneId.of(id).getId();
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("timeZone: '" + id + "' is not a time zone id (e.g. Europe/Berlin)");
        }
    }

    private static String lateUsagePolicy(String policy) {
        if (policy == null || policy.isBlank()) {
            return MasterData.LateUsagePolicy.NEXT_CYCLE.name();
        }
        try {
            return MasterData.LateUsagePolicy.valueOf(policy.trim().toUpperCase(java.util.Locale.ROOT)).name();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("lateUsagePolicy: '" + policy
                    + "' is not one of NEXT_CYCLE, ADJUST, REBILL, HOLD");
        }
    }

    private static String billingMode(String mode) {
        if (mode == null || mode.isBlank()) {
            return "HUB_RATES";
        }
        String upper = mode.toUpperCase(Locale.ROOT);
        if (!upper.equals("HUB_RATES") && !upper.equals("PLATFORM_RATES")) {
            throw new IllegalArgumentException("billingMode: '" + mode + "' is not one of HUB_RATES, PLATFORM_RATES");
        }
        return upper;
    }

    private static String grace(String grace) {
        if (grace == null || grace.isBlank()) {
            return "0 seconds";
        }
        try {
            return Duration.parse(grace).toSeconds() + " seconds";
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("gracePeriod: '" + grace + "' is not an ISO-8601 duration (e.g. P3D)");
        }
    }

    /** Stripe finalizes a period's invoice 1 h after the period by default and lets the grace be set up to 72 h. */
    private static String finalizationGrace(String grace) {
        if (grace == null || grace.isBlank()) {
            return "3600 seconds";
        }
        Duration duration;
        try {
            duration = Duration.parse(grace);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("finalizationGrace: '" + grace + "' is not an ISO-8601 duration (e.g. PT1H)");
        }
        if (duration.compareTo(Duration.ofHours(1)) < 0 || duration.compareTo(Duration.ofHours(72)) > 0) {
            throw new IllegalArgumentException("finalizationGrace: '" + grace + "' must be between PT1H and PT72H "
                    + "(the range of Stripe's invoice finalization grace)");
        }
        return duration.toSeconds() + " seconds";
    }

    private static String collectionMethod(String method) {
        if (method == null || method.isBlank()) {
            return "charge_automatically";
        }
        if (!method.equals("charge_automatically") && !method.equals("send_invoice")) {
            throw new IllegalArgumentException("collectionMethod: '" + method
                    + "' is not one of charge_automatically, send_invoice");
        }
        return method;
    }

    private static void require(Object value, String field) {
        if (value == null || value instanceof String s && s.isBlank()) {
            throw new IllegalArgumentException(field + ": required");
        }
    }

    private static void validateCustomer(CustomerVersion v) {
        require(v.tenant(), "tenant");
        require(v.billingSystem(), "billingSystem");
        require(v.billingAccountId(), "billingAccountId");
        require(v.validFrom(), "validFrom");
        require(v.currency(), "currency");
        if (!v.currency().matches("[A-Z]{3}")) {
            throw new IllegalArgumentException("currency: '" + v.currency() + "' is not an ISO 4217 code (e.g. USD)");
        }
        zone(v.timeZone());
        if (v.validTo() != null && !v.validTo().isAfter(v.validFrom())) {
            throw new IllegalArgumentException("validTo: must be after validFrom");
        }
    }

    private static void validateContract(ContractVersion v) {
        require(v.contractKey(), "contractKey");
        require(v.billingSystem(), "billingSystem");
        require(v.billingAccountId(), "billingAccountId");
        require(v.validFrom(), "validFrom");
        if (v.billingCycle() != null && !v.billingCycle().equalsIgnoreCase("MONTHLY")) {
            throw new IllegalArgumentException("billingCycle: only MONTHLY (with an anchorDay) is supported");
        }
        if (v.anchorDay() != null && (v.anchorDay() < 1 || v.anchorDay() > 31)) {
            throw new IllegalArgumentException("anchorDay: must be 1..31");
        }
        zone(v.timeZone());
        grace(v.gracePeriod());
        String mode = billingMode(v.billingMode());
        lateUsagePolicy(v.lateUsagePolicy());
        if (v.prepaidCredits() != null && v.prepaidCredits().signum() < 0) {
            throw new IllegalArgumentException("prepaidCredits: must not be negative");
        }
        if (v.minimumCommitment() != null && v.minimumCommitment().signum() < 0) {
            throw new IllegalArgumentException("minimumCommitment: must not be negative");
        }
        if (v.minimumCommitment() != null && mode.equals("PLATFORM_RATES")) {
            // The platform prices a PLATFORM_RATES contract: a hub-side minimum would never reach an invoice.
            throw new IllegalArgumentException("minimumCommitment: a PLATFORM_RATES contract is priced by its platform; "
                    + "set the minimum there");
        }
        if (mode.equals("PLATFORM_RATES") && v.billingSystem().equalsIgnoreCase("chargebee")
                && (v.billingSubscriptionId() == null || v.billingSubscriptionId().isBlank())) {
            throw new IllegalArgumentException("billingSubscriptionId: Chargebee usages are reported against a "
                    + "subscription, so a PLATFORM_RATES contract billed in chargebee needs one");
        }
        if (v.metrics() == null || v.metrics().isEmpty()) {
            throw new IllegalArgumentException("metrics: a contract needs at least one metric");
        }
        finalizationGrace(v.finalizationGrace());
        boolean sendInvoice = collectionMethod(v.collectionMethod()).equals("send_invoice");
        if (sendInvoice && v.daysUntilDue() == null) {
            throw new IllegalArgumentException("daysUntilDue: required with collectionMethod send_invoice (the days "
                    + "the customer has to pay the invoice the platform sends)");
        }
        if (!sendInvoice && v.daysUntilDue() != null) {
            throw new IllegalArgumentException("daysUntilDue: only with collectionMethod send_invoice (a charged "
                    + "invoice has no due date)");
        }
        if (v.daysUntilDue() != null && (v.daysUntilDue() < 1 || v.daysUntilDue() > 365)) {
            throw new IllegalArgumentException("daysUntilDue: must be 1..365");
        }
        List<String> seen = new ArrayList<>();
        for (ContractMetricVersion m : v.metrics()) {
            require(m.metric(), "metrics[].metric");
            require(m.unit(), "metrics[].unit");
            require(m.priceVersion(), "metrics[].priceVersion");
            if (m.includedQuantity() != null && m.includedQuantity().signum() < 0) {
                throw new IllegalArgumentException("metrics[].includedQuantity: must not be negative (" + m.metric() + ")");
            }
            if (m.committedQuantity() != null && m.committedQuantity().signum() < 0) {
                throw new IllegalArgumentException("metrics[].committedQuantity: must not be negative (" + m.metric() + ")");
            }
            if (m.includedQuantity() != null && mode.equals("PLATFORM_RATES")) {
                throw new IllegalArgumentException("metrics[].includedQuantity: a PLATFORM_RATES contract is priced by "
                        + "its platform; include the units there (" + m.metric() + ")");
            }
            if (mode.equals("PLATFORM_RATES")) {
                require(m.platformPriceRef(), "metrics[].platformPriceRef (PLATFORM_RATES: the platform's meter or "
                        + "item price for " + m.metric() + ")");
            }
            if (seen.contains(m.metric())) {
                throw new IllegalArgumentException("metrics: '" + m.metric() + "' is listed twice");
            }
            seen.add(m.metric());
        }
    }

    private static void validateMetric(MetricVersion v) {
        require(v.id(), "id");
        require(v.unit(), "unit");
        require(v.aggregation(), "aggregation");
        if (MasterData.COMMITMENT_METRIC.equals(v.id())) {
            throw new IllegalArgumentException("id: '" + v.id() + "' is reserved for the contract's minimum-commitment line");
        }
        if (MasterData.PREPAID_CREDIT_METRIC.equals(v.id())) {
            throw new IllegalArgumentException("id: '" + v.id() + "' is reserved for the prepaid credit line");
        }
        if (!AGGREGATIONS.contains(v.aggregation().toUpperCase(Locale.ROOT))) {
            throw new IllegalArgumentException("aggregation: '" + v.aggregation() + "' is not one of " + AGGREGATIONS);
        }
        if (v.sources() == null || v.sources().isEmpty()) {
            throw new IllegalArgumentException("sources: a metric needs at least one event type feeding it");
        }
        for (MetricSourceVersion s : v.sources()) {
            require(s.eventType(), "sources[].eventType");
            if (!v.aggregation().equalsIgnoreCase("COUNT")) {
                require(s.field(), "sources[].field (" + v.aggregation() + " reads a data field)");
            }
        }
    }
}
