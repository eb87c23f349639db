package io.meterbridge.ingest;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The producing sources and their HMAC secrets, as registered in PostgreSQL. Read on every request, so cached; a
 * change in the table is seen within {@link #REFRESH}.
 */
@ApplicationScoped
public class SourceRegistry {

    static final Duration REFRESH = Duration.ofSeconds(15);

    private final DataSource dataSource;
    private volatile Map<String, List<String>> secretsBySource = Map.of();
    private volatile Instant loadedAt = Instant.EPOCH;

    public SourceRegistry(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Secrets of each active source. */
    public Map<String, List<String>> activeSources() {
        if (Instant.now().isAfter(loadedAt.plus(REFRESH))) {
            reload();
        }
        return secretsBySource;
    }

    public synchronized void reload() {
        Map<String, List<String>> loaded = new HashMap<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT id, secrets FROM ingest_source WHERE active");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                Array secrets = rows.getArray(2);
                loaded.put(rows.getString(1), List.of((String[]) secrets.getArray()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read registered sources", e);
        }
        secretsBySource = Map.copyOf(loaded);
        loadedAt = Instant.now();
    }

    /** Registers or updates a source (used by the master-data loader). */
    public void upsert(Connection connection, String id, String description, List<String> secrets) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO ingest_source (id, description, secrets, active, updated_at)
                VALUES (?, ?, ?, true, now())
                ON CONFLICT (id) DO UPDATE SET description = EXCLUDED.description, secrets = EXCLUDED.secrets,
                  active = true, updated_at = now()
                WHERE ingest_source.secrets IS DISTINCT FROM EXCLUDED.secrets
                   OR ingest_source.description IS DISTINCT FROM EXCLUDED.description
                   OR NOT ingest_source.active""")) {
            upsert.setString(1, id);
            upsert.setString(2, description);
            upsert.setArray(3, connection.createArrayOf("text", secrets.toArray()));
            upsert.executeUpdate();
        }
    }
}
