package io.meterbridge.billing;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meterbridge.masterdata.BillingPeriod;
import io.meterbridge.masterdata.ContractSchedule;
import io.meterbridge.masterdata.MasterData.Contract;
import io.meterbridge.masterdata.MasterData.LateUsagePolicy;
import io.meterbridge.masterdata.MasterDataStore;
import io.meterbridge.platform.Approvals;
import io.meterbridge.platform.AuditTrail;
import io.meterbridge.rating.CurrencyRule;
import io.meterbridge.rating.RatingEngine.ChargeLine;
import io.meterbridge.rating.RatingEngine.LineType;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The correction rows (table correction, V90) that late usage and re-rates write, and what their policy makes of
 * them: NEXT_CYCLE: CARRIED, billed by the next period's close ({@link #billCarried}); ADJUST and REBILL: APPROVED (the
 * delta documents are billing's delta delivery); HOLD: HELD until finance decides ({@link #decide}) and a second
 * person approves the decision (kind {@value #DECISION_KIND}). A contract with no next period in its validity has no
 * next cycle: NEXT_CYCLE falls back to ADJUST.
 */
@ApplicationScoped
public class Corrections {

    public static final String DECISION_KIND = "late-usage-decision";

    public record Written(String id, LateUsagePolicy policy, String status) {
    }

    private final DataSource dataSource;
    private final ObjectMapper mapper;
    private final AuditTrail audit;
    private final Approvals approvals;
    private final MasterDataStore masterData;

    public Corrections(DataSource dataSource, ObjectMapper mapper, AuditTrail audit, Approvals approvals,
            MasterDataStore masterData) {
        this.dataSource = dataSource;
        this.mapper = mapper;
        this.audit = audit;
        this.approvals = approvals;
        this.masterData = masterData;
    }

    /** The status a policy gives a new correction, after the ended-contract fallback. */
    static LateUsagePolicy effective(LateUsagePolicy policy, boolean nextCycle) {
        return policy == LateUsagePolicy.NEXT_CYCLE && !nextCycle ? LateUsagePolicy.ADJUST : policy;
    }

    static String status(LateUsagePolicy policy) {
        return switch (policy) {
            case NEXT_CYCLE -> "CARRIED";
            case ADJUST, REBILL -> "APPROVED";
            case HOLD -> "HELD";
        };
    }

    /** Writes a correction of a re-rated close in the caller's transaction (idempotent on its id). */
    Written write(Connection connection, String id, String source, PeriodRerating.Result result,
            LateUsagePolicy policy, AuditTrail.Actor actor, Long eventsCovered, String rerateId) throws SQLException {
        LateUsagePolicy applied = effective(policy, result.nextCycle());
        String status = status(applied);
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO correction (id, source, contract_key, period_start, period_end, close_id, policy, currency,
                  amount, lines, status, requested_by, events_covered, rerate_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING""")) {
            insert.setString(1, id);
            insert.setString(2, source);
            insert.setString(3, result.contract().key());
            insert.setTimestamp(4, Timestamp.from(result.period().start()));
            insert.setTimestamp(5, Timestamp.from(result.period().end()));
            insert.setLong(6, result.closeId());
            insert.setString(7, applied.name());
            insert.setString(8, result.currency());
            insert.setBigDecimal(9, result.difference());
            insert.setString(10, mapper.valueToTree(result.linesJson()).toString());
            insert.setString(11, status);
            insert.setString(12, actor.person());
            insert.setObject(13, eventsCovered);
            insert.setString(14, rerateId);
            if (insert.executeUpdate() == 0) {
                return new Written(id, applied, status);
            }
        }
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("source", source);
        after.put("contractKey", result.contract().key());
        after.put("period", result.month());
        after.put("policy", applied.name());
        after.put("status", status);
        after.put("amount", result.difference().toPlainString());
        after.put("currency", result.currency());
        audit.record(connection, actor, "correction.create", "correction", id, null, after);
        return new Written(id, applied, status);
    }

    /**
     * Finance's decision on a HELD correction: NEXT_CYCLE, ADJUST or REBILL, taking effect when a second person with
     * the approver role approves it. The correction waits as PENDING_APPROVAL meanwhile.
     */
    public Approvals.Request decide(String correctionId, LateUsagePolicy policy, AuditTrail.Actor actor)
            throws SQLException {
        if (policy == null || policy == LateUsagePolicy.HOLD) {
            throw new IllegalArgumentException("policy: a decision is one of NEXT_CYCLE, ADJUST, REBILL");
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                String status;
                String contractKey;
                String amount;
                String currency;
                try (PreparedStatement select = connection.prepareStatement(
                        "SELECT status, contract_key, amount, currency FROM correction WHERE id = ? FOR UPDATE")) {
                    select.setString(1, correctionId);
                    try (ResultSet row = select.executeQuery()) {
                        if (!row.next()) {
                            throw new IllegalArgumentException("correction " + correctionId + ": no such correction");
                        }
                        status = row.getString(1);
                        contractKey = row.getString(2);
                        amount = row.getBigDecimal(3).toPlainString();
                        currency = row.getString(4);
                    }
                }
                if (!"HELD".equals(status)) {
                    throw new io.meterbridge.platform.ApprovalConflictException("correction " + correctionId + " is "
                            + status + ", not HELD: only a held correction waits for a decision");
                }
                Approvals.Request request = approvals.request(connection, actor, DECISION_KIND, correctionId,
                        "late usage of " + contractKey + " (" + amount + " " + currency + "): " + policy,
                        Map.of("correctionId", correctionId, "policy", policy.name()));
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE correction SET status = 'PENDING_APPROVAL', approval_id = ? WHERE id = ?")) {
                    update.setLong(1, request.id());
                    update.setString(2, correctionId);
                    update.executeUpdate();
                }
                audit.record(connection, actor, "correction.decide", "correction", correctionId,
                        Map.of("status", status), Map.of("status", "PENDING_APPROVAL", "policy", policy.name(),
                                "approvalId", request.id()));
                connection.commit();
                return request;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** An approved decision: the correction takes the decided policy (NEXT_CYCLE falls back to ADJUST when ended). */
    void decisionApproved(Connection connection, Approvals.Request request, AuditTrail.Actor approver)
            throws SQLException {
        String id = request.payload().get("correctionId").asText();
        LateUsagePolicy decided = LateUsagePolicy.valueOf(request.payload().get("policy").asText());
        String contractKey;
        Instant periodStart;
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT contract_key, period_start FROM correction WHERE id = ? FOR UPDATE")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                contractKey = row.getString(1);
                periodStart = row.getTimestamp(2).toInstant();
            }
        }
        LateUsagePolicy applied = effective(decided, hasNextCycle(contractKey, periodStart));
        String status = status(applied);
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE correction SET status = ?, policy = ? WHERE id = ? AND status = 'PENDING_APPROVAL'")) {
            update.setString(1, status);
            update.setString(2, applied.name());
            update.setString(3, id);
            update.executeUpdate();
        }
        audit.record(connection, approver, "correction.approve", "correction", id,
                Map.of("status", "PENDING_APPROVAL"), Map.of("status", status, "policy", applied.name()));
    }

    /** A rejected decision: the correction is held again, for another decision. */
    void decisionRejected(Connection connection, Approvals.Request request, AuditTrail.Actor approver)
            throws SQLException {
        String id = request.payload().get("correctionId").asText();
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE correction SET status = 'HELD' WHERE id = ? AND status = 'PENDING_APPROVAL'")) {
            update.setString(1, id);
            update.executeUpdate();
        }
        audit.record(connection, approver, "correction.hold", "correction", id, Map.of("status", "PENDING_APPROVAL"),
                Map.of("status", "HELD"));
    }

    boolean hasNextCycle(String contractKey, Instant periodStart) {
        List<Contract> versions = PeriodCloseService.versionsByKey(masterData.current()).get(contractKey);
        if (versions == null) {
            return false;
        }
        ContractSchedule schedule = new ContractSchedule(versions);
        BillingPeriod period = schedule.periodAt(periodStart);
        return !schedule.parts(schedule.next(period)).isEmpty();
    }

    /**
     * NEXT_CYCLE: the close of a later period bills every CARRIED correction of the contract's earlier periods as
     * ADJUSTMENT lines, one per corrected line with a difference ("api_requests: late usage of 2026-09"), in the
     * close's transaction, and sets them BILLED_NEXT_CYCLE. Only corrections in the document's currency are billed.
     */
    static void billCarried(Connection connection, ObjectMapper mapper, long closeId, String contractKey,
            BillingPeriod period, ZoneId zone, DocumentBuilder document, CurrencyRule rule, String[] schemaRefs)
            throws SQLException {
        List<String> billed = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT id, source, period_start, lines::text FROM correction
                WHERE contract_key = ? AND status = 'CARRIED' AND period_end <= ? AND currency = ?
                ORDER BY period_start, created_at, id FOR UPDATE""")) {
            select.setString(1, contractKey);
            select.setTimestamp(2, Timestamp.from(period.start()));
            select.setString(3, document.currency());
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String id = rows.getString(1);
                    String what = "RERATE".equals(rows.getString(2)) ? "re-rate of " : "late usage of ";
                    String month = PeriodRerating.MONTH.format(rows.getTimestamp(3).toInstant().atZone(zone));
                    for (JsonNode line : mapper.readTree(rows.getString(4))) {
                        BigDecimal difference = new BigDecimal(line.get("difference").asText());
                        if (difference.signum() == 0) {
                            continue;
                        }
                        String metric = line.get("metric").asText();
                        ChargeLine charge = new ChargeLine(LineType.ADJUSTMENT, metric + ": " + what + month, null,
                                difference);
                        int lineNo = document.lineCount() + 1;
                        String ref = line.path("priceVersion").asText();
                        insertAdjustment(connection, mapper, closeId, lineNo, metric, charge, rule, ref, id, month,
                                line, schemaRefs);
                        document.charge(lineNo, metric, ref, document.currency(), charge, rule);
                    }
                    billed.add(id);
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("correction lines of contract " + contractKey + " are not JSON", e);
            }
        }
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE correction SET status = 'BILLED_NEXT_CYCLE', issued_at = now() WHERE id = ?")) {
            for (String id : billed) {
                update.setString(1, id);
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    private static void insertAdjustment(Connection connection, ObjectMapper mapper, long closeId, int lineNo,
            String metric, ChargeLine line, CurrencyRule rule, String ref, String correctionId, String month,
            JsonNode corrected, String[] schemaRefs) throws SQLException {
        Map<String, Object> definition = new LinkedHashMap<>();
        definition.put("correctionId", correctionId);
        definition.put("correctedPeriod", month);
        definition.put("correctedLine", corrected);
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO rated_charge (close_id, line_no, metric, line_type, description, quantity, amount, currency,
                  amount_minor, price_version, price_definition, schema_refs, usage_quantity, correction_id)
                VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?::jsonb, ?, NULL, ?)""")) {
            insert.setLong(1, closeId);
            insert.setInt(2, lineNo);
            insert.setString(3, metric);
            insert.setString(4, line.type().name());
            insert.setString(5, line.description());
            insert.setBigDecimal(6, line.amount());
            insert.setString(7, rule.currency());
            insert.setLong(8, rule.minorUnits(line.amount()));
            insert.setString(9, ref);
            insert.setString(10, mapper.valueToTree(definition).toString());
            insert.setArray(11, connection.createArrayOf("text", schemaRefs));
            insert.setString(12, correctionId);
            insert.executeUpdate();
        }
    }
}
