package io.meterbridge.api;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Read-only queries of the experience APIs, each row mapped to a typed record (the read models in
 * {@link AdminViews}, {@link BillingViews}, {@link ErpViews}), so every endpoint has a typed OpenAPI schema. Plain
 * JDBC on the hub's one datasource: no ORM session, and the same SQL the writers use (docs/architecture.md, "Typed
 * read models").
 */
@ApplicationScoped
public class SqlRows {

    /** Maps the current row of a query to one record. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(Row row) throws Exception;
    }

    private final DataSource dataSource;
    private final ObjectMapper mapper;

    public SqlRows(DataSource dataSource, ObjectMapper mapper) {
        this.dataSource = dataSource;
        this.mapper = mapper;
    }

    public <T> List<T> list(String sql, RowMapper<T> rowMapper, Object... params) throws Exception {
        List<T> result = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                select.setObject(i + 1, params[i]);
            }
            try (ResultSet rows = select.executeQuery()) {
                Row row = new Row(rows, mapper);
                while (rows.next()) {
                    result.add(rowMapper.map(row));
                }
            }
        }
        return result;
    }

    /** Typed reads of the current row by column label. */
    public static final class Row {

        private final ResultSet rows;
        private final ObjectMapper mapper;

        Row(ResultSet rows, ObjectMapper mapper) {
            this.rows = rows;
            this.mapper = mapper;
        }

        public String text(String column) throws SQLException {
            return rows.getString(column);
        }

        public Instant instant(String column) throws SQLException {
            Timestamp value = rows.getTimestamp(column);
            return value == null ? null : value.toInstant();
        }

        public long number(String column) throws SQLException {
            return rows.getLong(column);
        }

        public Long numberOrNull(String column) throws SQLException {
            long value = rows.getLong(column);
            return rows.wasNull() ? null : value;
        }

        public BigDecimal decimal(String column) throws SQLException {
            return rows.getBigDecimal(column);
        }

        /**
         * A money amount as an exact decimal string at the scale of the currency in {@code currencyColumn} ("66.00" in
         * USD, "1200" in JPY), never a binary float.
         */
        public String money(String column, String currencyColumn) throws SQLException {
            return Money.text(rows.getBigDecimal(column), rows.getString(currencyColumn));
        }

        public JsonNode json(String column) throws Exception {
            String value = rows.getString(column);
            return value == null ? null : mapper.readTree(value);
        }

        public <T> List<T> jsonList(String column, Class<T> type) throws Exception {
            String value = rows.getString(column);
            if (value == null) {
                return List.of();
            }
            // From the text, not a parsed tree: decimals stay exact.
            return mapper.readerForListOf(type).readValue(value);
        }

        public List<String> textArray(String column) throws SQLException {
            Array value = rows.getArray(column);
            return value == null ? List.of() : Arrays.asList((String[]) value.getArray());
        }
    }
}
