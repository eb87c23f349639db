package io.meterbridge.api;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The audit trail, read-only: docs/api/admin.md#audit-trail. The table is append-only (a trigger refuses UPDATE and
 * DELETE), and no API writes or deletes it directly.
 */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.FINANCE, Roles.APPROVER, Roles.ADMIN})
public class AuditResource {

    private final SqlRows sqlRows;

    public AuditResource(SqlRows sqlRows) {
        this.sqlRows = sqlRows;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(description = "One audited action: who (person and roles), what, on which object, when, before and after")
    public record AuditEvent(long id, Instant at, String person, List<String> roles, String action, String objectType,
            String objectKey, @Schema(description = "the object before (null when it is new)") JsonNode before,
            @Schema(description = "the object after (or the action's result)") JsonNode after) {

        static AuditEvent of(SqlRows.Row row) throws Exception {
            return new AuditEvent(row.number("id"), row.instant("at"), row.text("person"), row.textArray("roles"),
                    row.text("action"), row.text("object_type"), row.text("object_key"), row.json("before"),
                    row.json("after"));
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(description = "A page of audit events, latest first; next_before_id fetches the next (older) page")
    public record AuditPage(List<AuditEvent> events,
            @Schema(description = "pass as beforeId for the next page; null when this is the last") Long nextBeforeId) {
    }

    @GET
    @Operation(summary = "Who changed, closed, granted, replayed or retried what, when, before and after (latest first)")
    public AuditPage list(@QueryParam("objectType") String objectType, @QueryParam("objectKey") String objectKey,
            @QueryParam("person") String person, @QueryParam("from") String fromText, @QueryParam("to") String toText,
            @QueryParam("beforeId") Long beforeId, @QueryParam("limit") @DefaultValue("100") int limit)
            throws Exception {
        if (limit < 1 || limit > 500) {
            throw new IllegalArgumentException("limit: must be 1..500, got " + limit);
        }
        Instant from = instant("from", fromText);
        Instant to = instant("to", toText);
        if (from != null && to != null && !to.isAfter(from)) {
            throw new IllegalArgumentException("to: must be after from (the range is [from, to))");
        }
        Timestamp fromTs = from == null ? null : Timestamp.from(from);
        Timestamp toTs = to == null ? null : Timestamp.from(to);
        // One more than asked: tells whether an older page exists.
        List<AuditEvent> rows = sqlRows.list("""
                SELECT id, at, person, roles, action, object_type, object_key, before, after FROM audit_event
                WHERE (?::text IS NULL OR object_type = ?) AND (?::text IS NULL OR object_key = ?)
                  AND (?::text IS NULL OR person = ?)
                  AND (?::timestamptz IS NULL OR at >= ?) AND (?::timestamptz IS NULL OR at < ?)
                  AND (?::bigint IS NULL OR id < ?)
                ORDER BY id DESC LIMIT ?""", AuditEvent::of, objectType, objectType, objectKey, objectKey, person,
                person, fromTs, fromTs, toTs, toTs, beforeId, beforeId, limit + 1);
        boolean more = rows.size() > limit;
        List<AuditEvent> page = more ? rows.subList(0, limit) : rows;
        return new AuditPage(List.copyOf(page), more ? page.get(page.size() - 1).id() : null);
    }

    private static Instant instant(String name, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(name + ": '" + text + "' is not an ISO-8601 instant (2026-01-01T00:00:00Z)");
        }
    }
}
