package io.meterbridge.crm;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import io.meterbridge.masterdata.BillingPeriod;
import io.meterbridge.masterdata.MasterData;
import io.meterbridge.masterdata.MasterData.Contract;
import io.meterbridge.masterdata.MasterData.ContractMetric;
import io.meterbridge.masterdata.MasterData.CustomerMapping;
import io.meterbridge.masterdata.MasterDataStore;
import io.meterbridge.metering.UsageQuery;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

/**
 * The steps of route commitment-alerts and the bookkeeping of route crm-connector. A tick finds, for every contract
 * metric with a committed quantity, the usage of the current billing period (and of the previous one while it is
 * within its grace period, so late events count), claims each newly crossed threshold in commitment_alert (the
 * primary key lets exactly one hub instance win), then leases the alerts whose CRM task or notification is still
 * missing and hands them on. Nothing is dropped: an alert stays open until both are done.
 */
@ApplicationScoped
@Named("commitmentAlerts")
public class CommitmentAlerts {

    private static final Logger LOG = Logger.getLogger(CommitmentAlerts.class);

    private final DataSource dataSource;
    private final MasterDataStore masterData;
    private final UsageQuery usageQuery;
    private final CommitmentsConfig config;
    private final MeterRegistry registry;
    /** Alert keys this process knows are claimed: saves an INSERT per crossed threshold and tick. */
    private final Set<String> claimed = ConcurrentHashMap.newKeySet();

    public CommitmentAlerts(DataSource dataSource, MasterDataStore masterData, UsageQuery usageQuery,
            CommitmentsConfig config, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.masterData = masterData;
        this.usageQuery = usageQuery;
        this.config = config;
        this.registry = registry;
    }

    /** Timer step: claim what crossed since the last tick, then lease every open alert (new or to retry). */
    public List<CommitmentAlert> check() throws SQLException {
        Instant now = Instant.now();
        claimCrossed(masterData.current(), now);
        return leaseOpen();
    }

    void claimCrossed(MasterData data, Instant now) throws SQLException {
        Map<String, List<Contract>> versionsByKey = data.contractsByBillingAccount().values().stream()
                .flatMap(List::stream)
                .filter(c -> c.metrics().values().stream().anyMatch(CommitmentAlerts::committed))
                .collect(Collectors.groupingBy(Contract::key));
        for (List<Contract> versions : versionsByKey.values()) {
            Optional<Contract> current = covering(versions, now);
            Instant previousProbe;
            if (current.isPresent()) {
                BillingPeriod period = current.get().periodOf(now);
                evaluate(data, current.get(), period, now);
                previousProbe = period.start().minusMillis(1);
            } else {
                // An ended contract: its last period is evaluated while within its grace period.
                previousProbe = versions.stream().map(Contract::validTo).filter(Objects::nonNull)
                        .filter(end -> !end.isAfter(now)).max(Comparator.naturalOrder())
                        .map(end -> end.minusMillis(1)).orElse(null);
            }
            if (previousProbe != null) {
                Optional<Contract> previous = covering(versions, previousProbe);
                if (previous.isPresent()) {
                    BillingPeriod period = previous.get().periodOf(previousProbe);
                    if (now.isBefore(period.end().plus(previous.get().gracePeriod()))) {
                        evaluate(data, previous.get(), period, now);
                    }
                }
            }
        }
    }

    private static boolean committed(ContractMetric metric) {
        return metric.committedQuantity() != null && metric.committedQuantity().signum() > 0;
    }

    private static Optional<Contract> covering(List<Contract> versions, Instant at) {
        return versions.stream()
                .filter(c -> !at.isBefore(c.validFrom()) && (c.validTo() == null || at.isBefore(c.validTo())))
                .findFirst();
    }

