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
import java.util.Optional;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meterbridge.masterdata.MasterData.LateUsagePolicy;
import io.meterbridge.platform.ApprovalHandler;
import io.meterbridge.platform.Approvals;
import io.meterbridge.platform.AuditTrail;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Re-rates after a price correction: a preview of closed periods rated again with replacement price versions
 * ({@link PeriodRerating}), stored (table rerate) with an approval request of kind {@value #KIND}. Nothing changes
 * until a second person approves it; then, in the decision's transaction, each period with a difference gets a
 * correction (source RERATE, id {@code rerate-<rerate>-<contract>-<yyyyMM>}) under its contract's policy: NEXT_CYCLE
 * CARRIED (ADJUST when the contract has ended), ADJUST and REBILL APPROVED; HOLD is ADJUST here (the approval was the
 * review). The approval re-rates again under the contract's lock, so usage that arrived after the preview is in it,
 * and moves the late-usage watermark past it (the sweep does not bill it twice).
 */
@ApplicationScoped
public class Rerates implements ApprovalHandler {

    public static final String KIND = "rerate";

    /** The request: one contract, or every contract billed on {@code priceVersion}, periods starting in [from, to]. */
    public record Request(String contractKey, String priceVersion, Instant fromPeriod, Instant toPeriod,
            Map<String, String> replacements) {
    }

    private final DataSource dataSource;
    private final ObjectMapper mapper;
    private final PeriodRerating rerating;
    private final Corrections corrections;
    private final Approvals approvals;
    private final AuditTrail audit;

    public Rerates(DataSource dataSource, ObjectMapper mapper, PeriodRerating rerating, Corrections corrections,
            Approvals approvals, AuditTrail audit) {
        this.dataSource = dataSource;
        this.mapper = mapper;
        this.rerating = rerating;
        this.corrections = corrections;
        this.approvals = approvals;
        this.audit = audit;
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** Computes and stores the preview, and asks for its approval. Returns the stored re-rate. */
    public JsonNode request(Request request, AuditTrail.Actor requester) throws SQLException {
        validate(request);
        String id = "rr-" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                List<Map<String, Object>> periods = new ArrayList<>();
                BigDecimal total = BigDecimal.ZERO;
                String currency = null;
                for (long closeId : closes(connection, request)) {
                    PeriodRerating.Result result = rerating.rerate(connection, closeId, request.replacements());
                    periods.add(periodView(result));
                    total = total.add(result.difference());
                    currency = currency == null ? result.currency() : currency;
                }
                if (periods.isEmpty()) {
                    throw new IllegalArgumentException("no closed hub-rated period of " + (request.contractKey() != null
                            ? "contract " + request.contractKey() : "price version " + request.priceVersion())
                            + " starts between " + request.fromPeriod() + " and " + request.toPeriod());
                }
                Map<String, Object> preview = new LinkedHashMap<>();
                preview.put("currency", currency);
                preview.put("difference", total.toPlainString());
                preview.put("periods", periods);
                try (PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO rerate (id, contract_key, price_version, from_period, to_period, replacements,
                          preview, requested_by) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?)""")) {
                    insert.setString(1, id);
                    insert.setString(2, request.contractKey());
                    insert.setString(3, request.priceVersion());
                    insert.setTimestamp(4, Timestamp.from(request.fromPeriod()));
                    insert.setTimestamp(5, Timestamp.from(request.toPeriod()));
                    insert.setString(6, json(request.replacements()));
                    insert.setString(7, json(preview));
                    insert.setString(8, requester.person());
                    insert.executeUpdate();
                }
                Approvals.Request approval = approvals.request(connection, requester, KIND, id, "re-rate of "
                        + (request.contractKey() != null ? request.contractKey() : "price version "
                                + request.priceVersion()) + " " + request.replacements() + ": " + total.toPlainString()
                        + " " + currency, Map.of("rerateId", id));
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE rerate SET approval_id = ? WHERE id = ?")) {
                    update.setLong(1, approval.id());
                    update.setString(2, id);
                    update.executeUpdate();
                }
                audit.record(connection, requester, "rerate.request", "rerate", id, null, preview);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
        return find(id).orElseThrow();
    }

    public Optional<JsonNode> find(String id) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement("""
                SELECT jsonb_build_object('id', r.id, 'contractKey', r.contract_key, 'priceVersion', r.price_version,
                         'fromPeriod', r.from_period, 'toPeriod', r.to_period, 'replacements', r.replacements,
                         'status', r.status, 'approvalId', r.approval_id, 'requestedBy', r.requested_by,
                         'requestedAt', r.requested_at, 'preview', r.preview,
                         'corrections', (SELECT coalesce(jsonb_agg(c.id ORDER BY c.id), '[]') FROM correction c
                                         WHERE c.rerate_id = r.id))::text
                FROM rerate r WHERE r.id = ?""")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(mapper.readTree(row.getString(1))) : Optional.empty();
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void approved(Connection connection, Approvals.Request request, AuditTrail.Actor approver)
            throws SQLException {
        String id = request.payload().get("rerateId").asText();
        Request rerate = load(connection, id);
        for (long closeId : closes(connection, rerate)) {
            String contractKey = contractOf(connection, closeId);
            PeriodCloseService.lockContract(connection, contractKey);
            PeriodRerating.Result result = rerating.rerate(connection, closeId, rerate.replacements());
            LateUsageCorrections.coverAll(connection, closeId);
            if (!result.changes()) {
                continue;
            }
            LateUsagePolicy policy = result.contract().lateUsagePolicy() == LateUsagePolicy.HOLD
                    ? LateUsagePolicy.ADJUST : result.contract().lateUsagePolicy();
            String correctionId = "rerate-" + id + "-" + DeliveryIds.safe(contractKey) + "-"
                    + result.month().replace("-", "");
            corrections.write(connection, correctionId, "RERATE", result, policy,
                    new AuditTrail.Actor(request.requestedBy(), java.util.Set.of()), null, id);
        }
        status(connection, id, "APPROVED");
        audit.record(connection, approver, "rerate.approve", "rerate", id, Map.of("status", "PENDING_APPROVAL"),
                Map.of("status", "APPROVED"));
    }

    @Override
    public void rejected(Connection connection, Approvals.Request request, AuditTrail.Actor approver)
            throws SQLException {
        String id = request.payload().get("rerateId").asText();
        status(connection, id, "REJECTED");
        audit.record(connection, approver, "rerate.reject", "rerate", id, Map.of("status", "PENDING_APPROVAL"),
                Map.of("status", "REJECTED"));
    }

    private Map<String, Object> periodView(PeriodRerating.Result result) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("contractKey", result.contract().key());
        view.put("closeId", result.closeId());
        view.put("periodStart", result.period().start().toString());
        view.put("periodEnd", result.period().end().toString());
        view.put("currency", result.currency());
        view.put("billed", result.billed().toPlainString());
        view.put("rerated", result.amount().toPlainString());
        view.put("difference", result.difference().toPlainString());
        view.put("lines", result.linesJson());
        view.put("documents", documents(result));
        return view;
    }

    /** What the approval would issue for the period, by its contract's policy. */
    static List<Map<String, Object>> documents(PeriodRerating.Result result) {
        List<Map<String, Object>> documents = new ArrayList<>();
        if (!result.changes()) {
            return documents;
        }
        LateUsagePolicy policy = Corrections.effective(result.contract().lateUsagePolicy() == LateUsagePolicy.HOLD
                ? LateUsagePolicy.ADJUST : result.contract().lateUsagePolicy(), result.nextCycle());
        BigDecimal more = BigDecimal.ZERO, less = BigDecimal.ZERO;
        for (PeriodRerating.Line line : result.lines()) {
            if (line.difference().signum() > 0) {
                more = more.add(line.difference());
            } else {
                less = less.add(line.difference().negate());
            }
        }
        switch (policy) {
            case NEXT_CYCLE -> documents.add(document("ADJUSTMENT_LINES", "next period's invoice",
                    result.difference()));
            case REBILL -> {
                documents.add(document("CREDIT_NOTE", "the whole billed invoice", result.billed()));
                documents.add(document("INVOICE", "the corrected period", result.amount()));
            }
            default -> {
                if (more.signum() > 0) {
                    documents.add(document("INVOICE", "the lines that grew", more));
                }
                if (less.signum() > 0) {
                    documents.add(document("CREDIT_NOTE", "the lines that shrank", less));
                }
            }
        }
        documents.forEach(d -> d.put("policy", policy.name()));
        documents.forEach(d -> d.put("currency", result.currency()));
        return documents;
    }

    private static Map<String, Object> document(String kind, String of, BigDecimal amount) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("kind", kind);
        document.put("for", of);
        document.put("amount", amount.toPlainString());
        return document;
    }

    private static void validate(Request request) {
        if (request == null) {
            throw new IllegalArgumentException("body: required");
        }
        if ((request.contractKey() == null || request.contractKey().isBlank())
                && (request.priceVersion() == null || request.priceVersion().isBlank())) {
            throw new IllegalArgumentException("contractKey or priceVersion: one is required");
        }
        if (request.fromPeriod() == null || request.toPeriod() == null || request.toPeriod().isBefore(
                request.fromPeriod())) {
            throw new IllegalArgumentException("fromPeriod, toPeriod: required, toPeriod not before fromPeriod");
        }
        if (request.replacements() == null || request.replacements().isEmpty()) {
            throw new IllegalArgumentException("replacements: {billed price version: replacement} required");
        }
    }

    /** The hub-rated closes of the request, oldest first. */
    private static List<Long> closes(Connection connection, Request request) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT p.id FROM period_close p WHERE p.billing_mode = 'HUB_RATES'
                  AND p.period_start >= ? AND p.period_start <= ?
                  AND (?::text IS NULL OR p.contract_key = ?)
                  AND (?::text IS NULL OR EXISTS (SELECT 1 FROM rated_charge r WHERE r.close_id = p.id
                                                  AND r.price_version = ?))
                ORDER BY p.period_start, p.contract_key""")) {
            select.setTimestamp(1, Timestamp.from(request.fromPeriod()));
            select.setTimestamp(2, Timestamp.from(request.toPeriod()));
            select.setString(3, request.contractKey());
            select.setString(4, request.contractKey());
            select.setString(5, request.priceVersion());
            select.setString(6, request.priceVersion());
            List<Long> ids = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getLong(1));
                }
            }
            return ids;
        }
    }

    private Request load(Connection connection, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT contract_key, price_version, from_period, to_period, replacements::text FROM rerate
                WHERE id = ? FOR UPDATE""")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalArgumentException("re-rate " + id + ": no such re-rate");
                }
                Map<String, String> replacements = mapper.readValue(row.getString(5),
                        mapper.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, String.class));
                return new Request(row.getString(1), row.getString(2), row.getTimestamp(3).toInstant(),
                        row.getTimestamp(4).toInstant(), replacements);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static String contractOf(Connection connection, long closeId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT contract_key FROM period_close WHERE id = ?")) {
            select.setLong(1, closeId);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        }
    }

    private static void status(Connection connection, String id, String status) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE rerate SET status = ? WHERE id = ?")) {
            update.setString(1, status);
            update.setString(2, id);
            update.executeUpdate();
        }
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
