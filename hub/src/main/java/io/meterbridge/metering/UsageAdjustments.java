package io.meterbridge.metering;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterbridge.masterdata.BillingPeriod;
import io.meterbridge.masterdata.MasterData;
import io.meterbridge.masterdata.MasterData.Aggregation;
import io.meterbridge.masterdata.MasterData.Contract;
import io.meterbridge.masterdata.MasterData.CustomerMapping;
import io.meterbridge.masterdata.MasterData.MetricFeed;
import io.meterbridge.metering.MeteringService.Line;
import io.meterbridge.metering.MeteringService.Quarantine;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Retractions and corrections (docs/architecture.md, "Retractions and corrections"): an event with {@code retracts} or
 * {@code corrects} = the id of an earlier event of its source takes that event's usage back, exactly once, in the
 * metering transaction of its batch.
 * <ul>
 * <li>Its own (source, id, metric) rows in metered_event are its idempotency key: a replay finds them and counts a
 * duplicate. Its rows lie in the original's bucket, contract and price version, late when that period is closed or
 * past its grace (like any late usage, so the late-usage policy bills the difference).</li>
 * <li>SUM and COUNT buckets move by the difference (retraction: minus the event's current value; correction: new minus
 * current); MAX, LATEST and UNIQUE_COUNT buckets are recomputed from the rows still live.</li>
 * <li>An original not metered yet: the adjustment waits in quarantine (reason {@code original_not_metered}) and is
 * applied in the transaction that meters the original. An original already retracted: nothing, a duplicate.</li>
 * </ul>
 * Adjustments are rare next to usage: they are applied one by one, not in the batched statements of ordinary events.
 */
@ApplicationScoped
public class UsageAdjustments {

    /** The close's chain of periods, as metering's own lines use it (late flags of corrections). */
    private static final io.meterbridge.masterdata.ContractSchedules schedules = new io.meterbridge.masterdata.ContractSchedules();

    static final String WAITING = "original_not_metered";

    private final ObjectMapper mapper;

