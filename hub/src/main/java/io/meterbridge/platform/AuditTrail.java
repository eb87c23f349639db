package io.meterbridge.platform;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Set;
import java.util.TreeSet;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Writes the audit trail (table audit_event, append-only by a trigger): who did what to which object, before and
 * after. On the floor so that every stage and the APIs may record; it knows nothing of who is logged in, its callers
 * pass the authenticated person and roles (api resources read them from the SecurityIdentity).
 */
@ApplicationScoped
public class AuditTrail {

    /** The person acting and the roles they acted with. */
    public record Actor(String person, Set<String> roles) {
    }

    private final DataSource dataSource;
    private final ObjectMapper mapper;

    public AuditTrail(DataSource dataSource, ObjectMapper mapper) {
        this.dataSource = dataSource;
        this.mapper = mapper;
    }

    /** Records inside the caller's transaction: the event commits or rolls back with the change it describes. */
    public void record(Connection connection, Actor actor, String action, String objectType, String objectKey,
            Object before, Object after) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO audit_event (person, roles, action, object_type, object_key, before, after)
                VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)""")) {
            insert.setString(1, actor.person());
            insert.setArray(2, connection.createArrayOf("text", new TreeSet<>(actor.roles()).toArray()));
            insert.setString(3, action);
            insert.setString(4, objectType);
            insert.setString(5, objectKey);
            insert.setString(6, json(before));
            insert.setString(7, json(after));
            insert.executeUpdate();
        }
    }

    /** Records in a transaction of its own, for an action whose service owns its transaction (a close, a replay). */
    public void record(Actor actor, String action, String objectType, String objectKey, Object before, Object after)
            throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            record(connection, actor, action, objectType, objectKey, before, after);
        }
    }

    private String json(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit: cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
