package io.meterbridge.billing;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.meterbridge.billing.BillingDelivery.Kind;
import io.meterbridge.masterdata.MasterData.BillingMode;
import io.meterbridge.masterdata.MasterData.Contract;
import io.meterbridge.masterdata.MasterDataStore;
import io.meterbridge.rating.CurrencyRule;
import io.meterbridge.rating.PriceBookStore;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.jboss.logging.Logger;

/**
 * Issues APPROVED corrections (issue 12) as delta documents: in one transaction per correction, its billing deliveries
 * (billing_delivery with correction_id, ids rooted at the correction id) and status ISSUED; the billing outbox then
 * sends them like any other delivery. ADJUST: the lines with a positive difference become a delta invoice, the lines
 * with a negative one a credit note on the period's invoice. REBILL: a credit note of the whole billed invoice and a
 * new invoice with every corrected line. A correction that cannot be issued (platform-rated period, no invoice to
 * credit) is set aside as a billing exception of the correction; it stays APPROVED and is skipped from then on.
 */
@Named("correctionIssuer")
@ApplicationScoped
public class CorrectionIssuer {

    private static final Logger LOG = Logger.getLogger(CorrectionIssuer.class);

    private final DataSource dataSource;
    private final MasterDataStore masterData;
    private final PriceBookStore prices;
    private final ObjectMapper mapper;
    private final MeterRegistry registry;

    public CorrectionIssuer(DataSource dataSource, MasterDataStore masterData, PriceBookStore prices,
            ObjectMapper mapper, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.masterData = masterData;
        this.prices = prices;
        this.mapper = mapper;
        this.registry = registry;
    }

    /** A correction row as the issuer reads it. */
    record Correction(String id, String source, String contractKey, Instant periodStart, Instant periodEnd,
            Long closeId, String policy, String currency, BigDecimal amount, JsonNode lines) {
    }

    /** The period's invoice delivery (the close's), whose external_id is the platform invoice a credit note credits. */
    record PeriodInvoice(String deliveryId, String target, String kind, JsonNode payload, String billingMode) {
    }

    /** A correction that cannot be issued: its reason goes to the billing exception. */
    static final class NotIssuable extends Exception {
        NotIssuable(String message) {
            super(message);
        }
    }