    public UsageAdjustments(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** What a batch's adjustments did; {@code waiting} are the (source NUL id) keys left in quarantine. */
    public record Applied(int applied, int duplicates, int late, Set<String> waiting) {
        static final Applied NONE = new Applied(0, 0, 0, Set.of());
    }

    /** One recorded row of an original's family (its own row or an adjustment's), locked for this transaction. */
    private record Row(String eventId, String metric, String subject, Instant eventTime, Instant bucket,
            BigDecimal quantity, long customerMappingId, long contractId, String priceVersion, String supersededBy,
            String adjustment) {
    }

    /** The bucket row the adjustment moves: its aggregation and unit. */
    private record BucketTerms(Aggregation aggregation, String unit) {
    }

    Applied apply(Connection connection, List<MeteredEvent> adjustments, MasterData data) throws SQLException {
        if (adjustments.isEmpty()) {
            return Applied.NONE;
        }
        int applied = 0, duplicates = 0, late = 0;
        Set<String> waiting = new HashSet<>();
        Set<String> seen = new HashSet<>();
        for (MeteredEvent adjustment : adjustments) {
            if (!seen.add(adjustment.source() + '\u0000' + adjustment.id())) {
                duplicates++; // the same retraction twice in one poll
                continue;
            }
            switch (applyOne(connection, adjustment, data)) {
                case APPLIED -> applied++;
                case APPLIED_LATE -> {
                    applied++;
                    late++;
                }
                case DUPLICATE -> duplicates++;
                case WAITING, REFUSED -> waiting.add(adjustment.source() + '\u0000' + adjustment.id());
            }
        }
        return new Applied(applied, duplicates, late, waiting);
    }

    /**
     * Adjustments that waited in quarantine for an original that this batch metered: applied now, in the same
     * transaction, and out of quarantine.
     */
    Applied applyWaiting(Connection connection, List<Line> fresh, MasterData data) throws SQLException {
        if (fresh.isEmpty()) {
            return Applied.NONE;
        }
        Set<String> sources = new HashSet<>(), ids = new HashSet<>(), originals = new HashSet<>();
        for (Line line : fresh) {
            sources.add(line.event().source());
            ids.add(line.event().id());
            originals.add(line.event().source() + '\u0000' + line.event().id());
        }
        List<MeteredEvent> waiting = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT source, coalesce(event ->> 'retracts', event ->> 'corrects'), event::text FROM quarantined_event
                WHERE reason_code = ? AND source = ANY(?::text[])
                  AND coalesce(event ->> 'retracts', event ->> 'corrects') = ANY(?::text[])
                ORDER BY quarantined_at, event_id FOR UPDATE""")) {
            select.setString(1, WAITING);
            select.setArray(2, connection.createArrayOf("text", sources.toArray()));
            select.setArray(3, connection.createArrayOf("text", ids.toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    if (originals.contains(rows.getString(1) + '\u0000' + rows.getString(2))) {
                        waiting.add(MeteredEvent.of(read(rows.getString(3))));
                    }
                }
            }
        }
        if (waiting.isEmpty()) {
            return Applied.NONE;
        }
        Applied applied = apply(connection, waiting, data);
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM quarantined_event WHERE source = ? AND event_id = ?")) {
            for (MeteredEvent event : waiting) {
                if (!applied.waiting().contains(event.source() + '\u0000' + event.id())) {
                    delete.setString(1, event.source());
                    delete.setString(2, event.id());
                    delete.addBatch();
                }
            }
            delete.executeBatch();
        }
        return new Applied(applied.applied(), applied.duplicates(), applied.late(), Set.of());
    }

    private com.fasterxml.jackson.databind.JsonNode read(String json) {
        try {
            return mapper.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // The hub wrote this JSON itself (jsonb): unreadable is a defect, and the batch fails, to be retried.
            throw new IllegalStateException("quarantined event is not readable JSON", e);
        }
    }

    private enum Result { APPLIED, APPLIED_LATE, DUPLICATE, WAITING, REFUSED }

    private Result applyOne(Connection connection, MeteredEvent adjustment, MasterData data) throws SQLException {
        String source = adjustment.source();
        String original = adjustment.adjusts();
        if (recorded(connection, source, adjustment.id())) {
            return Result.DUPLICATE; // a replay of this very adjustment
        }
        List<Row> family = family(connection, source, original);
        if (family.stream().noneMatch(r -> r.eventId().equals(original))) {
            MeteringService.quarantine(connection, List.of(new Quarantine(adjustment, WAITING, "event '" + original
                    + "' of source '" + source + "' is not metered yet: this " + adjustment.adjustment().toLowerCase()
                    + "ion waits for it and is applied when it is metered")));
            return Result.WAITING;
        }
        if (family.stream().anyMatch(r -> r.eventId().equals(original) && r.adjustment() != null)) {
            // Taking back a correction's delta alone would leave the original half counted: name the original.
            MeteringService.quarantine(connection, List.of(new Quarantine(adjustment, "bad_adjustment_target", "event '"
                    + original + "' is itself a retraction or correction: " + adjustment.adjustment().toLowerCase()
                    + " its original instead")));
            return Result.REFUSED;
        }
        Map<String, List<Row>> byMetric = new LinkedHashMap<>();
        family.forEach(r -> byMetric.computeIfAbsent(r.metric(), m -> new ArrayList<>()).add(r));
        byMetric.values().removeIf(rows -> rows.stream().allMatch(r -> r.supersededBy() != null));
        if (byMetric.isEmpty()) {
            return Result.DUPLICATE; // retracted already: nothing of it is left to take back
        }
        Map<String, Line> corrected = new LinkedHashMap<>();
        if (adjustment.adjustment().equals("CORRECT")) {
            Row any = byMetric.values().iterator().next().get(0);
            String problem = correctedLines(adjustment.at(any.eventTime()), byMetric.keySet(), data, corrected);
            if (problem != null) {
                MeteringService.quarantine(connection, List.of(new Quarantine(adjustment, "bad_correction", problem)));
                return Result.REFUSED;
            }
        }
        boolean anyLate = false;
        for (Map.Entry<String, List<Row>> entry : byMetric.entrySet()) {
            String metric = entry.getKey();
            List<Row> rows = entry.getValue();
            Row live = rows.stream().filter(r -> r.supersededBy() == null).reduce((a, b) -> b).orElseThrow();
            BucketTerms terms = bucketTerms(connection, live);
            boolean additive = terms.aggregation() == Aggregation.SUM || terms.aggregation() == Aggregation.COUNT;
            // SUM/COUNT rows hold contributions, so the event's current value is their sum; the others hold values.
            BigDecimal current = additive
                    ? rows.stream().map(Row::quantity).reduce(BigDecimal.ZERO, BigDecimal::add) : live.quantity();
            Line newLine = corrected.get(metric);
            BigDecimal quantity;
            String uniqueValue = null;
            if (newLine == null) {
                quantity = current.negate();
            } else {
                quantity = additive ? newLine.quantity().subtract(current) : newLine.quantity();
                uniqueValue = newLine.uniqueValue();
            }
            boolean late = late(connection, adjustment, live, terms, data);
            anyLate |= late;
            insert(connection, adjustment, original, live, quantity.stripTrailingZeros(), uniqueValue, late);
            supersede(connection, source, original, metric, adjustment.id());
            moveBucket(connection, live, terms, additive ? quantity : null, newLine == null ? -1 : 0, late,
                    uniqueValue);
        }
        return anyLate ? Result.APPLIED_LATE : Result.APPLIED;
    }

    /** The correction's own lines, at its original's time, for the metrics the original counted. */
    private static String correctedLines(MeteredEvent correction, Set<String> metrics, MasterData data,
            Map<String, Line> lines) {
        Optional<CustomerMapping> customer = data.customer(correction.subject(), correction.time());
        if (customer.isEmpty()) {
            return "no customer mapping for tenant '" + correction.subject() + "' at " + correction.time();
        }
        for (MetricFeed feed : data.feeds(correction.type())) {
            if (!metrics.contains(feed.metric().id())) {
                continue;
            }
            Optional<Contract> contract = data.contract(customer.get().billingKey(), feed.metric().id(), correction.time());
            if (contract.isEmpty()) {
                continue;
            }
            try {
                lines.put(feed.metric().id(), MeteringService.line(correction, feed, customer.get(), contract.get(),
                        schedules.of(data, contract.get().key()), Instant.now()));
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        }
        if (!lines.keySet().containsAll(metrics)) {
            return "type '" + correction.type() + "' does not feed every metric its original counted " + metrics
                    + ": a correction keeps its original's type";
        }
        return null;
    }

    private static boolean recorded(Connection connection, String source, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT 1 FROM metered_event WHERE source = ? AND event_id = ? LIMIT 1")) {
            select.setString(1, source);
            select.setString(2, id);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static List<Row> family(Connection connection, String source, String original) throws SQLException {
        List<Row> family = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT event_id, metric, subject, event_time, bucket_start, quantity, customer_mapping_id, contract_id,
                  price_version_ref, superseded_by, adjustment
                FROM metered_event WHERE source = ? AND (event_id = ? OR adjusts = ?)
                ORDER BY metered_at, event_id FOR UPDATE""")) {
            select.setString(1, source);
            select.setString(2, original);
            select.setString(3, original);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    family.add(new Row(rows.getString(1), rows.getString(2), rows.getString(3),
                            rows.getTimestamp(4).toInstant(), rows.getTimestamp(5).toInstant(), rows.getBigDecimal(6),
                            rows.getLong(7), rows.getLong(8), rows.getString(9), rows.getString(10), rows.getString(11)));
                }
            }
        }
        return family;
    }

    private static BucketTerms bucketTerms(Connection connection, Row row) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT aggregation, unit FROM usage_hourly
                WHERE subject = ? AND contract_id = ? AND metric = ? AND bucket_start = ? FOR UPDATE""")) {
            bucketKey(select, row);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw new IllegalStateException("no usage_hourly bucket for metered row " + row);
                }
                return new BucketTerms(Aggregation.valueOf(rows.getString(1)), rows.getString(2));
            }
        }
    }

    /**
     * Late like any usage of its period: the period is past its grace, or closed already (then the batch's shared
     * close lock, taken by {@link MeteringService#lateAfterClose}, orders it against the close).
     */
    private static boolean late(Connection connection, MeteredEvent adjustment, Row live, BucketTerms terms,
            MasterData data) throws SQLException {
        boolean byGrace = false;
        String contractKey = null;
        Optional<CustomerMapping> customer = data.customer(live.subject(), live.eventTime());
        Optional<Contract> contract = customer.flatMap(c -> data.contract(c.billingKey(), live.metric(), live.eventTime()));
        if (contract.isPresent() && contract.get().id() == live.contractId()) {
            BillingPeriod period = schedules.of(data, contract.get().key()).periodAt(live.eventTime());
            byGrace = !Instant.now().isBefore(period.end().plus(contract.get().gracePeriod()));
            contractKey = contract.get().key();
        } else {
            try (PreparedStatement select = connection.prepareStatement("SELECT contract_key FROM contract WHERE id = ?")) {
                select.setLong(1, live.contractId());
                try (ResultSet rows = select.executeQuery()) {
                    contractKey = rows.next() ? rows.getString(1) : null;
                }
            }
        }
        if (byGrace || contractKey == null) {
            return byGrace;
        }
        Line line = Line.of(adjustment.at(live.eventTime()), live.metric(), terms.aggregation(), terms.unit(),
                live.bucket(), live.quantity(), null, live.customerMappingId(), live.contractId(), contractKey,
                live.priceVersion(), false);
        return MeteringService.lateAfterClose(connection, List.of(line)).get(0).late();
    }

    private static void insert(Connection connection, MeteredEvent adjustment, String original, Row live,
            BigDecimal quantity, String uniqueValue, boolean late) throws SQLException {
        boolean retraction = adjustment.adjustment().equals("RETRACT");
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO metered_event (source, event_id, metric, subject, event_time, bucket_start, quantity,
                  schema_ref, customer_mapping_id, contract_id, price_version_ref, late, unique_value, adjusts,
                  adjustment, superseded_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            insert.setString(1, adjustment.source());
            insert.setString(2, adjustment.id());
            insert.setString(3, live.metric());
            insert.setString(4, live.subject());
            insert.setTimestamp(5, Timestamp.from(live.eventTime()));
            insert.setTimestamp(6, Timestamp.from(live.bucket()));
            insert.setBigDecimal(7, quantity);
            insert.setString(8, adjustment.schemaRef());
            insert.setLong(9, live.customerMappingId());
            insert.setLong(10, live.contractId());
            insert.setString(11, live.priceVersion());
            insert.setBoolean(12, late);
            insert.setString(13, uniqueValue);
            insert.setString(14, original);
            insert.setString(15, adjustment.adjustment());
            // Nothing of a retracted event stays live, its retraction rows neither.
            insert.setString(16, retraction ? adjustment.id() : null);
            insert.executeUpdate();
        }
    }

    /** The rows the adjustment replaces are no longer live (a correction's own new row stays live). */
    private static void supersede(Connection connection, String source, String original, String metric,
            String adjustmentId) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE metered_event SET superseded_by = ?
                WHERE source = ? AND (event_id = ? OR adjusts = ?) AND metric = ? AND superseded_by IS NULL
                  AND event_id <> ?""")) {
            update.setString(1, adjustmentId);
            update.setString(2, source);
            update.setString(3, original);
            update.setString(4, original);
            update.setString(5, metric);
            update.setString(6, adjustmentId);
            update.executeUpdate();
        }
    }

    /**
     * SUM/COUNT: the bucket moves by {@code delta}. MAX/LATEST/UNIQUE_COUNT ({@code delta} null): recomputed from the
     * live rows of the bucket; a UNIQUE_COUNT value leaves the bucket when no live row counts it any more (rows metered
     * before V88 have no value recorded: while one of them is live in the bucket, values are kept, never guessed away).
     */
    private static void moveBucket(Connection connection, Row row, BucketTerms terms, BigDecimal delta, int events,
            boolean late, String newUniqueValue) throws SQLException {
        String quantity;
        if (delta != null) {
            quantity = "u.quantity + ?::numeric";
        } else if (terms.aggregation() == Aggregation.UNIQUE_COUNT) {
            try (PreparedStatement delete = connection.prepareStatement("""
                    DELETE FROM usage_unique_value v
                    WHERE v.subject = ? AND v.contract_id = ? AND v.metric = ? AND v.bucket_start = ?
                      AND NOT EXISTS (SELECT 1 FROM metered_event e
                        WHERE e.contract_id = v.contract_id AND e.metric = v.metric AND e.bucket_start = v.bucket_start
                          AND e.subject = v.subject AND e.superseded_by IS NULL
                          AND (e.unique_value = v.value OR e.unique_value IS NULL))""")) {
                bucketKey(delete, row);
                delete.executeUpdate();
            }
            if (newUniqueValue != null) {
                try (PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO usage_unique_value (subject, contract_id, metric, bucket_start, value)
                        VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")) {
                    bucketKey(insert, row);
                    insert.setString(5, newUniqueValue);
                    insert.executeUpdate();
                }
            }
            quantity = """
                    (SELECT count(*) FROM usage_unique_value v WHERE v.subject = u.subject
                       AND v.contract_id = u.contract_id AND v.metric = u.metric AND v.bucket_start = u.bucket_start)""";
        } else {
            String pick = terms.aggregation() == Aggregation.MAX ? "max(e.quantity)"
                    : "(array_agg(e.quantity ORDER BY e.event_time DESC, e.metered_at DESC))[1]";
            quantity = "coalesce((SELECT " + pick + " FROM metered_event e WHERE e.contract_id = u.contract_id"
                    + " AND e.metric = u.metric AND e.bucket_start = u.bucket_start AND e.subject = u.subject"
                    + " AND e.superseded_by IS NULL), 0)";
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE usage_hourly u SET quantity = " + quantity
                + ", event_count = u.event_count + ?, late_event_count = u.late_event_count + ?"
                + " WHERE u.subject = ? AND u.contract_id = ? AND u.metric = ? AND u.bucket_start = ?")) {
            int i = 1;
            if (delta != null) {
                update.setString(i++, delta.toPlainString());
            }
            update.setInt(i++, events);
            update.setInt(i++, late ? 1 : 0);
            update.setString(i++, row.subject());
            update.setLong(i++, row.contractId());
            update.setString(i++, row.metric());
            update.setTimestamp(i, Timestamp.from(row.bucket()));
            update.executeUpdate();
        }
    }

    private static void bucketKey(PreparedStatement statement, Row row) throws SQLException {
        statement.setString(1, row.subject());
        statement.setLong(2, row.contractId());
        statement.setString(3, row.metric());
        statement.setTimestamp(4, Timestamp.from(row.bucket()));
    }
}
