package io.meterbridge.metering;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.masterdata.BillingPeriod;
import io.meterbridge.masterdata.ContractSchedule;
import io.meterbridge.masterdata.ContractSchedules;
import io.meterbridge.masterdata.MasterData;
import io.meterbridge.masterdata.MasterData.Aggregation;
import io.meterbridge.masterdata.MasterData.Contract;
import io.meterbridge.masterdata.MasterData.ContractMetric;
import io.meterbridge.masterdata.MasterData.CustomerMapping;
import io.meterbridge.masterdata.MasterData.MetricFeed;
import io.meterbridge.masterdata.MasterDataStore;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Meters a micro-batch of accepted events exactly once. Content enricher: each event is attributed, as of its own
 * time, to a customer mapping and to the contract covering each metric its type feeds. Then ONE PostgreSQL
 * transaction records every (source, id, metric) with its lineage (the durable idempotent-consumer key: a row that
 * already exists is never counted again), folds only the newly recorded ones into hourly aggregates, and quarantines
 * what could not be attributed. The caller commits Kafka offsets after this returns, so a crash anywhere replays the
 * batch and the replay counts nothing twice.
 */
@ApplicationScoped
public class MeteringService {

    /** Longest distinct value of a UNIQUE_COUNT metric stored as sent (docs/api/ingest.md#limits). */
    public static final int MAX_DISTINCT_VALUE_LENGTH = 256;
    static final String DIGEST_PREFIX = "sha256:";

    private final DataSource dataSource;
    private final MasterDataStore masterData;
    private final ContractSchedules schedules = new ContractSchedules();
    private final MeterRegistry registry;
    private final UsageAdjustments adjustments;

    public MeteringService(DataSource dataSource, MasterDataStore masterData, MeterRegistry registry,
            UsageAdjustments adjustments) {
        this.dataSource = dataSource;
        this.masterData = masterData;
        this.registry = registry;
        this.adjustments = adjustments;
    }

    /** One event's contribution to one metric. Keys and texts are built once: they are compared and sorted a lot. */
    record Line(MeteredEvent event, String metric, Aggregation aggregation, String unit, Instant bucket,
            BigDecimal quantity, String uniqueValue, long customerMappingId, long contractId, String contractKey,
            String priceVersion, boolean late, String bucketText, String eventKey, String bucketKey) {

        static Line of(MeteredEvent event, String metric, Aggregation aggregation, String unit, Instant bucket,
                BigDecimal quantity, String uniqueValue, long customerMappingId, long contractId, String contractKey,
                String priceVersion, boolean late) {
            String bucketText = bucket.toString();
            return new Line(event, metric, aggregation, unit, bucket, quantity, uniqueValue, customerMappingId,
                    contractId, contractKey, priceVersion, late, bucketText,
                    event.source() + '\u0000' + event.id() + '\u0000' + metric,
                    event.subject() + '\u0000' + contractId + '\u0000' + metric + '\u0000' + bucketText);
        }

        /** The same line, late: its period was closed before it was metered. */
        Line asLate() {
            return new Line(event, metric, aggregation, unit, bucket, quantity, uniqueValue, customerMappingId,
                    contractId, contractKey, priceVersion, true, bucketText, eventKey, bucketKey);
        }
    }

    record Quarantine(MeteredEvent event, String code, String reason) {
    }

    /**
     * What a batch became: lines to record, events to quarantine, and retractions and corrections (in batch order),
     * which are applied against their originals' recorded rows in the batch's transaction.
     */
    public record Enriched(List<Line> lines, List<Quarantine> quarantined, List<MeteredEvent> adjustments,
            List<MeteredEvent> events, long version, MasterData data) {

        /** The part of the batch that is this one event (the same instance), for recording it on its own. */
        public Enriched only(MeteredEvent event) {
            return new Enriched(lines.stream().filter(l -> l.event() == event).toList(),
                    quarantined.stream().filter(q -> q.event() == event).toList(),
                    adjustments.stream().filter(a -> a == event).toList(), List.of(event), version, data);
        }
    }

