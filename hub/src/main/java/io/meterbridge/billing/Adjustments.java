package io.meterbridge.billing;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterbridge.masterdata.MasterData;
import io.meterbridge.masterdata.MasterDataStore;
import io.meterbridge.platform.ApprovalHandler;
import io.meterbridge.platform.Approvals;
import io.meterbridge.platform.AuditTrail;
import io.meterbridge.rating.CurrencyRule;
import io.meterbridge.rating.PriceBookStore;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Manual adjustments (docs/api/billing.md#manual-adjustments): a credit (negative) or a charge (positive) on a closed
 * period of a contract, in the contract's currency, with a reason. Requested, it is a correction row of source
 * ADJUSTMENT (status PENDING_APPROVAL, policy ADJUST, one line: metric, description = the reason, difference = the
 * amount) and an approval request of kind {@code adjustment}; approved by a second person it becomes APPROVED (the
 * delta-document issuer turns it into a credit note or an invoice), rejected it becomes REJECTED. Its id adj-n is
 * given once, from a sequence, and roots the ids of its documents.
 */
@ApplicationScoped
public class Adjustments implements ApprovalHandler {

    public static final String KIND = "adjustment";

    /** What finance asks for; amount is the signed decimal text ("-12.50": a credit of 12.50). */
    public record Request(String contractKey, Instant periodStart, String amount, String currency, String reason,
            String metric) {
    }

    private final DataSource dataSource;
    private final Approvals approvals;
    private final AuditTrail audit;
    private final MasterDataStore masterData;
    private final PriceBookStore prices;
    private final ObjectMapper mapper;

    public Adjustments(DataSource dataSource, Approvals approvals, AuditTrail audit, MasterDataStore masterData,
            PriceBookStore prices, ObjectMapper mapper) {
        this.dataSource = dataSource;
        this.approvals = approvals;
        this.audit = audit;
        this.masterData = masterData;
        this.prices = prices;
        this.mapper = mapper;
    }

    @Override
    public String kind() {
        return KIND;
    }

    /**
     * Records the adjustment as a correction waiting for approval and asks for it; every invalid input is an
     * IllegalArgumentException naming the field (400). Returns the correction's id.
     */
    public String request(AuditTrail.Actor requester, Request request) throws SQLException {
        if (request == null) {
            throw new IllegalArgumentException("body: {contractKey, periodStart, amount, currency, reason} required");
        }
        String contractKey = required(request.contractKey(), "contractKey");
        if (request.periodStart() == null) {
            throw new IllegalArgumentException("periodStart: required (the start of a closed period, e.g. "
                    + "2026-09-01T00:00:00Z)");
        }
        String reason = required(request.reason(), "reason");
        BigDecimal amount;
        try {
            amount = new BigDecimal(required(request.amount(), "amount"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("amount: '" + request.amount() + "' is not a decimal (e.g. \"-12.50\")");
        }
        if (amount.signum() == 0) {
            throw new IllegalArgumentException("amount: must not be zero (negative: a credit, positive: a charge)");
        }
        String currency = required(request.currency(), "currency");
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                ClosedPeriod period = closedPeriod(connection, contractKey, request.periodStart());
                if (!period.currency().equals(currency)) {
                    throw new IllegalArgumentException("currency: " + currency + " is not the currency of contract "
                            + contractKey + " (" + period.currency() + ")");
                }
                CurrencyRule rule = prices.books().currency(currency);
                if (amount.stripTrailingZeros().scale() > rule.scale()) {
                    // No silent rounding of what a person typed: the amount is billed as requested or not at all.
                    throw new IllegalArgumentException("amount: " + amount.toPlainString() + " has more decimals than "
                            + currency + " (" + rule.scale() + ")");
                }
                amount = amount.setScale(rule.scale(), java.math.RoundingMode.UNNECESSARY); // exact: checked above
                if (request.metric() != null && !request.metric().isBlank()
                        && !masterData.current().metrics().containsKey(request.metric())) {
                    throw new IllegalArgumentException("metric: '" + request.metric() + "' is not in the metric catalog");
                }
                String metric = request.metric() == null || request.metric().isBlank() ? null : request.metric();
                String id = nextId(connection);
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("lineNo", 1);
                line.put("metric", metric);
                line.put("description", reason);
                line.put("difference", amount.toPlainString());
                Map<String, Object> payload = new LinkedHashMap<>();
                payload.put("correctionId", id);
                payload.put("contractKey", contractKey);
                payload.put("periodStart", period.start().toString());
                payload.put("amount", amount.toPlainString());
                payload.put("currency", currency);
                payload.put("reason", reason);
                payload.put("metric", metric);
                Approvals.Request approval = approvals.request(connection, requester, KIND, id,
                        (amount.signum() < 0 ? "credit " + amount.negate().toPlainString() : "charge "
                                + amount.toPlainString()) + " " + currency + " on " + contractKey + " for ["
                                + period.start() + ", " + period.end() + "): " + reason, payload);
                try (PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO correction (id, source, contract_key, period_start, period_end, close_id, policy,
                          currency, amount, lines, status, approval_id, requested_by)
                        VALUES (?, 'ADJUSTMENT', ?, ?, ?, ?, 'ADJUST', ?, ?, ?::jsonb, 'PENDING_APPROVAL', ?, ?)""")) {
                    insert.setString(1, id);
                    insert.setString(2, contractKey);
                    insert.setTimestamp(3, Timestamp.from(period.start()));
                    insert.setTimestamp(4, Timestamp.from(period.end()));
                    insert.setLong(5, period.closeId());
                    insert.setString(6, currency);
                    insert.setBigDecimal(7, amount);
                    insert.setString(8, json(List.of(line)));
                    insert.setLong(9, approval.id());
                    insert.setString(10, requester.person());
                    insert.executeUpdate();
                }
                audit.record(connection, requester, "adjustment.request", "adjustment", id, null,
                        view(connection, id));
                connection.commit();
                return id;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    @Override
    public void approved(Connection connection, Approvals.Request request, AuditTrail.Actor approver)
            throws SQLException {
        decide(connection, request, approver, "APPROVED", "adjustment.approve");
    }

    @Override
    public void rejected(Connection connection, Approvals.Request request, AuditTrail.Actor approver)
            throws SQLException {
        decide(connection, request, approver, "REJECTED", "adjustment.reject");
    }

    private void decide(Connection connection, Approvals.Request request, AuditTrail.Actor approver, String status,
            String action) throws SQLException {
        String id = request.objectKey();
        Map<String, Object> before = view(connection, id);
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE correction SET status = ? WHERE id = ? AND source = 'ADJUSTMENT' AND approval_id = ?
                  AND status = 'PENDING_APPROVAL'""")) {
            update.setString(1, status);
            update.setString(2, id);
            update.setLong(3, request.id());
            if (update.executeUpdate() != 1) {
                throw new IllegalStateException("adjustment " + id + " of approval request " + request.id()
                        + " is not waiting for approval (" + before.get("status") + ")");
            }
        }
        audit.record(connection, approver, action, "adjustment", id, before, view(connection, id));
    }

    private record ClosedPeriod(long closeId, Instant start, Instant end, String currency) {
    }

    private ClosedPeriod closedPeriod(Connection connection, String contractKey, Instant periodStart)
            throws SQLException {
        List<Instant> closed = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT p.id, p.period_start, p.period_end, p.currency, c.billing_system, c.billing_account_id
                FROM period_close p JOIN contract c ON c.id = p.contract_id WHERE p.contract_key = ?
                ORDER BY p.period_start DESC""")) {
            select.setString(1, contractKey);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Instant start = rows.getTimestamp(2).toInstant();
                    if (start.equals(periodStart)) {
                        String currency = rows.getString(4);
                        if (currency == null) {
                            // Platform-rated: the period has no rated currency; the contract's is its customer's.
                            String billingKey = rows.getString(5) + ":" + rows.getString(6);
                            currency = masterData.current().customerOfBillingAccount(billingKey, start)
                                    .map(MasterData.CustomerMapping::currency).orElseThrow(() ->
                                            new IllegalArgumentException("contractKey: " + contractKey
                                                    + " has no customer (and currency) for " + billingKey));
                        }
                        return new ClosedPeriod(rows.getLong(1), start, rows.getTimestamp(3).toInstant(),
                                currency.trim());
                    }
                    closed.add(start);
                }
            }
        }
        throw new IllegalArgumentException("periodStart: contract " + contractKey + " has no closed period starting at "
                + periodStart + "; an adjustment applies to a closed period only" + (closed.isEmpty()
                        ? " (it has none)" : " (closed: " + closed.subList(0, Math.min(6, closed.size())) + ")"));
    }

    /** The correction as the audit trail and the API show it. */
    public Map<String, Object> view(Connection connection, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT id, contract_key, period_start, period_end, close_id, currency, amount, lines::text, status,
                       approval_id, requested_by, created_at FROM correction WHERE id = ?""")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalStateException("adjustment " + id + ": no such correction");
                }
                Map<String, Object> view = new LinkedHashMap<>();
                view.put("id", row.getString(1));
                view.put("contractKey", row.getString(2));
                view.put("periodStart", row.getTimestamp(3).toInstant().toString());
                view.put("periodEnd", row.getTimestamp(4).toInstant().toString());
                view.put("closeId", row.getLong(5));
                view.put("currency", row.getString(6));
                view.put("amount", row.getBigDecimal(7).toPlainString());
                view.put("lines", mapper.readTree(row.getString(8)));
                view.put("status", row.getString(9));
                view.put("approvalId", row.getLong(10));
                view.put("requestedBy", row.getString(11));
                view.put("requestedAt", row.getTimestamp(12).toInstant().toString());
                return view;
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("correction " + id + ": lines are not JSON", e);
            }
        }
    }

    private static String nextId(Connection connection) throws SQLException {
        try (PreparedStatement next = connection.prepareStatement("SELECT nextval('adjustment_number')");
                ResultSet row = next.executeQuery()) {
            row.next();
            return "adj-" + row.getLong(1);
        }
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + ": required");
        }
        return value;
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("adjustment lines cannot be written as JSON", e);
        }
    }
}
