package io.meterbridge.api;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;

/** Read-only queries of the experience APIs as JSON-ready rows: jsonb as JSON, timestamps as instants. */
@ApplicationScoped
public class SqlRows {

    private final DataSource dataSource;
    private final ObjectMapper mapper;

    public SqlRows(DataSource dataSource, ObjectMapper mapper) {
        this.dataSource = dataSource;
        this.mapper = mapper;
    }

    public List<Map<String, Object>> list(String sql, Object... params) throws Exception {
        List<Map<String, Object>> result = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                select.setObject(i + 1, params[i]);
            }
            try (ResultSet rows = select.executeQuery()) {
                int columns = rows.getMetaData().getColumnCount();
                while (rows.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int c = 1; c <= columns; c++) {
                        Object value = rows.getObject(c);
                        String type = rows.getMetaData().getColumnTypeName(c);
                        if (value != null && (type.equals("jsonb") || type.equals("json"))) {
                            JsonNode json = mapper.readTree(value.toString());
                            row.put(rows.getMetaData().getColumnLabel(c), json);
                        } else if (value instanceof java.sql.Timestamp ts) {
                            row.put(rows.getMetaData().getColumnLabel(c), ts.toInstant());
                        } else {
                            row.put(rows.getMetaData().getColumnLabel(c), value);
                        }
                    }
                    result.add(row);
                }
            }
        }
        return result;
    }
}