    private void evaluate(MasterData data, Contract contract, BillingPeriod period, Instant now) throws SQLException {
        LocalDate periodStartDate = LocalDate.ofInstant(period.start(), contract.timeZone());
        for (ContractMetric terms : contract.metrics().values()) {
            if (!committed(terms)) {
                continue;
            }
            List<Integer> crossed = new ArrayList<>();
            BigDecimal usage = null;
            for (int threshold : new TreeSet<>(config.thresholds())) {
                if (claimed.contains(CommitmentAlert.key(contract.key(), terms.metric(), periodStartDate, threshold))) {
                    continue;
                }
                if (usage == null) {
                    usage = usage(contract, terms.metric(), period);
                }
                BigDecimal limit = terms.committedQuantity().multiply(BigDecimal.valueOf(threshold))
                        .divide(BigDecimal.valueOf(100));
                if (usage.compareTo(limit) >= 0) {
                    crossed.add(threshold);
                }
            }
            for (int threshold : crossed) {
                claim(data, contract, terms, period, periodStartDate, threshold, usage, now);
            }
        }
    }

    /** The period's usage of the contract (all its tenants, every version), rolled up as the usage API does. */
    private BigDecimal usage(Contract contract, String metric, BillingPeriod period) throws SQLException {
        return usageQuery.usage(null, contract.billingAccountId(), metric, period.start(), period.end(),
                UsageQuery.Window.PERIOD).stream()
                .filter(w -> w.contract().equals(contract.key()) && w.start().equals(period.start()))
                .map(UsageQuery.UsageWindow::quantity).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private void claim(MasterData data, Contract contract, ContractMetric terms, BillingPeriod period,
            LocalDate periodStartDate, int threshold, BigDecimal usage, Instant now) throws SQLException {
        String key = CommitmentAlert.key(contract.key(), terms.metric(), periodStartDate, threshold);
        Optional<CustomerMapping> customer = customer(data, contract, period, now);
        try (Connection connection = dataSource.getConnection(); PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO commitment_alert (contract_key, metric, period_start, threshold_percent, period_end,
                  contract_id, tenant, crm_account_id, alert_key, quantity_at_detection, committed_quantity)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING""")) {
            insert.setString(1, contract.key());
            insert.setString(2, terms.metric());
            insert.setTimestamp(3, Timestamp.from(period.start()));
            insert.setInt(4, threshold);
            insert.setTimestamp(5, Timestamp.from(period.end()));
            insert.setLong(6, contract.id());
            insert.setString(7, customer.map(CustomerMapping::tenant).orElse(null));
            insert.setString(8, customer.map(CustomerMapping::crmAccountId).orElse(null));
            insert.setString(9, key);
            insert.setBigDecimal(10, usage);
            insert.setBigDecimal(11, terms.committedQuantity());
            if (insert.executeUpdate() == 1) {
                LOG.infof("Commitment alert %s: usage %s of committed %s (%d%%) detected", key, usage.toPlainString(),
                        terms.committedQuantity().toPlainString(), threshold);
                count("detected");
            }
        }
        claimed.add(key);
    }

    /** The contract's customer: a mapping of its billing account in force in the period (the first tenant by name). */
    private static Optional<CustomerMapping> customer(MasterData data, Contract contract, BillingPeriod period,
            Instant now) {
        Instant at = now.isBefore(period.end()) ? now : period.end().minusMillis(1);
        List<CustomerMapping> mappings = data.customersByTenant().values().stream().flatMap(List::stream)
                .filter(m -> m.billingKey().equals(contract.billingKey()))
                .sorted(Comparator.comparing(CustomerMapping::tenant)).toList();
        return mappings.stream()
                .filter(m -> !at.isBefore(m.validFrom()) && (m.validTo() == null || at.isBefore(m.validTo())))
                .findFirst()
                .or(() -> mappings.stream().max(Comparator.comparing(CustomerMapping::validFrom)));
    }

    /** Leases the open alerts (CRM task or notification missing) no other instance holds. */
    List<CommitmentAlert> leaseOpen() throws SQLException {
        List<CommitmentAlert> alerts = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); PreparedStatement lease = connection.prepareStatement("""
                UPDATE commitment_alert a SET lease_until = now() + make_interval(secs => ?)
                FROM (SELECT contract_key, metric, period_start, threshold_percent FROM commitment_alert
                      WHERE (crm_status <> 'CREATED' OR notified_at IS NULL)
                        AND (lease_until IS NULL OR lease_until < now())
                      ORDER BY detected_at, threshold_percent LIMIT ? FOR UPDATE SKIP LOCKED) due
                WHERE a.contract_key = due.contract_key AND a.metric = due.metric
                  AND a.period_start = due.period_start AND a.threshold_percent = due.threshold_percent
                RETURNING a.contract_key, a.contract_id, a.metric, a.period_start, a.period_end, a.threshold_percent,
                  a.committed_quantity, a.quantity_at_detection, a.detected_at, a.tenant, a.crm_account_id,
                  a.alert_key, a.crm_status, a.crm_task_id, a.attempts""")) {
            lease.setLong(1, config.dispatchLease().toSeconds());
            lease.setInt(2, config.batchSize());
            try (ResultSet rows = lease.executeQuery()) {
                while (rows.next()) {
                    alerts.add(new CommitmentAlert(rows.getString(1), rows.getLong(2), rows.getString(3),
                            rows.getTimestamp(4).toInstant(), rows.getTimestamp(5).toInstant(), rows.getInt(6),
                            rows.getBigDecimal(7), rows.getBigDecimal(8), rows.getTimestamp(9).toInstant(),
                            rows.getString(10), rows.getString(11), rows.getString(12), rows.getString(13),
                            rows.getString(14), rows.getInt(15)));
                }
            }
        }
        alerts.sort(Comparator.comparing(CommitmentAlert::detectedAt).thenComparing(CommitmentAlert::thresholdPercent));
        return alerts;
    }

    /** Choice of route crm-connector: does the alert still need its CRM task? */
    public boolean needsTask(CommitmentAlert alert) {
        return !alert.taskCreated();
    }

    /** The CRM task exists (created now, or found as a duplicate of an earlier attempt). */
    public CommitmentAlert recordTask(CommitmentAlert alert, Exchange exchange) throws SQLException {
        update("""
                UPDATE commitment_alert SET crm_status = 'CREATED', crm_task_id = ?, last_error = NULL,
                  attempts = attempts + ?, last_attempt_at = now()
                WHERE alert_key = ?""", alert.crmTaskId(), attempts(exchange), alert.alertKey());
        return alert;
    }

    /** The notification is on the topic: the alert is done and leaves the open set. */
    public void recordNotified(CommitmentAlert alert) throws SQLException {
        update("UPDATE commitment_alert SET notified_at = now(), lease_until = NULL WHERE alert_key = ?",
                alert.alertKey());
        count("notified");
    }

    /**
     * Retries are exhausted (or the CRM refused the request): the alert stays open with the error and is tried again
     * by the next tick. A task already created keeps its status; only the notification is then missing.
     */
    public void recordFailure(Exchange exchange) throws SQLException {
        CommitmentAlert alert = exchange.getMessage().getBody(CommitmentAlert.class);
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String message = error == null ? "unknown error" : error.getClass().getSimpleName() + ": " + error.getMessage();
        update("""
                UPDATE commitment_alert SET crm_status = CASE WHEN crm_status = 'CREATED' THEN 'CREATED' ELSE 'FAILED' END,
                  last_error = ?, attempts = attempts + ?, last_attempt_at = now(), lease_until = NULL
                WHERE alert_key = ?""", message, attempts(exchange), alert.alertKey());
        LOG.warnf("Commitment alert %s not completed, retried on the next tick: %s", alert.alertKey(), message);
        count("failed");
    }

    /** CRM requests of this dispatch, counted by the connector (the first one and every redelivery). */
    private static int attempts(Exchange exchange) {
        return exchange.getProperty(CrmConnector.ATTEMPTS, 0, Integer.class);
    }

    private void update(String sql, Object... values) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                update.setObject(i + 1, values[i]);
            }
            update.executeUpdate();
        }
    }

    private void count(String outcome) {
        registry.counter("meterbridge.commitments.alerts", "outcome", outcome).increment();
    }
}
