package io.meterbridge.support;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Corrections as the correction engine (another branch) writes them: an APPROVED row of table correction for a real
 * close, its lines the close's rated charges with the corrected amounts the test computed by hand.
 */
public final class CorrectionFixture {

    private CorrectionFixture() {
    }

    /**
     * An APPROVED correction of close {@code closeId}: every charge line of the close, billed as rated, corrected to
     * {@code correctedByMetric} (the metric's one line; other lines unchanged). Returns the correction id.
     */
    public static String approved(DataSource dataSource, String policy, long closeId,
            Map<String, String> correctedByMetric) throws SQLException {
        List<Map<String, Object>> charges = BillingFixture.charges(closeId).getList("charges");
        ArrayNode lines = Events.MAPPER.createArrayNode();
        BigDecimal total = BigDecimal.ZERO;
        String currency = null;
        for (Map<String, Object> charge : charges) {
            String metric = String.valueOf(charge.get("metric"));
            BigDecimal billed = new BigDecimal(String.valueOf(charge.get("amount")));
            boolean corrected = correctedByMetric.containsKey(metric)
                    && !"TRUE_UP".equals(charge.get("line_type"));
            BigDecimal amount = corrected ? new BigDecimal(correctedByMetric.get(metric)) : billed;
            currency = String.valueOf(charge.get("currency"));
            ObjectNode line = lines.addObject();
            line.put("lineNo", ((Number) charge.get("line_no")).intValue());
            line.put("metric", metric);
            line.put("description", String.valueOf(charge.get("description")));
            line.put("priceVersion", String.valueOf(charge.get("price_version")));
            line.put("reratedPriceVersion", String.valueOf(charge.get("price_version")) + (corrected ? "-corrected" : ""));
            line.put("quantity", String.valueOf(charge.get("quantity")));
            line.put("billedAmount", billed.toPlainString());
            line.put("amount", amount.toPlainString());
            line.put("difference", amount.subtract(billed).toPlainString());
            total = total.add(amount.subtract(billed));
        }
        return insert(dataSource, policy, closeId, currency, total, lines.toString());
    }

    /** An APPROVED correction of close {@code closeId} with the lines given (JSON, the correction table's shape). */
    public static String insert(DataSource dataSource, String policy, long closeId, String currency, BigDecimal total,
            String lines) throws SQLException {
        String id = "corr-" + Events.uniqueId(policy.toLowerCase());
        try (Connection connection = dataSource.getConnection(); PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO correction (id, source, contract_key, period_start, period_end, close_id, policy, currency,
                  amount, lines, status, requested_by)
                SELECT ?, 'RERATE', contract_key, period_start, period_end, id, ?, ?, ?, ?::jsonb, 'APPROVED', 'fiona'
                FROM period_close WHERE id = ?""")) {
            insert.setString(1, id);
            insert.setString(2, policy);
            insert.setString(3, currency);
            insert.setBigDecimal(4, total);
            insert.setString(5, lines);
            insert.setLong(6, closeId);
            if (insert.executeUpdate() != 1) {
                throw new IllegalStateException("no close " + closeId);
            }
        }
        return id;
    }

    public static String status(DataSource dataSource, String correctionId) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
                "SELECT status FROM correction WHERE id = ?")) {
            select.setString(1, correctionId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    /** The ids of the correction's billing deliveries. */
    public static List<String> deliveries(DataSource dataSource, String correctionId) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
                "SELECT id FROM billing_delivery WHERE correction_id = ? ORDER BY id")) {
            select.setString(1, correctionId);
            try (ResultSet rows = select.executeQuery()) {
                List<String> ids = new java.util.ArrayList<>();
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
                return ids;
            }
        }
    }
}