    /** The timer's step (route correction-issue): every APPROVED correction without an open exception, oldest first. */
    public int issueApproved() throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement("""
                SELECT c.id FROM correction c WHERE c.status = 'APPROVED'
                  AND NOT EXISTS (SELECT 1 FROM billing_exception e WHERE e.correction_id = c.id AND e.replayed_at IS NULL)
                ORDER BY c.created_at LIMIT 100""")) {
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
        }
        int issued = 0;
        for (String id : ids) {
            if (issue(id)) {
                issued++;
            }
        }
        return issued;
    }

    /**
     * Issues one correction, once: locked (FOR UPDATE SKIP LOCKED, so two replicas never issue it twice) and still
     * APPROVED, its deliveries and its status ISSUED commit together.
     *
     * @return true when it was issued now
     */
    public boolean issue(String correctionId) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Optional<Correction> found = lock(connection, correctionId);
                if (found.isEmpty()) {
                    connection.rollback();
                    return false;
                }
                Correction correction = found.get();
                List<BillingDelivery> deliveries;
                try {
                    deliveries = deliveries(connection, correction);
                } catch (NotIssuable e) {
                    setAside(connection, correction, e.getMessage());
                    connection.commit();
                    return false;
                }
                for (BillingDelivery delivery : deliveries) {
                    insert(connection, correction.id(), delivery);
                }
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE correction SET status = 'ISSUED', issued_at = now() WHERE id = ?")) {
                    update.setString(1, correction.id());
                    update.executeUpdate();
                }
                connection.commit();
                registry.counter("meterbridge_corrections_issued_total", "policy", correction.policy()).increment();
                LOG.infof("Correction %s (%s, %s %s) issued as %s", correction.id(), correction.policy(),
                        correction.amount().toPlainString(), correction.currency(),
                        deliveries.stream().map(BillingDelivery::id).toList());
                return true;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private Optional<Correction> lock(Connection connection, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT id, source, contract_key, period_start, period_end, close_id, policy, currency, amount, lines::text
                FROM correction WHERE id = ? AND status = 'APPROVED' FOR UPDATE SKIP LOCKED""")) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Correction(rows.getString(1), rows.getString(2), rows.getString(3),
                        rows.getTimestamp(4).toInstant(), rows.getTimestamp(5).toInstant(), (Long) rows.getObject(6),
                        rows.getString(7), rows.getString(8), rows.getBigDecimal(9), read(rows.getString(10))));
            }
        }
    }

    /** The delta documents of a correction, per its policy. */
    List<BillingDelivery> deliveries(Connection connection, Correction correction) throws SQLException, NotIssuable {
        Long closeId = correction.closeId() != null ? correction.closeId()
                : closeOf(connection, correction.contractKey(), correction.periodStart());
        if (closeId == null) {
            throw new NotIssuable("correction " + correction.id() + ": the period " + day(correction.periodStart())
                    + " of " + correction.contractKey() + " has no close, so no invoice to correct");
        }
        String billingMode = billingModeOf(connection, closeId);
        if (BillingMode.PLATFORM_RATES.name().equals(billingMode)) {
            throw new NotIssuable("correction " + correction.id() + " (" + correction.policy() + ", "
                    + correction.amount().toPlainString() + " " + correction.currency() + "): the period "
                    + day(correction.periodStart()) + " of " + correction.contractKey() + " was billed on a "
                    + "platform-rated contract, whose invoice the platform prices; the hub issues no delta document "
                    + "there. Correct it in the billing platform, then resolve this exception");
        }
        Optional<PeriodInvoice> invoice = periodInvoice(connection, closeId);
        CurrencyRule rule = prices.books().currency(correction.currency());
        List<ObjectNode> more = new ArrayList<>();
        List<ObjectNode> less = new ArrayList<>();
        List<ObjectNode> corrected = new ArrayList<>();
        for (JsonNode line : correction.lines()) {
            BigDecimal difference = new BigDecimal(line.path("difference").asText("0"));
            BigDecimal amount = new BigDecimal(line.path("amount").asText("0"));
            if (difference.signum() > 0) {
                more.add(line(line, difference, rule));
            } else if (difference.signum() < 0) {
                less.add(line(line, difference.negate(), rule));
            }
            if (amount.signum() != 0) {
                corrected.add(line(line, amount, rule));
            }
        }
        Contract contract = contract(correction);
        String system = contract.billingSystem().toLowerCase(Locale.ROOT);
        List<BillingDelivery> deliveries = new ArrayList<>();
        switch (correction.policy()) {
            case "ADJUST" -> {
                if (!more.isEmpty()) {
                    deliveries.add(invoice(correction, contract, system, more, "Correction"));
                }
                if (!less.isEmpty()) {
                    deliveries.add(creditNote(correction, contract, system, requireInvoice(correction, invoice), less,
                            "Correction"));
                }
            }
            case "REBILL" -> {
                PeriodInvoice billed = requireInvoice(correction, invoice);
                List<ObjectNode> whole = new ArrayList<>();
                for (JsonNode line : billed.payload().path("lines")) {
                    if (line.path("amountMinor").asLong() < 0) {
                        // A credit note's lines are positive; a netted negative line (prepaid credit) would credit more
                        // than the invoice's lines say. Finance decides: ADJUST credits only the difference.
                        throw new NotIssuable("correction " + correction.id() + " (REBILL): invoice delivery "
                                + billed.deliveryId() + " has a negative line (" + line.path("description").asText()
                                + "), which a credit note cannot credit line by line; issue the correction as ADJUST");
                    }
                    ObjectNode credited = mapper.createObjectNode();
                    credited.put("lineNo", line.path("lineNo").asInt());
                    credited.put("metric", line.path("metric").asText());
                    credited.put("description", line.path("description").asText());
                    credited.put("amountMinor", line.path("amountMinor").asLong());
                    credited.put("amount", line.path("amount").asText());
                    whole.add(credited);
                }
                deliveries.add(creditNote(correction, contract, system, billed, whole, "Rebilled"));
                if (!corrected.isEmpty()) {
                    deliveries.add(invoice(correction, contract, system, corrected, "Rebill"));
                }
            }
            default -> throw new NotIssuable("correction " + correction.id() + " has policy " + correction.policy()
                    + ": only ADJUST and REBILL corrections are issued as delta documents");
        }
        if (deliveries.isEmpty()) {
            throw new NotIssuable("correction " + correction.id() + " has no line with a difference: nothing to issue");
        }
        return deliveries;
    }

    private static PeriodInvoice requireInvoice(Correction correction, Optional<PeriodInvoice> invoice)
            throws NotIssuable {
        return invoice.orElseThrow(() -> new NotIssuable("correction " + correction.id() + " (" + correction.policy()
                + ") credits the invoice of period " + day(correction.periodStart()) + " of " + correction.contractKey()
                + ", but that period has no invoice delivery (nothing was billed)"));
    }

    /** A delta invoice line: the corrected period's name in its description, "metric: ..." as the ERP reads it. */
    private ObjectNode line(JsonNode source, BigDecimal amount, CurrencyRule rule) {
        ObjectNode line = mapper.createObjectNode();
        String metric = source.path("metric").asText();
        line.put("lineNo", source.path("lineNo").asInt());
        line.put("metric", metric);
        line.put("priceVersion", source.path("reratedPriceVersion").asText(source.path("priceVersion").asText(null)));
        String description = source.path("description").asText(metric);
        line.put("description", description.startsWith(metric + ":") ? description : metric + ": " + description);
        line.put("amountMinor", rule.minorUnits(amount));
        line.put("amount", rule.round(amount).toPlainString());
        return line;
    }

    private BillingDelivery invoice(Correction correction, Contract contract, String system, List<ObjectNode> lines,
            String what) {
        String id = system + "-delta-invoice-" + DeliveryIds.safe(correction.id());
        ObjectNode payload = header(correction, contract, system);
        payload.put("description", what + " of contract " + correction.contractKey() + ", period "
                + period(correction, contract.timeZone()) + " (" + correction.id() + ")");
        ObjectNode collection = payload.putObject("collection");
        collection.put("method", contract.invoicing().collectionMethod());
        if (contract.invoicing().daysUntilDue() != null) {
            collection.put("daysUntilDue", contract.invoicing().daysUntilDue());
        }
        collection.put("autoAdvance", contract.invoicing().autoAdvance());
        ArrayNode array = payload.putArray("lines");
        for (ObjectNode line : lines) {
            ObjectNode copy = line.deepCopy();
            copy.put("key", id + "-line-" + line.path("lineNo").asInt());
            copy.put("type", "CORRECTION");
            copy.put("description", copy.path("description").asText() + " (period " + period(correction, contract.timeZone()) + ")");
            array.add(copy);
        }
        return new BillingDelivery(id, system, system.equals("stripe") ? Kind.STRIPE_INVOICE : Kind.CHARGEBEE_INVOICE,
                correction.contractKey(), payload);
    }

    private BillingDelivery creditNote(Correction correction, Contract contract, String system, PeriodInvoice invoice,
            List<ObjectNode> lines, String what) {
        String id = system + "-credit-note-" + DeliveryIds.safe(correction.id());
        ObjectNode payload = header(correction, contract, system);
        payload.put("invoiceDeliveryId", invoice.deliveryId());
        payload.put("reason", what + " of period " + period(correction, contract.timeZone()) + " (" + correction.policy() + ", "
                + correction.source() + ", " + correction.id() + ")");
        ArrayNode array = payload.putArray("lines");
        for (ObjectNode line : lines) {
            ObjectNode copy = line.deepCopy();
            copy.put("key", id + "-line-" + line.path("lineNo").asInt());
            copy.put("description", copy.path("description").asText() + " (period " + period(correction, contract.timeZone()) + ")");
            array.add(copy);
        }
        return new BillingDelivery(id, system, system.equals("stripe") ? Kind.STRIPE_CREDIT_NOTE
                : Kind.CHARGEBEE_CREDIT_NOTE, correction.contractKey(), payload);
    }

    private ObjectNode header(Correction correction, Contract contract, String system) {
        ObjectNode payload = mapper.createObjectNode();
        payload.put("contractKey", correction.contractKey());
        payload.put("correctionId", correction.id());
        payload.put("periodStart", correction.periodStart().getEpochSecond());
        payload.put("periodEnd", correction.periodEnd().getEpochSecond());
        if (system.equals("stripe")) {
            payload.put("customer", contract.billingAccountId());
        } else {
            payload.put("customerId", contract.billingAccountId());
            payload.put("subscriptionId", contract.billingSubscriptionId());
        }
        payload.put("currency", correction.currency());
        return payload;
    }

    /** The contract version that billed the period (its billing account and collection settings). */
    private Contract contract(Correction correction) throws NotIssuable {
        List<Contract> versions = PeriodCloseService.versionsByKey(masterData.current()).get(correction.contractKey());
        if (versions == null) {
            throw new NotIssuable("correction " + correction.id() + ": no contract " + correction.contractKey());
        }
        Contract contract = PeriodCloseService.versionCovering(versions, correction.periodStart());
        String system = contract.billingSystem().toLowerCase(Locale.ROOT);
        if (!system.equals("stripe") && !system.equals("chargebee")) {
            throw new NotIssuable("correction " + correction.id() + ": contract " + contract.key() + " bills in '"
                    + contract.billingSystem() + "': delta documents go to stripe and chargebee only");
        }
        return contract;
    }

    private static Long closeOf(Connection connection, String contractKey, Instant periodStart) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT id FROM period_close WHERE contract_key = ? AND period_start = ?")) {
            select.setString(1, contractKey);
            select.setTimestamp(2, java.sql.Timestamp.from(periodStart));
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getLong(1) : null;
            }
        }
    }

    private static String billingModeOf(Connection connection, long closeId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT billing_mode FROM period_close WHERE id = ?")) {
            select.setLong(1, closeId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    private Optional<PeriodInvoice> periodInvoice(Connection connection, long closeId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT d.id, d.target, d.kind, d.payload::text, p.billing_mode FROM billing_delivery d
                JOIN period_close p ON p.id = d.close_id
                WHERE d.close_id = ? AND d.kind IN ('STRIPE_INVOICE', 'CHARGEBEE_INVOICE') ORDER BY d.id LIMIT 1""")) {
            select.setLong(1, closeId);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new PeriodInvoice(rows.getString(1), rows.getString(2), rows.getString(3),
                        read(rows.getString(4)), rows.getString(5)));
            }
        }
    }

    private static void insert(Connection connection, String correctionId, BillingDelivery delivery)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO billing_delivery (id, correction_id, contract_key, target, kind, payload)
                VALUES (?, ?, ?, ?, ?, ?::jsonb)""")) {
            insert.setString(1, delivery.id());
            insert.setString(2, correctionId);
            insert.setString(3, delivery.contractKey());
            insert.setString(4, delivery.target());
            insert.setString(5, delivery.kind().name());
            insert.setString(6, delivery.payload().toString());
            insert.executeUpdate();
        }
    }

    private void setAside(Connection connection, Correction correction, String reason) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO billing_exception (correction_id, target, reason) VALUES (?, ?, ?)
                ON CONFLICT DO NOTHING""")) {
            insert.setString(1, correction.id());
            insert.setString(2, "correction");
            insert.setString(3, reason);
            if (insert.executeUpdate() == 1) {
                registry.counter("meterbridge_corrections_set_aside_total").increment();
                LOG.warnf("Correction set aside as a billing exception: %s", reason);
            }
        }
    }

    /** The corrected period, its last day included, in the contract's time zone (as the invoice names it). */
    private static String period(Correction correction, java.time.ZoneId zone) {
        return LocalDate.ofInstant(correction.periodStart(), zone) + " to "
                + LocalDate.ofInstant(correction.periodEnd().minusSeconds(1), zone);
    }

    private static String day(Instant instant) {
        return LocalDate.ofInstant(instant, java.time.ZoneOffset.UTC).toString();
    }

    private JsonNode read(String json) {
        try {
            return mapper.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("unreadable JSON in correction or delivery: " + e.getMessage(), e);
        }
    }
}
