package io.meterbridge.erp;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meterbridge.masterdata.MasterData;
import io.meterbridge.masterdata.MasterDataStore;
import io.meterbridge.rating.PriceBookStore;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.jboss.logging.Logger;

/**
 * Billing documents back from the platforms (webhooks and the polling fallback) become canonical financial documents
 * (invoice, credit memo, payment, refund) linked to the period close behind them, and, in the same transaction, an ERP
 * posting under the accounting policy, or an accounting exception with its reason. Each platform event is handled
 * once, whichever path brought it.
 */
@Named("financialDocuments")
@ApplicationScoped
public class FinancialDocuments {

    private static final Logger LOG = Logger.getLogger(FinancialDocuments.class);

    public enum Type {
        INVOICE, CREDIT_MEMO, PAYMENT, REFUND
    }

    /** A document line: its amount in major units and the metric whose revenue it is. */
    public record Line(String sourceLineId, String metric, String description, BigDecimal amount) {
    }

    /**
     * @param deliveryId  the hub's billing delivery behind the document, when the platform kept it (Stripe metadata)
     * @param periodStart the billed period's start, when the platform keeps the lines' dates (Chargebee date_from)
     */
    public record Document(String sourceSystem, String sourceId, Type type, String relatedSourceId, String contractKey,
            String deliveryId, String billingAccount, String currency, BigDecimal amount, Instant date, List<Line> lines,
            Instant periodStart) {

        Document withContract(String key) {
            return new Document(sourceSystem, sourceId, type, relatedSourceId, key, deliveryId, billingAccount, currency,
                    amount, date, lines, periodStart);
        }
    }

    /** What handling one platform event did. */
    public record Outcome(String eventId, String eventType, boolean duplicate, Long documentId, String posting,
            String exception) {
    }

    private final DataSource dataSource;
    private final MasterDataStore masterData;
    private final PriceBookStore prices;
    private final ErpPostings postings;
    private final ObjectMapper mapper;
    private final MeterRegistry registry;

    public FinancialDocuments(DataSource dataSource, MasterDataStore masterData, PriceBookStore prices,
            ErpPostings postings, ObjectMapper mapper, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.masterData = masterData;
        this.prices = prices;
        this.postings = postings;
        this.mapper = mapper;
        this.registry = registry;
    }

    /**
     * A Stripe event (invoice.finalized, invoice.paid, invoice.voided, credit_note.created, refund.created with its
     * charge expanded); other types are acknowledged only.
     */
    public Outcome stripeEvent(JsonNode event, String via) throws SQLException {
        String type = event.path("type").asText();
        JsonNode object = event.path("data").path("object");
        Optional<Document> document = switch (type) {
            case "invoice.finalized" -> Optional.of(stripeInvoice(object));
            case "invoice.paid" -> Optional.of(stripePayment(object));
            // A void invoice is owed no more: a credit memo of its whole amount reverses the posted invoice.
            case "invoice.voided" -> Optional.of(stripeVoid(object));
            case "credit_note.created" -> Optional.of(stripeCreditNote(object));
            // Money paid back: a refund of the invoice's payment (charge.refunded, sent beside it, says the same).
            case "refund.created" -> Optional.of(stripeRefund(object));
            default -> Optional.empty();
        };
        return handle("stripe", event.path("id").asText(), type, via, document, event);
    }

    /** A Chargebee event (invoice_generated, payment_succeeded, credit_note_created, payment_refunded). */
    public Outcome chargebeeEvent(JsonNode event, String via) throws SQLException {
        String type = event.path("event_type").asText();
        JsonNode content = event.path("content");
        Optional<Document> document = switch (type) {
            case "invoice_generated" -> Optional.of(chargebeeInvoice(content.path("invoice")));
            case "payment_succeeded" -> Optional.of(chargebeePayment(content));
            case "credit_note_created" -> Optional.of(chargebeeCreditNote(content.path("credit_note")));
            // Money paid back of a payment (its credit note comes as credit_note_created beside it).
            case "payment_refunded" -> Optional.of(chargebeeRefund(content));
            default -> Optional.empty();
        };
        return handle("chargebee", event.path("id").asText(), type, via, document, event);
    }

