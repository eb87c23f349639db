package io.meterbridge.billing;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meterbridge.billing.PeriodCloseService.Bucket;
import io.meterbridge.billing.PeriodCloseService.Segment;
import io.meterbridge.masterdata.BillingPeriod;
import io.meterbridge.masterdata.ContractSchedule;
import io.meterbridge.masterdata.ContractSchedule.Part;
import io.meterbridge.masterdata.MasterData;
import io.meterbridge.masterdata.MasterData.Aggregation;
import io.meterbridge.masterdata.MasterData.Contract;
import io.meterbridge.masterdata.MasterData.ContractMetric;
import io.meterbridge.masterdata.MasterDataStore;
import io.meterbridge.rating.CurrencyRule;
import io.meterbridge.rating.PriceBookStore;
import io.meterbridge.rating.PriceVersion;
import io.meterbridge.rating.RatingEngine.ChargeLine;
import io.meterbridge.rating.RatingEngine.LineType;
import io.meterbridge.rating.RatingEngine.Rating;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Rates a closed period again exactly as its close did (the same segments at contract and price version changes, the
 * same proration, included units, minimum charges and commitment, tier positions over the whole period's usage:
 * {@link PeriodCloseService#rateSegment}, {@link PeriodCloseService#commitmentLine}), with the usage as it is now (late
 * usage included) and either the billed price versions or replacements, and compares it line by line with what was
 * billed: the close's rated_charge lines plus the differences of the period's earlier corrections (not rejected).
 * <p>
 * Prepaid credits drawn at the close stay as they were: their lines (CREDITS_APPLIED, PREPAID_CREDIT) are carried over
 * with no difference, and a correction never draws or returns credit (the credit ledger is final at close).
 */
@ApplicationScoped
public class PeriodRerating {

    static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy-MM");

    /** One line of the comparison; billedAmount includes earlier corrections of the line. */
    public record Line(int lineNo, String metric, String lineType, String description, String priceVersion,
            String reratedPriceVersion, BigDecimal billedQuantity, BigDecimal quantity, BigDecimal billedAmount,
            BigDecimal amount, BigDecimal difference, Instant partStart) {

        String key() {
            return PeriodRerating.key(metric, lineType, partStart);
        }

        /** The shape of correction.lines (V90): decimal strings in the correction's currency. */
        Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("lineNo", lineNo);
            json.put("metric", metric);
            json.put("lineType", lineType);
            json.put("description", description);
            json.put("priceVersion", priceVersion);
            json.put("reratedPriceVersion", reratedPriceVersion);
            json.put("billedQuantity", plain(billedQuantity));
            json.put("quantity", plain(quantity));
            json.put("billedAmount", billedAmount.toPlainString());
            json.put("amount", amount.toPlainString());
            json.put("difference", difference.toPlainString());
            json.put("partStart", partStart == null ? null : partStart.toString());
            return json;
        }
    }

    /** The re-rating of one close. */
    public record Result(long closeId, Contract contract, BillingPeriod period, String currency, List<Line> lines,
            BigDecimal billed, BigDecimal amount, BigDecimal difference, long events, boolean nextCycle) {

        public boolean changes() {
            return lines.stream().anyMatch(l -> l.difference().signum() != 0);
        }

        public String month() {
            return MONTH.format(period.start().atZone(contract.timeZone()));
        }

        public List<Map<String, Object>> linesJson() {
            return lines.stream().map(Line::json).toList();
        }
    }

    private final MasterDataStore masterData;
    private final PriceBookStore prices;
    private final PeriodCloseService close;
    private final ObjectMapper mapper;

    public PeriodRerating(MasterDataStore masterData, PriceBookStore prices, PeriodCloseService close,
            ObjectMapper mapper) {
        this.masterData = masterData;
        this.prices = prices;
        this.close = close;
        this.mapper = mapper;
    }

    /**
     * Re-rates close {@code closeId}. {@code replacements}: billed price version id to the version that prices its
     * segments instead (empty: the billed versions, as for late usage).
     */
    public Result rerate(Connection connection, long closeId, Map<String, String> replacements) throws SQLException {
        String contractKey;
        Instant periodStart;
        String currency;
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT contract_key, period_start, currency, billing_mode FROM period_close WHERE id = ?")) {
            select.setLong(1, closeId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalArgumentException("close " + closeId + ": no such close");
                }
                contractKey = row.getString(1);
                periodStart = row.getTimestamp(2).toInstant();
                currency = row.getString(3);
                if (!MasterData.BillingMode.HUB_RATES.name().equals(row.getString(4))) {
                    throw new IllegalArgumentException("close " + closeId + " of contract " + contractKey
                            + " is platform-rated: its platform prices it, the hub has no lines to re-rate");
                }
            }
        }
        MasterData data = masterData.current();
        List<Contract> versions = PeriodCloseService.versionsByKey(data).get(contractKey);
        if (versions == null) {
            throw new IllegalStateException("close " + closeId + ": contract " + contractKey + " is not in master data");
        }
        ContractSchedule schedule = new ContractSchedule(versions);
        BillingPeriod period = schedule.periodAt(periodStart);
        List<Part> parts = schedule.parts(period);
        Contract contract = parts.get(parts.size() - 1).version();
        long periodSeconds = java.time.Duration.between(period.start(), period.end()).toSeconds();
        long[] contractIds = versions.stream().mapToLong(Contract::id).toArray();

        Map<String, Line> billed = billed(connection, closeId);
        Map<String, Line> rerated = new LinkedHashMap<>();
        Set<String> metricNames = new TreeSet<>();
        parts.forEach(p -> metricNames.addAll(p.version().metrics().keySet()));
        List<Rating> ratings = new ArrayList<>();
        long events = 0;
        for (String metricName : metricNames) {
            List<Segment> segments = PeriodCloseService.segments(metricName, parts);
            ContractMetric metric = segments.get(segments.size() - 1).term();
            List<Bucket> buckets = PeriodCloseService.buckets(connection, contractIds, metric.metric(), period);
            events += buckets.stream().mapToLong(Bucket::events).sum();
            Aggregation aggregation = data.metrics().get(metric.metric()).aggregation();
            for (Segment segment : segments) {
                BigDecimal quantity = PeriodCloseService.windowQuantity(connection, contractIds, metric.metric(),
                        segment.start(), segment.end(), aggregation, buckets);
                String billedRef = segment.term().priceVersionRef();
                PriceVersion price = close.priceOf(metric.metric(), segment, period, contractKey,
                        replacements.get(billedRef));
                CurrencyRule rule = prices.books().currency(price.currency());
                // No credit balance: credits drawn at close stay as they were (carried over below).
                Rating rating = PeriodCloseService.rateSegment(metric.metric(), segment, periodSeconds, price, rule,
                        quantity, BigDecimal.ZERO);
                ratings.add(rating);
                Instant partStart = periodSeconds == segment.seconds() ? null : segment.start();
                for (ChargeLine line : rating.lines()) {
                    rerated.put(key(metric.metric(), line.type().name(), partStart), new Line(0, metric.metric(),
                            line.type().name(), line.description(), billedRef, price.id(), null, quantity, null,
                            line.amount(), null, partStart));
                }
            }
        }
        if (currency != null) {
            Optional<ChargeLine> commitment = close.commitmentLine(parts, periodSeconds, currency, ratings);
            if (commitment.isPresent()) {
                String term = "contract:" + contract.key() + "@" + contract.validFrom();
                rerated.put(key(MasterData.COMMITMENT_METRIC, LineType.COMMITMENT_TRUE_UP.name(), null),
                        new Line(0, MasterData.COMMITMENT_METRIC, LineType.COMMITMENT_TRUE_UP.name(),
                                commitment.get().description(), term, term, null, null, null,
                                commitment.get().amount(), null, null));
            }
        } else {
            currency = ratings.isEmpty() ? null : ratings.get(0).currency();
        }
        // Credits stay as billed.
        billed.values().stream().filter(PeriodRerating::credit).forEach(l -> rerated.put(l.key(), new Line(0,
                l.metric(), l.lineType(), l.description(), l.priceVersion(), l.priceVersion(), null, null, null,
                l.billedAmount(), null, l.partStart())));

        List<Line> lines = new ArrayList<>();
        int nextNo = billed.values().stream().mapToInt(Line::lineNo).max().orElse(0) + 1;
        Set<String> keys = new java.util.LinkedHashSet<>(billed.keySet());
        keys.addAll(rerated.keySet());
        BigDecimal billedTotal = BigDecimal.ZERO, amountTotal = BigDecimal.ZERO;
        for (String key : keys) {
            Line was = billed.get(key), now = rerated.get(key);
            BigDecimal billedAmount = was == null ? BigDecimal.ZERO : was.billedAmount();
            BigDecimal amount = now == null ? BigDecimal.ZERO : now.amount();
            Line any = now != null ? now : was;
            lines.add(new Line(was != null ? was.lineNo() : nextNo++, any.metric(), any.lineType(),
                    now != null ? now.description() : was.description(),
                    was != null ? was.priceVersion() : now.priceVersion(),
                    now != null ? now.reratedPriceVersion() : was.priceVersion(),
                    was == null ? null : was.billedQuantity(), now == null ? null : now.quantity(), billedAmount,
                    amount, amount.subtract(billedAmount), any.partStart()));
            billedTotal = billedTotal.add(billedAmount);
            amountTotal = amountTotal.add(amount);
        }
        lines.sort(java.util.Comparator.comparingInt(Line::lineNo));
        BillingPeriod next = schedule.next(period);
        boolean nextCycle = !schedule.parts(next).isEmpty();
        return new Result(closeId, contract, period, currency, List.copyOf(lines), billedTotal, amountTotal,
                amountTotal.subtract(billedTotal), events, nextCycle);
    }

    private static boolean credit(Line line) {
        return line.lineType().equals(LineType.CREDITS_APPLIED.name())
                || line.lineType().equals(LineType.PREPAID_CREDIT.name());
    }

    /** The close's lines (its own, not the adjustments it carries for earlier periods) plus earlier corrections. */
    private Map<String, Line> billed(Connection connection, long closeId) throws SQLException {
        Map<String, Line> billed = new LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT line_no, metric, line_type, description, price_version, usage_quantity, amount, part_start
                FROM rated_charge r WHERE close_id = ? AND line_type <> 'ADJUSTMENT' ORDER BY line_no""")) {
            select.setLong(1, closeId);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    java.sql.Timestamp partStart = row.getTimestamp(8);
                    Instant start = partStart == null ? null : partStart.toInstant();
                    Line line = new Line(row.getInt(1), row.getString(2), row.getString(3), row.getString(4),
                            row.getString(5), null, row.getBigDecimal(6), null, row.getBigDecimal(7), null, null,
                            start);
                    billed.put(line.key(), line);
                }
            }
        }
        // A whole-period segment is keyed without its start (the close stores the period's start as part_start).
        Map<String, Line> normalized = new LinkedHashMap<>();
        for (Line line : billed.values()) {
            Line keyed = line;
            if (line.partStart() != null && wholePeriod(connection, closeId, line)) {
                keyed = withPartStart(line, null);
            }
            normalized.put(keyed.key(), keyed);
        }
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT lines::text FROM correction WHERE close_id = ? AND status <> 'REJECTED' ORDER BY created_at, id""")) {
            select.setLong(1, closeId);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    for (JsonNode corrected : mapper.readTree(row.getString(1))) {
                        Instant start = corrected.path("partStart").isTextual()
                                ? Instant.parse(corrected.get("partStart").asText()) : null;
                        String key = key(corrected.get("metric").asText(), corrected.path("lineType").asText(), start);
                        BigDecimal difference = new BigDecimal(corrected.get("difference").asText());
                        Line was = normalized.get(key);
                        BigDecimal quantity = corrected.path("quantity").isTextual()
                                ? new BigDecimal(corrected.get("quantity").asText()) : null;
                        if (was == null) {
                            normalized.put(key, new Line(corrected.get("lineNo").asInt(),
                                    corrected.get("metric").asText(), corrected.path("lineType").asText(),
                                    corrected.path("description").asText(), corrected.path("priceVersion").asText(),
                                    null, quantity, null, difference, null, null, start));
                        } else {
                            normalized.put(key, new Line(was.lineNo(), was.metric(), was.lineType(), was.description(),
                                    was.priceVersion(), null, quantity != null ? quantity : was.billedQuantity(), null,
                                    was.billedAmount().add(difference), null, null, was.partStart()));
                        }
                    }
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("correction lines of close " + closeId + " are not JSON", e);
            }
        }
        return normalized;
    }

    private static boolean wholePeriod(Connection connection, long closeId, Line line) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT bool_and(r.part_start = p.period_start AND r.part_end = p.period_end)
                FROM rated_charge r JOIN period_close p ON p.id = r.close_id WHERE r.close_id = ? AND r.line_no = ?""")) {
            select.setLong(1, closeId);
            select.setInt(2, line.lineNo());
            try (ResultSet row = select.executeQuery()) {
                return row.next() && row.getBoolean(1);
            }
        }
    }

    private static Line withPartStart(Line line, Instant partStart) {
        return new Line(line.lineNo(), line.metric(), line.lineType(), line.description(), line.priceVersion(),
                line.reratedPriceVersion(), line.billedQuantity(), line.quantity(), line.billedAmount(), line.amount(),
                line.difference(), partStart);
    }

    static String key(String metric, String lineType, Instant partStart) {
        return metric + "|" + lineType + "|" + (partStart == null ? "" : partStart.toString());
    }

    private static String plain(BigDecimal value) {
        return value == null ? null : value.stripTrailingZeros().toPlainString();
    }
}
