package io.meterbridge.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The producing sources as registered in PostgreSQL: how each authenticates (HMAC secrets, encrypted at rest; API
 * keys, hashed), the tenants and event types it may emit for, and whether its subjects are personal. Read on every
 * request, so cached; a change in the table is seen within {@link #REFRESH}, at once on the pod that made it.
 */
@ApplicationScoped
public class SourceRegistry {

    static final Duration REFRESH = Duration.ofSeconds(15);

    /** A registered, active source. {@code tenants} and {@code eventTypes} hold names, "*" or prefixes ending in "*". */
    public record Source(String id, String description, List<String> secrets, Set<String> apiKeyHashes,
            List<String> tenants, List<String> eventTypes, boolean subjectsPersonal) {

        public boolean allowsTenant(String subject) {
            return matches(tenants, subject);
        }

        public boolean allowsType(String type) {
            return matches(eventTypes, type);
        }

        private static boolean matches(List<String> patterns, String value) {
            for (String pattern : patterns) {
                if (pattern.equals("*") || pattern.equals(value)
                        || (pattern.endsWith("*") && value.startsWith(pattern.substring(0, pattern.length() - 1)))) {
                    return true;
                }
            }
            return false;
        }
    }

    /** What a source file registers; secrets and API keys in clear, as read from the environment. */
    public record Registration(String id, String description, List<String> secrets, List<String> apiKeys,
            List<String> tenants, List<String> eventTypes, boolean subjectsPersonal, boolean active) {
    }

    private record Snapshot(Map<String, Source> byId, Map<String, Source> byApiKeyHash) {
    }

    private final DataSource dataSource;
    private final SourceSecrets secrets;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of());
    private volatile Instant loadedAt = Instant.EPOCH;

    public SourceRegistry(DataSource dataSource, SourceSecrets secrets) {
        this.dataSource = dataSource;
        this.secrets = secrets;
    }

    /** Every active source, by id. */
    public Map<String, Source> activeSources() {
        return current().byId();
    }

    /** The active source with this id, or null. */
    public Source source(String id) {
        return id == null ? null : current().byId().get(id);
    }

    /** The active source one of whose API keys has this SHA-256, or null. */
    public Source byApiKeyHash(String hash) {
        return current().byApiKeyHash().get(hash);
    }

    private Snapshot current() {
        if (Instant.now().isAfter(loadedAt.plus(REFRESH))) {
            reload();
        }
        return snapshot;
    }

    public synchronized void reload() {
        Map<String, Source> byId = new HashMap<>();
        Map<String, Source> byKey = new HashMap<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("""
                        SELECT id, description, secrets, api_key_hashes, tenants, event_types, subjects_personal
                        FROM ingest_source WHERE active""");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                List<String> clear = new ArrayList<>();
                for (String sealed : strings(rows, 3)) {
                    clear.add(secrets.decrypt(sealed));
                }
                Source source = new Source(rows.getString(1), rows.getString(2), List.copyOf(clear),
                        Set.copyOf(strings(rows, 4)), strings(rows, 5), strings(rows, 6), rows.getBoolean(7));
                byId.put(source.id(), source);
                source.apiKeyHashes().forEach(hash -> byKey.put(hash, source));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read registered sources", e);
        }
        snapshot = new Snapshot(Map.copyOf(byId), Map.copyOf(byKey));
        loadedAt = Instant.now();
    }

    private static List<String> strings(ResultSet rows, int column) throws SQLException {
        java.sql.Array array = rows.getArray(column);
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }

    /** Registers, updates or deactivates a source (used by the source file loader). */
    public void upsert(Connection connection, Registration source) throws SQLException {
        List<String> sealed = source.active() ? source.secrets().stream().map(secrets::encrypt).toList() : List.of();
        List<String> hashes = source.active() ? source.apiKeys().stream().map(SourceSecrets::apiKeyHash).toList() : List.of();
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO ingest_source (id, description, secrets, api_key_hashes, tenants, event_types,
                                           subjects_personal, active, updated_at, deactivated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, now(), CASE WHEN ? THEN NULL ELSE now() END)
                ON CONFLICT (id) DO UPDATE SET description = EXCLUDED.description, secrets = EXCLUDED.secrets,
                  api_key_hashes = EXCLUDED.api_key_hashes, tenants = EXCLUDED.tenants,
                  event_types = EXCLUDED.event_types, subjects_personal = EXCLUDED.subjects_personal,
                  active = EXCLUDED.active, updated_at = now(),
                  deactivated_at = CASE WHEN EXCLUDED.active THEN NULL ELSE coalesce(ingest_source.deactivated_at, now()) END""")) {
            upsert.setString(1, source.id());
            upsert.setString(2, source.description());
            upsert.setArray(3, connection.createArrayOf("text", sealed.toArray()));
            upsert.setArray(4, connection.createArrayOf("text", hashes.toArray()));
            upsert.setArray(5, connection.createArrayOf("text", source.tenants().toArray()));
            upsert.setArray(6, connection.createArrayOf("text", source.eventTypes().toArray()));
            upsert.setBoolean(7, source.subjectsPersonal());
            upsert.setBoolean(8, source.active());
            upsert.setBoolean(9, source.active());
            upsert.executeUpdate();
        }
    }

    /**
     * Deactivates every active source not in {@code keep}: a source removed from the files stops authenticating at
     * the next start or reload, and its credentials are erased. Returns the ids deactivated.
     */
    public List<String> deactivateAllExcept(Connection connection, Set<String> keep) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE ingest_source SET active = false, secrets = '{}', api_key_hashes = '{}', updated_at = now(),
                  deactivated_at = now()
                WHERE active AND NOT (id = ANY (?)) RETURNING id""")) {
            update.setArray(1, connection.createArrayOf("text", keep.toArray()));
            List<String> ids = new ArrayList<>();
            try (ResultSet rows = update.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return ids;
        }
    }
}