    private Outcome handle(String system, String eventId, String type, String via, Optional<Document> document,
            JsonNode event) throws SQLException {
        if (eventId.isBlank()) {
            throw new PlatformWebhooks.WebhookRejectedException(400, "the event has no id");
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                if (!claimEvent(connection, system, eventId, type, via)) {
                    connection.rollback();
                    registry.counter("meterbridge_platform_events_total", "source", system, "outcome", "duplicate").increment();
                    return new Outcome(eventId, type, true, null, null, null);
                }
                Outcome outcome = new Outcome(eventId, type, false, null, null, null);
                if (type.equals("invoice.payment_failed") || type.equals("payment_failed")) {
                    outcome = paymentFailed(connection, system, eventId, type, event);
                } else if (document.isPresent()) {
                    outcome = record(connection, eventId, type, document.get());
                }
                connection.commit();
                registry.counter("meterbridge_platform_events_total", "source", system, "outcome", "handled").increment();
                return outcome;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private Outcome record(Connection connection, String eventId, String type, Document found) throws SQLException {
        MasterData data = masterData.current();
        Document doc = found.contractKey() != null ? found : found.withContract(data.contractOfBillingAccount(
                found.sourceSystem() + ":" + found.billingAccount(), found.date()).map(MasterData.Contract::key).orElse(null));
        Long closeId = doc.deliveryId() == null ? null : closeOfDelivery(connection, doc.deliveryId());
        if (closeId == null && doc.contractKey() != null && doc.periodStart() != null) {
            closeId = closeOfPeriod(connection, doc.contractKey(), doc.periodStart());
        }
        if (closeId == null && (doc.type() == Type.REFUND || doc.type() == Type.CREDIT_MEMO)
                && doc.relatedSourceId() != null) {
            // a credit note (a correction's, or one made in the platform) belongs to the period of the invoice it credits
            closeId = closeOfDocument(connection, doc.sourceSystem(), doc.relatedSourceId());
        }
        Optional<Long> id = insert(connection, doc, closeId);
        if (id.isEmpty()) {
            // The same document through another event (a re-sent webhook with a new id): already recorded.
            return new Outcome(eventId, type, true, null, null, null);
        }
        ErpPostings.Result result = postings.forDocument(connection, id.get(), closeId, doc, data);
        LOG.infof("%s %s %s -> document %d, %s", doc.sourceSystem(), doc.type(), doc.sourceId(), id.get(),
                result.posting() != null ? "ERP posting " + result.posting() : "accounting exception: " + result.exception());
        return new Outcome(eventId, type, false, id.get(), result.posting(), result.exception());
    }

    private static boolean claimEvent(Connection connection, String system, String eventId, String type, String via)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO platform_event (source_system, event_id, event_type, received_via) VALUES (?, ?, ?, ?)
                ON CONFLICT DO NOTHING""")) {
            insert.setString(1, system);
            insert.setString(2, eventId);
            insert.setString(3, type);
            insert.setString(4, via);
            return insert.executeUpdate() == 1;
        }
    }

    private Optional<Long> insert(Connection connection, Document doc, Long closeId) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO financial_document (source_system, source_id, doc_type, related_source_id, contract_key,
                  close_id, billing_account, currency, amount, document_date, lines)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT DO NOTHING RETURNING id""")) {
            insert.setString(1, doc.sourceSystem());
            insert.setString(2, doc.sourceId());
            insert.setString(3, doc.type().name());
            insert.setString(4, doc.relatedSourceId());
            insert.setString(5, doc.contractKey());
            insert.setObject(6, closeId);
            insert.setString(7, doc.billingAccount());
            insert.setString(8, doc.currency());
            insert.setBigDecimal(9, doc.amount());
            insert.setTimestamp(10, Timestamp.from(doc.date()));
            insert.setString(11, mapper.valueToTree(doc.lines()).toString());
            try (ResultSet rows = insert.executeQuery()) {
                return rows.next() ? Optional.of(rows.getLong(1)) : Optional.empty();
            }
        }
    }

    private static Long closeOfPeriod(Connection connection, String contractKey, Instant periodStart) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT id FROM period_close WHERE contract_key = ? AND period_start = ?")) {
            select.setString(1, contractKey);
            select.setTimestamp(2, Timestamp.from(periodStart));
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getLong(1) : null;
            }
        }
    }

    /** The close of the document a refund pays back (its payment), if that document is recorded and linked. */
    private static Long closeOfDocument(Connection connection, String system, String sourceId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT close_id FROM financial_document WHERE source_system = ? AND source_id = ?")) {
            select.setString(1, system);
            select.setString(2, sourceId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? (Long) rows.getObject(1) : null;
            }
        }
    }

    private static Long closeOfDelivery(Connection connection, String deliveryId) throws SQLException {
        // A correction's delta document belongs to the period it corrects: the correction's close.
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT coalesce(d.close_id, c.close_id) FROM billing_delivery d
                LEFT JOIN correction c ON c.id = d.correction_id WHERE d.id = ?""")) {
            select.setString(1, deliveryId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? (Long) rows.getObject(1) : null;
            }
        }
    }

    /**
     * A failed payment changes nothing in the ledger (the invoice stays receivable), so no ERP document: an accounting
     * exception (kind PAYMENT_FAILED) tells finance, in the ERP exceptions API, which invoice and what the platform said.
     */
    private Outcome paymentFailed(Connection connection, String system, String eventId, String type, JsonNode event)
            throws SQLException {
        JsonNode invoice = system.equals("stripe") ? event.path("data").path("object") : event.path("content").path("invoice");
        String currency = system.equals("stripe") ? currency(invoice)
                : invoice.path("currency_code").asText().toUpperCase(Locale.ROOT);
        long dueMinor = invoice.path("amount_due").asLong(invoice.path("amount_remaining").asLong());
        String reason = system + " invoice " + invoice.path("id").asText() + " of " + invoice.path("customer")
                .asText(invoice.path("customer_id").asText()) + ": payment failed (attempt "
                + invoice.path("attempt_count").asInt(0) + "), " + major(currency, dueMinor).toPlainString() + " "
                + currency + " still due";
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO accounting_exception (kind, reason, source_system, platform_event)
                VALUES ('PAYMENT_FAILED', ?, ?, ?::jsonb)""")) {
            insert.setString(1, reason);
            insert.setString(2, system);
            insert.setString(3, event.toString());
            insert.executeUpdate();
        }
        registry.counter("meterbridge_accounting_exceptions_total", "kind", "PAYMENT_FAILED").increment();
        LOG.warnf("Payment failed: %s", reason);
        return new Outcome(eventId, type, false, null, null, reason);
    }

    // --- the polling fallback's checkpoint and set-aside events --------------------------------------------------

    /** The creation time (Unix s) of the newest event the polling fallback has seen of a platform, if any. */
    public Optional<Long> checkpoint(String system) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
                "SELECT last_created FROM platform_poll_checkpoint WHERE source_system = ?")) {
            select.setString(1, system);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(rows.getLong(1)) : Optional.empty();
            }
        }
    }

    /** Moves the checkpoint forward (never back: two replicas polling at once leave the newer one). */
    public void moveCheckpoint(String system, long created) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO platform_poll_checkpoint AS c (source_system, last_created) VALUES (?, ?)
                ON CONFLICT (source_system) DO UPDATE SET last_created = greatest(c.last_created, excluded.last_created),
                  updated_at = now()""")) {
            upsert.setString(1, system);
            upsert.setLong(2, created);
            upsert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("polling checkpoint of " + system + " not stored: " + e.getMessage(), e);
        }
    }

    /**
     * A polled event that could not be handled: an open accounting exception (kind PLATFORM_EVENT) holding the event,
     * once per event, for finance to see and replay. Its claim was rolled back, so a replay (or its webhook) handles it.
     */
    public void eventFailed(String system, JsonNode event, Exception error) throws SQLException {
        String id = event.path("id").asText();
        String type = event.path(system.equals("stripe") ? "type" : "event_type").asText();
        try (Connection connection = dataSource.getConnection(); PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO accounting_exception (kind, reason, source_system, platform_event)
                SELECT 'PLATFORM_EVENT', ?, ?, ?::jsonb WHERE NOT EXISTS (SELECT 1 FROM accounting_exception
                  WHERE source_system = ? AND platform_event ->> 'id' = ? AND resolved_at IS NULL)""")) {
            String object = system.equals("stripe") ? event.path("data").path("object").path("id").asText()
                    : event.path("content").path("invoice").path("id").asText();
            insert.setString(1, system + " event " + id + " (" + type + (object.isEmpty() ? "" : " of " + object)
                    + ") could not be handled: " + error.getMessage());
            insert.setString(2, system);
            insert.setString(3, event.toString());
            insert.setString(4, system);
            insert.setString(5, id);
            if (insert.executeUpdate() == 1) {
                registry.counter("meterbridge_accounting_exceptions_total", "kind", "PLATFORM_EVENT").increment();
                LOG.warnf("%s event %s (%s) set aside as an accounting exception: %s", system, id, type, error.getMessage());
            }
        }
    }

    /** The event of an open PLATFORM_EVENT exception: (system, event), or empty. */
    public Optional<Map.Entry<String, JsonNode>> setAsideEvent(long exceptionId) throws Exception {
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement("""
                SELECT source_system, platform_event::text FROM accounting_exception
                WHERE id = ? AND platform_event IS NOT NULL AND resolved_at IS NULL""")) {
            select.setLong(1, exceptionId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(Map.entry(rows.getString(1), mapper.readTree(rows.getString(2))))
                        : Optional.empty();
            }
        }
    }

    public void resolveSetAside(long exceptionId, String by) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement(
                "UPDATE accounting_exception SET resolved_at = now(), resolved_by = ? WHERE id = ? AND resolved_at IS NULL")) {
            update.setString(1, by);
            update.setLong(2, exceptionId);
            update.executeUpdate();
        }
    }

    // --- Stripe ---------------------------------------------------------------------------------------------------

    private Document stripeInvoice(JsonNode invoice) {
        String currency = currency(invoice);
        List<Line> lines = new ArrayList<>();
        for (JsonNode line : invoice.path("lines").path("data")) {
            lines.add(new Line(line.path("id").asText(), metricOf(line.path("metadata"), line.path("description").asText()),
                    line.path("description").asText(), major(currency, line.path("amount").asLong())));
        }
        JsonNode metadata = invoice.path("metadata");
        return new Document("stripe", invoice.path("id").asText(), Type.INVOICE, null, text(metadata, "contract_key"),
                text(metadata, "meterbridge_delivery"), invoice.path("customer").asText(), currency,
                major(currency, invoice.path("total").asLong()),
                seconds(invoice.path("status_transitions").path("finalized_at"), invoice.path("created")), lines, null);
    }

    private Document stripePayment(JsonNode invoice) {
        String currency = currency(invoice);
        JsonNode metadata = invoice.path("metadata");
        return new Document("stripe", invoice.path("id").asText() + "-payment", Type.PAYMENT, invoice.path("id").asText(),
                text(metadata, "contract_key"), text(metadata, "meterbridge_delivery"), invoice.path("customer").asText(),
                currency, major(currency, invoice.path("amount_paid").asLong()),
                seconds(invoice.path("status_transitions").path("paid_at"), invoice.path("created")), List.of(), null);
    }

    /** invoice.voided: a credit memo of the invoice's total and lines, related to the invoice it reverses. */
    private Document stripeVoid(JsonNode invoice) {
        Document original = stripeInvoice(invoice);
        return new Document("stripe", invoice.path("id").asText() + "-void", Type.CREDIT_MEMO, invoice.path("id").asText(),
                original.contractKey(), original.deliveryId(), original.billingAccount(), original.currency(),
                original.amount(), seconds(invoice.path("status_transitions").path("voided_at"), invoice.path("created")),
                original.lines(), null);
    }

    /**
     * refund.created: a REFUND document with the refund's id and amount, related to the payment document of the
     * invoice whose charge it refunds ({@code <invoice>-payment}, as invoice.paid records it). The charge is expanded
     * by {@link PlatformWebhooks} (Stripe's refund names only its charge); a refund of a charge that paid no invoice
     * has no related document, and the policy makes it an accounting exception.
     */
    private Document stripeRefund(JsonNode refund) {
        String currency = currency(refund);
        JsonNode charge = refund.path("charge");
        String invoice = charge.isObject() ? text(charge, "invoice") : null;
        return new Document("stripe", refund.path("id").asText(), Type.REFUND, invoice == null ? null : invoice + "-payment",
                text(refund.path("metadata"), "contract_key"), null, charge.path("customer").asText(), currency,
                major(currency, refund.path("amount").asLong()), seconds(refund.path("created"), refund.path("created")),
                List.of(), null);
    }

    private Document stripeCreditNote(JsonNode note) {
        String currency = currency(note);
        List<Line> lines = new ArrayList<>();
        for (JsonNode line : note.path("lines").path("data")) {
            lines.add(new Line(line.path("invoice_line_item").asText(line.path("id").asText()),
                    metricOf(line.path("metadata"), line.path("description").asText()), line.path("description").asText(),
                    major(currency, line.path("amount").asLong())));
        }
        return new Document("stripe", note.path("id").asText(), Type.CREDIT_MEMO, note.path("invoice").asText(),
                text(note.path("metadata"), "contract_key"), text(note.path("metadata"), "meterbridge_delivery"),
                note.path("customer").asText(), currency,
                major(currency, note.path("total").asLong(note.path("amount").asLong())),
                seconds(note.path("created"), note.path("created")), lines, null);
    }

    // --- Chargebee ------------------------------------------------------------------------------------------------

    private Document chargebeeInvoice(JsonNode invoice) {
        String currency = invoice.path("currency_code").asText().toUpperCase(Locale.ROOT);
        List<Line> lines = new ArrayList<>();
        for (JsonNode line : invoice.path("line_items")) {
            lines.add(new Line(line.path("id").asText(), metricOf(line.path("metadata"), line.path("description").asText()),
                    line.path("description").asText(), major(currency, line.path("amount").asLong())));
        }
        // The hub's invoices carry one kind of document-level discount: the prepaid credit drawn (ChargebeeDocuments).
        int discount = 0;
        for (JsonNode applied : invoice.path("discounts")) {
            discount++;
            if (applied.path("entity_type").asText().equals("document_level_discount")) {
                lines.add(new Line(invoice.path("id").asText() + "-discount-" + discount,
                        MasterData.PREPAID_CREDIT_METRIC, "prepaid credit applied (" + applied.path("description")
                                .asText("discount") + ")", major(currency, -applied.path("amount").asLong())));
            } else {
                lines.add(new Line(invoice.path("id").asText() + "-discount-" + discount, null,
                        applied.path("description").asText(applied.path("entity_type").asText()),
                        major(currency, -applied.path("amount").asLong())));
            }
        }
        return new Document("chargebee", invoice.path("id").asText(), Type.INVOICE, null, null, null,
                invoice.path("customer_id").asText(), currency, major(currency, invoice.path("total").asLong()),
                seconds(invoice.path("date"), invoice.path("generated_at")), lines,
                invoice.path("line_items").path(0).path("date_from").isNumber()
                        ? Instant.ofEpochSecond(invoice.path("line_items").path(0).path("date_from").asLong()) : null);
    }

    private Document chargebeePayment(JsonNode content) {
        JsonNode invoice = content.path("invoice");
        JsonNode transaction = content.path("transaction");
        String currency = invoice.path("currency_code").asText(transaction.path("currency_code").asText()).toUpperCase(Locale.ROOT);
        return new Document("chargebee", transaction.path("id").asText(invoice.path("id").asText() + "-payment"),
                Type.PAYMENT, invoice.path("id").asText(), null, null,
                invoice.path("customer_id").asText(transaction.path("customer_id").asText()), currency,
                major(currency, transaction.path("amount").asLong(invoice.path("amount_paid").asLong())),
                seconds(transaction.path("date"), invoice.path("paid_at")), List.of(), null);
    }

    /**
     * payment_refunded: a REFUND document with the refund transaction's id and amount, related to the payment document
     * of the transaction it pays back ({@code reference_transaction_id}: payment_succeeded records a payment under its
     * transaction id), as a Stripe refund is related to its invoice's payment.
     */
    private Document chargebeeRefund(JsonNode content) {
        JsonNode transaction = content.path("transaction");
        JsonNode invoice = content.path("invoice");
        String currency = transaction.path("currency_code").asText(invoice.path("currency_code").asText())
                .toUpperCase(Locale.ROOT);
        return new Document("chargebee", transaction.path("id").asText(), Type.REFUND,
                text(transaction, "reference_transaction_id"), null, null,
                transaction.path("customer_id").asText(invoice.path("customer_id").asText()), currency,
                major(currency, transaction.path("amount").asLong()), seconds(transaction.path("date"),
                        content.path("credit_note").path("refunded_at")), List.of(), null);
    }

    private Document chargebeeCreditNote(JsonNode note) {
        String currency = note.path("currency_code").asText().toUpperCase(Locale.ROOT);
        List<Line> lines = new ArrayList<>();
        for (JsonNode line : note.path("line_items")) {
            lines.add(new Line(line.path("id").asText(), metricOf(line.path("metadata"), line.path("description").asText()),
                    line.path("description").asText(), major(currency, line.path("amount").asLong())));
        }
        return new Document("chargebee", note.path("id").asText(), Type.CREDIT_MEMO,
                note.path("reference_invoice_id").asText(), null, null, note.path("customer_id").asText(), currency,
                major(currency, note.path("total").asLong()), seconds(note.path("date"), note.path("generated_at")), lines,
                null);
    }

    // --- helpers --------------------------------------------------------------------------------------------------

    /** The metric of a line: its metadata when the platform keeps it, else the "metric: ..." description we wrote. */
    static String metricOf(JsonNode metadata, String description) {
        if (metadata.hasNonNull("metric")) {
            return metadata.get("metric").asText();
        }
        int colon = description.indexOf(':');
        return colon > 0 ? description.substring(0, colon).trim() : null;
    }

    private static String currency(JsonNode object) {
        return object.path("currency").asText().toUpperCase(Locale.ROOT);
    }

    private BigDecimal major(String currency, long minor) {
        return BigDecimal.valueOf(minor).movePointLeft(prices.books().currency(currency).scale());
    }

    private static Instant seconds(JsonNode value, JsonNode fallback) {
        JsonNode chosen = value.isNumber() ? value : fallback;
        return chosen.isNumber() ? Instant.ofEpochSecond(chosen.asLong()) : Instant.now();
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : null;
    }
}