    public record Outcome(int events, int metered, int duplicates, int quarantined, int late) {
    }

    /** Content enricher: attribution as of each event's time, from the cached master-data snapshot. */
    public Enriched enrich(List<MeteredEvent> events) {
        Enriched enriched = enrich(events, masterData.current());
        if (!enriched.quarantined().isEmpty()) {
            // Before quarantining, make sure the snapshot is not a few seconds behind a change that fixes it.
            MasterData fresh = masterData.refresh();
            if (fresh.version() != enriched.version()) {
                enriched = enrich(events, fresh);
            }
        }
        return enriched;
    }

    private Enriched enrich(List<MeteredEvent> events, MasterData data) {
        Instant now = Instant.now();
        List<Line> lines = new ArrayList<>(events.size());
        List<Quarantine> quarantined = new ArrayList<>();
        List<MeteredEvent> adjusting = new ArrayList<>();
        for (MeteredEvent event : events) {
            if (event.adjustment() != null) {
                adjusting.add(event); // attributed through its original's rows, in the transaction
                continue;
            }
            List<MetricFeed> feeds = data.feeds(event.type());
            if (feeds.isEmpty()) {
                quarantined.add(new Quarantine(event, "unknown_metric",
                        "no metric of the catalog is fed by event type '" + event.type() + "'"));
                continue;
            }
            var customer = data.customer(event.subject(), event.time());
            if (customer.isEmpty()) {
                quarantined.add(new Quarantine(event, "unknown_tenant",
                        "no customer mapping for tenant '" + event.subject() + "' at " + event.time()));
                continue;
            }
            int before = lines.size();
            String problem = null;
            for (MetricFeed feed : feeds) {
                var contract = data.contract(customer.get().billingKey(), feed.metric().id(), event.time());
                if (contract.isEmpty()) {
                    continue; // this customer is not billed for this metric
                }
                try {
                    lines.add(line(event, feed, customer.get(), contract.get(),
                            schedules.of(data, contract.get().key()), now));
                } catch (IllegalArgumentException e) {
                    problem = e.getMessage();
                }
            }
            if (problem != null) {
                lines.subList(before, lines.size()).clear(); // all of the event or none of it
                quarantined.add(new Quarantine(event, "bad_value", problem));
            } else if (lines.size() == before) {
                quarantined.add(new Quarantine(event, "no_contract", "billing account " + customer.get().billingKey()
                        + " has no contract covering a metric of event type '" + event.type() + "' at " + event.time()));
            }
        }
        return new Enriched(lines, quarantined, adjusting, events, data.version(), data);
    }

    static Line line(MeteredEvent event, MetricFeed feed, CustomerMapping customer, Contract contract,
            ContractSchedule schedule, Instant now) {
        Aggregation aggregation = feed.metric().aggregation();
        BigDecimal quantity = BigDecimal.ONE;
        String uniqueValue = null;
        if (aggregation == Aggregation.UNIQUE_COUNT) {
            JsonNode value = event.data().path(feed.field());
            if (value.isMissingNode() || value.isNull()) {
                throw new IllegalArgumentException("data." + feed.field() + ": missing, metric " + feed.metric().id() + " counts it");
            }
            uniqueValue = distinctValue(value.isValueNode() ? value.asText() : value.toString());
        } else if (aggregation != Aggregation.COUNT) {
            JsonNode value = event.data().path(feed.field());
            if (!value.isNumber()) {
                throw new IllegalArgumentException("data." + feed.field() + ": not a number, metric " + feed.metric().id() + " reads it");
            }
            quantity = value.decimalValue().multiply(feed.factor());
        }
        ContractMetric terms = contract.metrics().get(feed.metric().id());
        Instant bucket = event.time().atZone(contract.timeZone()).truncatedTo(ChronoUnit.HOURS).toInstant();
        // The close's chain of periods (after an anchor-day change, the short period), not the version's own anchor day.
        BillingPeriod period = schedule == null ? contract.periodOf(event.time()) : schedule.periodAt(event.time());
        boolean late = !now.isBefore(period.end().plus(contract.gracePeriod()));
        return Line.of(event, feed.metric().id(), aggregation, terms.unit(), bucket, quantity.stripTrailingZeros(),
                uniqueValue, customer.id(), contract.id(), contract.key(), terms.priceVersionRef(), late);
    }

