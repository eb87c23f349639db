package io.meterbridge.masterdata;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.meterbridge.masterdata.MasterData.Aggregation;
import io.meterbridge.masterdata.MasterData.Contract;
import io.meterbridge.masterdata.MasterData.ContractMetric;
import io.meterbridge.masterdata.MasterData.CustomerMapping;
import io.meterbridge.masterdata.MasterData.MetricDefinition;
import io.meterbridge.masterdata.MasterData.MetricFeed;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Reads master data from PostgreSQL into an in-memory snapshot (the metering route's content enricher reads it per
 * event, so it must not query per event). Every change writes a master_data_change row; the highest id of that
 * table is the snapshot's version, checked at most every {@link #CHECK_INTERVAL}, so every replica sees a change
 * within that interval and this one at once after its own change.
 */
@ApplicationScoped
public class MasterDataStore {

    static final Duration CHECK_INTERVAL = Duration.ofSeconds(2);

    private final DataSource dataSource;
    private volatile MasterData snapshot = MasterData.empty();
    private volatile Instant checkedAt = Instant.EPOCH;

    public MasterDataStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public MasterData current() {
        if (Instant.now().isAfter(checkedAt.plus(CHECK_INTERVAL))) {
            refresh();
        }
        return snapshot;
    }

    /** Reloads when the version moved; forced after a change made by this process. */
    public synchronized MasterData refresh() {
        try (Connection connection = dataSource.getConnection()) {
            long version = version(connection);
            if (version != snapshot.version()) {
                snapshot = load(connection, version);
            }
            checkedAt = Instant.now();
            return snapshot;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read master data", e);
        }
    }

    static long version(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT coalesce(max(id), 0) FROM master_data_change")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static MasterData load(Connection connection, long version) throws SQLException {
        Map<String, List<CustomerMapping>> customers = new HashMap<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("""
                SELECT id, tenant, crm_account_id, billing_system, billing_account_id, erp_system, erp_customer_id,
                       legal_entity, currency, cost_center, time_zone, valid_from, valid_to
                FROM customer_mapping ORDER BY tenant, valid_from""")) {
            while (rows.next()) {
                CustomerMapping mapping = new CustomerMapping(rows.getLong(1), rows.getString(2), rows.getString(3),
                        rows.getString(4), rows.getString(5), rows.getString(6), rows.getString(7), rows.getString(8),
                        rows.getString(9), rows.getString(10), ZoneId.of(rows.getString(11)), instant(rows, 12),
                        instant(rows, 13));
                customers.computeIfAbsent(mapping.tenant(), t -> new ArrayList<>()).add(mapping);
            }
        }
        Map<Long, Map<String, ContractMetric>> contractMetrics = new HashMap<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(
                "SELECT contract_id, metric, unit, price_version_ref, committed_quantity, platform_price_ref, included_quantity "
                        + "FROM contract_metric")) {
            while (rows.next()) {
                contractMetrics.computeIfAbsent(rows.getLong(1), id -> new LinkedHashMap<>()).put(rows.getString(2),
                        new ContractMetric(rows.getString(2), rows.getString(3), rows.getString(4), rows.getBigDecimal(5),
                                rows.getString(6), rows.getBigDecimal(7)));
            }
        }
        Map<String, List<Contract>> contracts = new HashMap<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("""
                SELECT id, contract_key, billing_system, billing_account_id, anchor_day, time_zone,
                       extract(epoch FROM grace_period)::bigint, valid_from, valid_to, billing_mode,
                       billing_subscription_id, prepaid_credits, minimum_commitment,
                       extract(epoch FROM finalization_grace)::bigint, collection_method, days_until_due, auto_advance,
                       late_usage_policy
                FROM contract ORDER BY valid_from""")) {
            while (rows.next()) {
                Contract contract = new Contract(rows.getLong(1), rows.getString(2), rows.getString(3),
                        rows.getString(4), rows.getInt(5), ZoneId.of(rows.getString(6)),
                        Duration.ofSeconds(rows.getLong(7)), instant(rows, 8), instant(rows, 9),
                        Map.copyOf(contractMetrics.getOrDefault(rows.getLong(1), Map.of())),
                        MasterData.BillingMode.valueOf(rows.getString(10)), rows.getString(11), rows.getBigDecimal(12),
                        rows.getBigDecimal(13), new MasterData.Invoicing(Duration.ofSeconds(rows.getLong(14)),
                                rows.getString(15), (Integer) rows.getObject(16), rows.getBoolean(17)),
                        MasterData.LateUsagePolicy.valueOf(rows.getString(18)));
                contracts.computeIfAbsent(contract.billingKey(), k -> new ArrayList<>()).add(contract);
            }
        }
        Map<String, MetricDefinition> metrics = new HashMap<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT id, aggregation, unit, description FROM metric")) {
            while (rows.next()) {
                metrics.put(rows.getString(1), new MetricDefinition(rows.getString(1),
                        Aggregation.valueOf(rows.getString(2)), rows.getString(3), rows.getString(4)));
            }
        }
        Map<String, List<MetricFeed>> feeds = new HashMap<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(
                "SELECT metric, event_type, field, factor FROM metric_source ORDER BY metric")) {
            while (rows.next()) {
                MetricDefinition metric = metrics.get(rows.getString(1));
                BigDecimal factor = rows.getBigDecimal(4);
                feeds.computeIfAbsent(rows.getString(2), t -> new ArrayList<>())
                        .add(new MetricFeed(metric, rows.getString(2), rows.getString(3), factor));
            }
        }
        customers.values().forEach(list -> list.sort(Comparator.comparing(CustomerMapping::validFrom)));
        return new MasterData(Map.copyOf(customers), Map.copyOf(contracts), Map.copyOf(feeds), Map.copyOf(metrics),
                version);
    }

    private static Instant instant(ResultSet rows, int column) throws SQLException {
        Timestamp timestamp = rows.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }

    /** Records a change for the audit trail (and moves the version every replica watches). */
    public static void audit(Connection connection, String entity, String key, String changedBy, String beforeJson,
            String afterJson) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO master_data_change (entity, entity_key, changed_by, before, after)
                VALUES (?, ?, ?, ?::jsonb, ?::jsonb)""")) {
            insert.setString(1, entity);
            insert.setString(2, key);
            insert.setString(3, changedBy);
            insert.setString(4, beforeJson);
            insert.setString(5, afterJson);
            insert.executeUpdate();
        }
    }
}
