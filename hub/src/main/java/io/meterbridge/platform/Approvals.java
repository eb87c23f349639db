package io.meterbridge.platform;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

/**
 * Four-eyes approval (table approval_request): a requester asks, a second person with the approver role decides. The
 * requester can never decide their own request (checked here and by the table). The decision, its audit event and the
 * effect of the kind's {@link ApprovalHandler} are one transaction. Every request, approval and rejection is in the
 * audit trail under object type {@code approval}.
 */
@ApplicationScoped
public class Approvals {

    /** The role that may decide requests (api.Roles.APPROVER names the same role). */
    public static final String APPROVER_ROLE = "approver";

    public enum Status {
        PENDING, APPROVED, REJECTED
    }

    /** One request and, once decided, its decision. */
    public record Request(long id, String kind, String objectKey, String summary, JsonNode payload, Status status,
            String requestedBy, Instant requestedAt, String decidedBy, Instant decidedAt, String decisionReason) {
    }

    private final DataSource dataSource;
    private final ObjectMapper mapper;
    private final AuditTrail audit;
    private final Instance<ApprovalHandler> handlers;

    public Approvals(DataSource dataSource, ObjectMapper mapper, AuditTrail audit, Instance<ApprovalHandler> handlers) {
        this.dataSource = dataSource;
        this.mapper = mapper;
        this.audit = audit;
        this.handlers = handlers;
    }

    /**
     * Asks for approval inside the caller's transaction (the held object and its request commit together). Asking
     * again for the same kind and object while a request is pending returns that request.
     */
    public Request request(Connection connection, AuditTrail.Actor requester, String kind, String objectKey,
            String summary, Object payload) throws SQLException {
        handler(kind); // a kind nobody can carry out would wait for ever
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO approval_request (kind, object_key, summary, payload, requested_by)
                VALUES (?, ?, ?, ?::jsonb, ?)
                ON CONFLICT (kind, object_key) WHERE status = 'PENDING' DO NOTHING RETURNING id""")) {
            insert.setString(1, kind);
            insert.setString(2, objectKey);
            insert.setString(3, summary);
            insert.setString(4, json(payload));
            insert.setString(5, requester.person());
            try (ResultSet inserted = insert.executeQuery()) {
                if (inserted.next()) {
                    Request request = find(connection, inserted.getLong(1), false).orElseThrow();
                    audit.record(connection, requester, "approval.request", "approval", String.valueOf(request.id()),
                            null, view(request));
                    return request;
                }
            }
        }
        try (PreparedStatement pending = connection.prepareStatement(
                "SELECT id FROM approval_request WHERE kind = ? AND object_key = ? AND status = 'PENDING'")) {
            pending.setString(1, kind);
            pending.setString(2, objectKey);
            try (ResultSet row = pending.executeQuery()) {
                row.next();
                return find(connection, row.getLong(1), false).orElseThrow();
            }
        }
    }

    /** Asks for approval in a transaction of its own. */
    public Request request(AuditTrail.Actor requester, String kind, String objectKey, String summary, Object payload)
            throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Request request = request(connection, requester, kind, objectKey, summary, payload);
                connection.commit();
                return request;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    public Request approve(long id, AuditTrail.Actor approver, String reason) throws SQLException {
        return decide(id, approver, Status.APPROVED, reason);
    }

    public Request reject(long id, AuditTrail.Actor approver, String reason) throws SQLException {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("reason: a rejection needs a reason");
        }
        return decide(id, approver, Status.REJECTED, reason);
    }

    public Optional<Request> find(long id) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return find(connection, id, false);
        }
    }

    private Request decide(long id, AuditTrail.Actor approver, Status decision, String reason) throws SQLException {
        if (!approver.roles().contains(APPROVER_ROLE)) {
            throw new FourEyesException(approver.person() + " does not hold the " + APPROVER_ROLE
                    + " role: only an approver decides approval requests");
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Request request = find(connection, id, true)
                        .orElseThrow(() -> new IllegalArgumentException("approval request " + id + ": no such request"));
                if (request.status() != Status.PENDING) {
                    throw new ApprovalConflictException("approval request " + id + " is " + request.status()
                            + " already (by " + request.decidedBy() + " at " + request.decidedAt() + ")");
                }
                if (request.requestedBy().equals(approver.person())) {
                    throw new FourEyesException(approver.person() + " requested approval request " + id
                            + " and cannot decide it: a second person must");
                }
                try (PreparedStatement update = connection.prepareStatement("""
                        UPDATE approval_request SET status = ?, decided_by = ?, decided_at = now(), decision_reason = ?
                        WHERE id = ?""")) {
                    update.setString(1, decision.name());
                    update.setString(2, approver.person());
                    update.setString(3, reason);
                    update.setLong(4, id);
                    update.executeUpdate();
                }
                Request decided = find(connection, id, false).orElseThrow();
                ApprovalHandler handler = handler(request.kind());
                if (decision == Status.APPROVED) {
                    handler.approved(connection, decided, approver);
                } else {
                    handler.rejected(connection, decided, approver);
                }
                audit.record(connection, approver, decision == Status.APPROVED ? "approval.approve" : "approval.reject",
                        "approval", String.valueOf(id), view(request), view(decided));
                connection.commit();
                handler.committed(decided);
                return decided;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private ApprovalHandler handler(String kind) {
        return handlers.stream().filter(h -> h.kind().equals(kind)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("approval kind '" + kind + "': no stage acts on it"));
    }

    private Optional<Request> find(Connection connection, long id, boolean lock) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT id, kind, object_key, summary, payload::text, status, requested_by, requested_at, decided_by,
                       decided_at, decision_reason FROM approval_request WHERE id = ?""" + (lock ? " FOR UPDATE" : ""))) {
            select.setLong(1, id);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Request(row.getLong(1), row.getString(2), row.getString(3), row.getString(4),
                        mapper.readTree(row.getString(5)), Status.valueOf(row.getString(6)), row.getString(7),
                        instant(row.getTimestamp(8)), row.getString(9), instant(row.getTimestamp(10)),
                        row.getString(11)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("approval request " + id + ": payload is not JSON", e);
            }
        }
    }

    private static Map<String, Object> view(Request request) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("kind", request.kind());
        view.put("objectKey", request.objectKey());
        view.put("summary", request.summary());
        view.put("status", request.status().name());
        view.put("requestedBy", request.requestedBy());
        view.put("decidedBy", request.decidedBy());
        view.put("decisionReason", request.decisionReason());
        return view;
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("approval payload cannot be written as JSON", e);
        }
    }
}