    /**
     * A distinct value as usage_unique_value keeps it: as sent up to {@link #MAX_DISTINCT_VALUE_LENGTH} characters,
     * longer ones by their SHA-256 (same value, same digest, so the count is unchanged), or the primary key's btree
     * entry could outgrow its 2,704 bytes and fail the whole batch.
     */
    static String distinctValue(String value) {
        if (value.codePointCount(0, value.length()) <= MAX_DISTINCT_VALUE_LENGTH) {
            return value;
        }
        try {
            return DIGEST_PREFIX + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Idempotent consumer + aggregator: one transaction for the whole micro-batch. */
    public Outcome record(Enriched batch) throws SQLException {
        return record(batch, false);
    }

    /**
     * @param releasing true when the batch comes from quarantine: events attributed now leave it
     */
    public Outcome record(Enriched batch, boolean releasing) throws SQLException {
        // The same event twice in one poll (a producer retry) must become one line: the insert would keep one row
        // and RETURNING would name it once, but both copies would match it.
        Map<String, Line> unique = new LinkedHashMap<>();
        batch.lines().forEach(line -> unique.putIfAbsent(line.eventKey(), line));
        List<Line> sorted = new ArrayList<>(unique.values());
        sorted.sort(Comparator.comparing(Line::eventKey));
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                List<Line> lines = lateAfterClose(connection, sorted);
                Set<String> recorded = recordLines(connection, lines);
                List<Line> fresh = lines.stream().filter(l -> recorded.contains(l.eventKey())).toList();
                aggregate(connection, fresh);
                quarantine(connection, batch.quarantined());
                // Retractions and corrections of this batch, then those that waited for an original metered now.
                UsageAdjustments.Applied adjusted = adjustments.apply(connection, batch.adjustments(), batch.data());
                UsageAdjustments.Applied waited = adjustments.applyWaiting(connection, fresh, batch.data());
                if (releasing) {
                    release(connection, batch, adjusted.waiting());
                }
                connection.commit();
                Set<String> freshEvents = new HashSet<>();
                Set<String> allEvents = new HashSet<>();
                Set<String> lateEvents = new HashSet<>();
                for (Line line : lines) {
                    String eventKey = line.event().source() + '\u0000' + line.event().id();
                    allEvents.add(eventKey);
                    if (recorded.contains(line.eventKey())) {
                        freshEvents.add(eventKey);
                        if (line.late()) {
                            lateEvents.add(eventKey);
                        }
                    }
                }
                Outcome outcome = new Outcome(batch.events().size(),
                        freshEvents.size() + adjusted.applied() + waited.applied(),
                        allEvents.size() - freshEvents.size() + adjusted.duplicates() + waited.duplicates(),
                        batch.quarantined().size() + adjusted.waiting().size(),
                        lateEvents.size() + adjusted.late() + waited.late());
                count(outcome, releasing);
                return outcome;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** Events, not lines. A release counts what it metered as released, and its re-quarantines not at all. */
    private void count(Outcome outcome, boolean releasing) {
        if (releasing) {
            registry.counter("meterbridge.metering.events", "outcome", "released").increment(outcome.metered());
            return;
        }
        registry.counter("meterbridge.metering.events", "outcome", "metered").increment(outcome.metered());
        registry.counter("meterbridge.metering.events", "outcome", "duplicate").increment(outcome.duplicates());
        registry.counter("meterbridge.metering.events", "outcome", "quarantined").increment(outcome.quarantined());
        registry.counter("meterbridge.metering.events", "outcome", "late").increment(outcome.late());
    }

    /**
     * Usage of a period that is closed already is late, whatever the grace period says: the close is final, so the
     * late-usage record (metered_event.late, late_event_count, outcome="late") is what bills it later. The batch
     * first takes its contracts' close locks shared (PeriodCloseService takes them exclusively): a close either
     * committed before this batch reads period_close below, and its lines are late, or it waits until this batch has
     * committed and then reads its usage. So no line falls between a close and the late record. One lock statement
     * and one query per batch, in one lock order for every writer (by the lock's hash).
     */
    static List<Line> lateAfterClose(Connection connection, List<Line> lines) throws SQLException {
        if (lines.isEmpty()) {
            return lines;
        }
        Set<String> keys = new HashSet<>();
        Instant earliest = lines.get(0).bucket();
        for (Line line : lines) {
            keys.add(line.contractKey());
            earliest = line.bucket().isBefore(earliest) ? line.bucket() : earliest;
        }
        java.sql.Array keyArray = connection.createArrayOf("text", keys.toArray());
        try (PreparedStatement lock = connection.prepareStatement("""
                SELECT pg_advisory_xact_lock_shared(h) FROM (
                  SELECT DISTINCT hashtext('billing:' || k) AS h FROM unnest(?::text[]) AS t(k) ORDER BY h) locks""")) {
            lock.setArray(1, keyArray);
            lock.executeQuery().close();
        }
        Map<String, List<Instant[]>> closed = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT contract_key, period_start, period_end FROM period_close
                WHERE contract_key = ANY(?::text[]) AND period_end > ?""")) {
            select.setArray(1, keyArray);
            select.setTimestamp(2, java.sql.Timestamp.from(earliest));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    closed.computeIfAbsent(rows.getString(1), k -> new ArrayList<>()).add(new Instant[] {
                            rows.getTimestamp(2).toInstant(), rows.getTimestamp(3).toInstant()});
                }
            }
        }
        if (closed.isEmpty()) {
            return lines;
        }
        List<Line> result = new ArrayList<>(lines.size());
        for (Line line : lines) {
            boolean inClosedPeriod = !line.late() && closed.getOrDefault(line.contractKey(), List.of()).stream()
                    .anyMatch(p -> !line.bucket().isBefore(p[0]) && line.bucket().isBefore(p[1]));
            result.add(inClosedPeriod ? line.asLate() : line);
        }
        return result;
    }

    private static Set<String> recordLines(Connection connection, List<Line> lines) throws SQLException {
        Set<String> recorded = new HashSet<>(lines.size() * 2);
        if (lines.isEmpty()) {
            return recorded;
        }
        int n = lines.size();
        String[][] columns = new String[13][n];
        for (int i = 0; i < n; i++) {
            Line l = lines.get(i);
            columns[0][i] = l.event().source();
            columns[1][i] = l.event().id();
            columns[2][i] = l.metric();
            columns[3][i] = l.event().subject();
            columns[4][i] = l.event().timeText();
            columns[5][i] = l.bucketText();
            columns[6][i] = l.quantity().toPlainString();
            columns[7][i] = l.event().schemaRef();
            columns[8][i] = Long.toString(l.customerMappingId());
            columns[9][i] = Long.toString(l.contractId());
            columns[10][i] = l.priceVersion();
            columns[11][i] = Boolean.toString(l.late());
            columns[12][i] = l.uniqueValue();
        }
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO metered_event (source, event_id, metric, subject, event_time, bucket_start, quantity,
                  schema_ref, customer_mapping_id, contract_id, price_version_ref, late, unique_value)
                SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[],
                  ?::numeric[], ?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::boolean[], ?::text[])
                ON CONFLICT (source, event_id, metric) DO NOTHING
                RETURNING source, event_id, metric""")) {
            for (int c = 0; c < 13; c++) {
                insert.setArray(c + 1, connection.createArrayOf("text", columns[c]));
            }
            try (ResultSet rows = insert.executeQuery()) {
                while (rows.next()) {
                    recorded.add(rows.getString(1) + '\u0000' + rows.getString(2) + '\u0000' + rows.getString(3));
                }
            }
        }
        return recorded;
    }

    /** A bucket's contribution from this batch, folded per the metric's aggregation. */
    private static final class Bucket {
        final Line first;
        BigDecimal quantity;
        long events;
        long lateEvents;
        Instant latestTime;
        final Set<String> uniqueValues = new HashSet<>();

        Bucket(Line line) {
            first = line;
            quantity = line.quantity();
            latestTime = line.event().time();
        }

        void add(Line line) {
            switch (line.aggregation()) {
                case SUM, COUNT -> quantity = quantity.add(line.quantity());
                case MAX -> quantity = quantity.max(line.quantity());
                case LATEST -> {
                    if (!line.event().time().isBefore(latestTime)) {
                        quantity = line.quantity();
                    }
                }
                case UNIQUE_COUNT -> { }
            }
            if (line.event().time().isAfter(latestTime)) {
                latestTime = line.event().time();
            }
        }
    }

    private static void aggregate(Connection connection, List<Line> fresh) throws SQLException {
        if (fresh.isEmpty()) {
            return;
        }
        Map<String, Bucket> buckets = new LinkedHashMap<>();
        for (Line line : fresh) {
            Bucket bucket = buckets.get(line.bucketKey());
            if (bucket == null) {
                bucket = new Bucket(line);
                buckets.put(line.bucketKey(), bucket);
            } else {
                bucket.add(line);
            }
            bucket.events++;
            bucket.lateEvents += line.late() ? 1 : 0;
            if (line.uniqueValue() != null) {
                bucket.uniqueValues.add(line.uniqueValue());
            }
        }
        Map<String, Integer> newUniques = recordUniqueValues(connection, buckets);
        List<Map.Entry<String, Bucket>> sorted = new ArrayList<>(buckets.entrySet());
        sorted.sort(Map.Entry.comparingByKey()); // one lock order for every writer: no deadlocks
        int n = sorted.size();
        String[][] columns = new String[10][n];
        for (int i = 0; i < n; i++) {
            Bucket b = sorted.get(i).getValue();
            Line l = b.first;
            BigDecimal quantity = l.aggregation() == Aggregation.UNIQUE_COUNT
                    ? BigDecimal.valueOf(newUniques.getOrDefault(sorted.get(i).getKey(), 0)) : b.quantity;
            columns[0][i] = l.event().subject();
            columns[1][i] = Long.toString(l.contractId());
            columns[2][i] = l.metric();
            columns[3][i] = l.bucketText();
            columns[4][i] = l.aggregation().name();
            columns[5][i] = l.unit();
            columns[6][i] = quantity.toPlainString();
            columns[7][i] = Long.toString(b.events);
            columns[8][i] = Long.toString(b.lateEvents);
            columns[9][i] = b.latestTime.toString();
        }
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO usage_hourly AS u (subject, contract_id, metric, bucket_start, aggregation, unit, quantity,
                  event_count, late_event_count, latest_time)
                SELECT * FROM unnest(?::text[], ?::bigint[], ?::text[], ?::timestamptz[], ?::text[], ?::text[],
                  ?::numeric[], ?::bigint[], ?::bigint[], ?::timestamptz[])
                ON CONFLICT (subject, contract_id, metric, bucket_start) DO UPDATE SET
                  quantity = CASE u.aggregation
                    WHEN 'MAX' THEN greatest(u.quantity, EXCLUDED.quantity)
                    WHEN 'LATEST' THEN CASE WHEN EXCLUDED.latest_time >= u.latest_time THEN EXCLUDED.quantity ELSE u.quantity END
                    ELSE u.quantity + EXCLUDED.quantity END,
                  event_count = u.event_count + EXCLUDED.event_count,
                  late_event_count = u.late_event_count + EXCLUDED.late_event_count,
                  latest_time = greatest(u.latest_time, EXCLUDED.latest_time)""")) {
            for (int c = 0; c < 10; c++) {
                upsert.setArray(c + 1, connection.createArrayOf("text", columns[c]));
            }
            upsert.executeUpdate();
        }
    }

    /** Inserts the batch's distinct values per bucket; returns how many were new per bucket key. */
    private static Map<String, Integer> recordUniqueValues(Connection connection, Map<String, Bucket> buckets)
            throws SQLException {
        List<String[]> rows = new ArrayList<>();
        for (Bucket b : buckets.values()) {
            for (String value : b.uniqueValues) {
                Line l = b.first;
                // last column: the sort key, one lock order for every writer
                rows.add(new String[] {l.event().subject(), Long.toString(l.contractId()), l.metric(), l.bucketText(),
                        value, l.bucketKey() + '\u0000' + value});
            }
        }
        Map<String, Integer> fresh = new HashMap<>();
        if (rows.isEmpty()) {
            return fresh;
        }
        rows.sort(Comparator.comparing((String[] r) -> r[5]));
        String[][] columns = new String[5][rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            for (int c = 0; c < 5; c++) {
                columns[c][i] = rows.get(i)[c];
            }
        }
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO usage_unique_value (subject, contract_id, metric, bucket_start, value)
                SELECT * FROM unnest(?::text[], ?::bigint[], ?::text[], ?::timestamptz[], ?::text[])
                ON CONFLICT DO NOTHING
                RETURNING subject, contract_id, metric, bucket_start""")) {
            for (int c = 0; c < 5; c++) {
                insert.setArray(c + 1, connection.createArrayOf("text", columns[c]));
            }
            try (ResultSet inserted = insert.executeQuery()) {
                while (inserted.next()) {
                    String key = inserted.getString(1) + '\u0000' + inserted.getLong(2) + '\u0000' + inserted.getString(3)
                            + '\u0000' + inserted.getTimestamp(4).toInstant().toString();
                    fresh.merge(key, 1, Integer::sum);
                }
            }
        }
        return fresh;
    }

    static void quarantine(Connection connection, List<Quarantine> quarantined) throws SQLException {
        if (quarantined.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO quarantined_event (source, event_id, subject, event_type, event_time, reason_code, reason, event)
                VALUES (?, ?, ?, ?, ?::timestamptz, ?, ?, ?::jsonb)
                ON CONFLICT (source, event_id) DO UPDATE SET reason_code = EXCLUDED.reason_code,
                  reason = EXCLUDED.reason, attempts = quarantined_event.attempts + 1""")) {
            for (Quarantine q : quarantined) {
                MeteredEvent e = q.event();
                insert.setString(1, e.source());
                insert.setString(2, e.id());
                insert.setString(3, e.subject());
                insert.setString(4, e.type());
                insert.setString(5, e.time().toString());
                insert.setString(6, q.code());
                insert.setString(7, q.reason());
                insert.setString(8, e.raw().toString());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Events of a released batch that are no longer quarantined leave the quarantine table. */
    private static void release(Connection connection, Enriched batch, Set<String> waiting) throws SQLException {
        Set<String> stillQuarantined = new HashSet<>(waiting);
        batch.quarantined().forEach(q -> stillQuarantined.add(q.event().source() + '\u0000' + q.event().id()));
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM quarantined_event WHERE source = ? AND event_id = ?")) {
            for (MeteredEvent event : batch.events()) {
                if (!stillQuarantined.contains(event.source() + '\u0000' + event.id())) {
                    delete.setString(1, event.source());
                    delete.setString(2, event.id());
                    delete.addBatch();
                }
            }
            delete.executeBatch();
        }
    }
}
