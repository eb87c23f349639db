package io.meterbridge.billing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.platform.ApprovalConflictException;
import io.meterbridge.platform.ApprovalHandler;
import io.meterbridge.platform.Approvals;
import io.meterbridge.platform.AuditTrail;
import io.meterbridge.rating.PriceBookStore;
import io.meterbridge.rating.PriceBooks;
import io.meterbridge.rating.PriceVersion;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Price versions published through the billing API (docs/api/billing.md#price-versions): a pricing admin posts a
 * version as the price-book files define it, validated as the files are; it waits in table price_publication for a
 * second person with the approver role, and once approved the price books rate with it (PriceBookStore). The files
 * stay the seed: a version of theirs is never redefined. A published version may be redefined until it bills a
 * closed period (BilledPriceVersions), never after.
 */
@ApplicationScoped
public class PricePublications implements ApprovalHandler {

    public static final String KIND = "price-publication";

    /** One row of price_publication. */
    public record Publication(long id, String versionId, String metric, JsonNode definition, String status,
            long approvalId, String requestedBy, java.time.Instant requestedAt, String decidedBy,
            java.time.Instant decidedAt) {
    }

    private final DataSource dataSource;
    private final Approvals approvals;
    private final AuditTrail audit;
    private final PriceBookStore prices;
    private final BilledPriceVersions billed;

    public PricePublications(DataSource dataSource, Approvals approvals, AuditTrail audit, PriceBookStore prices,
            BilledPriceVersions billed) {
        this.dataSource = dataSource;
        this.approvals = approvals;
        this.audit = audit;
        this.prices = prices;
        this.billed = billed;
    }

    @Override
    public String kind() {
        return KIND;
    }

    /**
     * Asks for the publication of {@code definition}: 400 (IllegalArgumentException naming the field) when it would
     * not load from a file, 409 (ApprovalConflictException) when it is billed otherwise, in effect as defined, or a
     * publication of the same id waits already.
     */
    public Publication request(AuditTrail.Actor requester, JsonNode definition) throws SQLException {
        PriceVersion version = prices.validate(definition);
        Optional<PriceVersion> current = prices.books().version(version.id());
        if (current.isPresent() && PriceBooks.sameDefinition(current.get(), version)) {
            throw new ApprovalConflictException("price version '" + version.id()
                    + "' is in effect as defined already: nothing to publish");
        }
        refuseBilled(version);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Optional<Publication> pending = find(connection, "version_id = ? AND status = 'PENDING_APPROVAL'",
                        version.id());
                if (pending.isPresent()) {
                    throw new ApprovalConflictException("price version '" + version.id() + "': publication "
                            + pending.get().id() + " by " + pending.get().requestedBy() + " waits for approval (request "
                            + pending.get().approvalId() + "); it is approved or rejected first");
                }
                Map<String, Object> payload = new LinkedHashMap<>();
                payload.put("versionId", version.id());
                payload.put("metric", version.metric());
                payload.put("definition", definition);
                Approvals.Request request = approvals.request(connection, requester, KIND, version.id(),
                        "publish price version " + version.id() + " (" + version.metric() + ", " + version.currency()
                                + (current.isPresent() ? ", redefines the published one" : "") + ")", payload);
                long id;
                try (PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO price_publication (version_id, metric, definition, status, approval_id, requested_by)
                        VALUES (?, ?, ?::jsonb, 'PENDING_APPROVAL', ?, ?) RETURNING id""")) {
                    insert.setString(1, version.id());
                    insert.setString(2, version.metric());
                    insert.setString(3, definition.toString());
                    insert.setLong(4, request.id());
                    insert.setString(5, requester.person());
                    try (ResultSet row = insert.executeQuery()) {
                        row.next();
                        id = row.getLong(1);
                    }
                }
                Publication publication = find(connection, "id = ?", id).orElseThrow();
                audit.record(connection, requester, "price-version.request", "price_version", version.id(),
                        current.map(PriceBooks::fileForm).orElse(null), view(publication));
                connection.commit();
                return publication;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    @Override
    public void approved(Connection connection, Approvals.Request request, AuditTrail.Actor approver)
            throws SQLException {
        Publication publication = forRequest(connection, request);
        // Checked again: the version may have billed a closed period since it was requested.
        refuseBilled(prices.validate(publication.definition()));
        Optional<Publication> previous = find(connection, "version_id = ? AND status = 'PUBLISHED'",
                publication.versionId());
        if (previous.isPresent()) {
            update(connection, previous.get().id(), "SUPERSEDED", null);
        }
        update(connection, publication.id(), "PUBLISHED", approver.person());
        audit.record(connection, approver, "price-version.publish", "price_version", publication.versionId(),
                previous.map(PricePublications::view).orElse(null),
                view(find(connection, "id = ?", publication.id()).orElseThrow()));
    }

    @Override
    public void rejected(Connection connection, Approvals.Request request, AuditTrail.Actor approver)
            throws SQLException {
        Publication publication = forRequest(connection, request);
        update(connection, publication.id(), "REJECTED", approver.person());
        audit.record(connection, approver, "price-version.reject", "price_version", publication.versionId(),
                view(publication), view(find(connection, "id = ?", publication.id()).orElseThrow()));
    }

    /** The price books rate with the approved version only once its approval has committed. */
    @Override
    public void committed(Approvals.Request decided) throws SQLException {
        if (decided.status() == Approvals.Status.APPROVED) {
            prices.reloadPublished();
        }
    }

    /** Every publication, latest first. */
    public List<Publication> list() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return select(connection, "TRUE ORDER BY id DESC");
        }
    }

    private void refuseBilled(PriceVersion version) throws SQLException {
        Optional<String> difference = billed.billedDifference(prices.books().with(List.of(version)));
        if (difference.isPresent()) {
            throw new ApprovalConflictException(difference.get());
        }
    }

    private Publication forRequest(Connection connection, Approvals.Request request) throws SQLException {
        return find(connection, "approval_id = ? FOR UPDATE", request.id()).orElseThrow(() -> new IllegalStateException(
                "approval request " + request.id() + " has no price publication"));
    }

    private static void update(Connection connection, long id, String status, String decidedBy) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(decidedBy == null
                ? "UPDATE price_publication SET status = ? WHERE id = ?"
                : "UPDATE price_publication SET status = ?, decided_by = ?, decided_at = now() WHERE id = ?")) {
            update.setString(1, status);
            if (decidedBy == null) {
                update.setLong(2, id);
            } else {
                update.setString(2, decidedBy);
                update.setLong(3, id);
            }
            update.executeUpdate();
        }
    }

    private Optional<Publication> find(Connection connection, String where, Object key) throws SQLException {
        List<Publication> rows = select(connection, where, key);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private List<Publication> select(Connection connection, String where, Object... params) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT id, version_id, metric, definition::text, status, approval_id, requested_by, requested_at,
                       decided_by, decided_at FROM price_publication WHERE""" + " " + where)) {
            for (int i = 0; i < params.length; i++) {
                select.setObject(i + 1, params[i]);
            }
            try (ResultSet rows = select.executeQuery()) {
                List<Publication> result = new java.util.ArrayList<>();
                while (rows.next()) {
                    result.add(new Publication(rows.getLong(1), rows.getString(2), rows.getString(3),
                            PriceBooks.readDefinition(rows.getString(4)), rows.getString(5), rows.getLong(6),
                            rows.getString(7), rows.getTimestamp(8).toInstant(), rows.getString(9),
                            rows.getTimestamp(10) == null ? null : rows.getTimestamp(10).toInstant()));
                }
                return result;
            }
        }
    }

    private static Map<String, Object> view(Publication p) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("publication", p.id());
        view.put("status", p.status());
        view.put("definition", p.definition());
        view.put("requestedBy", p.requestedBy());
        view.put("decidedBy", p.decidedBy());
        return view;
    }
}
