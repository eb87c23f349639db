package io.meterbridge.erp;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.meterbridge.billing.DeliveryIds;
import io.meterbridge.erp.AccountingPolicies.MetricMapping;
import io.meterbridge.erp.AccountingPolicies.Policy;
import io.meterbridge.erp.FinancialDocuments.Document;
import io.meterbridge.erp.FinancialDocuments.Line;
import io.meterbridge.platform.EventProducer;
import io.meterbridge.masterdata.BillingPeriod;
import io.meterbridge.masterdata.MasterData;
import io.meterbridge.masterdata.MasterData.Contract;
import io.meterbridge.masterdata.MasterData.CustomerMapping;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jboss.logging.Logger;

/**
 * ERP postings: the accounting policy applied to a financial document (or to a closed period, for the usage accrual)
 * gives an ERP-ready document with only the fields the policy allows; it is written to the erp_posting outbox,
 * published to Kafka and posted by erp-sync. A document the policy cannot post becomes an accounting exception.
 */
@Named("erpPostings")
@ApplicationScoped
public class ErpPostings {

    private static final Logger LOG = Logger.getLogger(ErpPostings.class);
    public static final String POSTING = "erpPosting";

    public record Result(String posting, String exception) {
    }

    /** A posting as it travels on the postings topic and through erp-sync. */
    public record PostingMessage(String id, String erpSystem, String kind, JsonNode payload) {
    }

    private final DataSource dataSource;
    private final AccountingPolicies policies;
    private final EventProducer producer;
    private final ObjectMapper mapper;
    private final ErpConfig config;
    private final MeterRegistry registry;

    public ErpPostings(DataSource dataSource, AccountingPolicies policies, EventProducer producer, ObjectMapper mapper,
            ErpConfig config, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.policies = policies;
        this.producer = producer;
        this.mapper = mapper;
        this.config = config;
        this.registry = registry;
    }

    // --- building postings under the policy ------------------------------------------------------------------------

    /** The ERP posting of a financial document, or an accounting exception saying why there is none. */
    Result forDocument(Connection connection, long documentId, Long closeId, Document doc, MasterData data)
            throws SQLException {
        String billingKey = doc.sourceSystem() + ":" + doc.billingAccount();
        Optional<CustomerMapping> customer = data.customerOfBillingAccount(billingKey, doc.date());
        if (customer.isEmpty() || customer.get().erpSystem() == null || customer.get().erpCustomerId() == null) {
            return exception(connection, documentId, null, doc.type().name(), "billing account " + billingKey
                    + " has no customer mapping with an ERP system and customer at " + doc.date());
        }
        String erp = customer.get().erpSystem();
        Optional<Policy> policy = policies.policy(erp, doc.date());
        if (policy.isEmpty()) {
            return exception(connection, documentId, null, doc.type().name(),
                    "no accounting policy for ERP " + erp + " valid at " + doc.date());
        }
        String contractKey = doc.contractKey() != null ? doc.contractKey()
                : data.contractOfBillingAccount(billingKey, doc.date()).map(Contract::key).orElse(null);
        ObjectNode payload = header(doc.type().name(), postingId(doc), erp, customer.get(), policy.get(), doc.currency(),
                doc.date(), memo(doc, contractKey));
        payload.put("amount", doc.amount().toPlainString());
        if (doc.type() == FinancialDocuments.Type.PAYMENT) {
            payload.put("cashAccount", policy.get().cashAccount());
            payload.put("relatedExternalId", relatedInvoiceId(doc));
        } else {
            List<String> unmapped = new ArrayList<>();
            ArrayNode lines = payload.putArray("lines");
            for (Line line : doc.lines()) {
                Optional<MetricMapping> mapping = line.metric() == null ? Optional.empty()
                        : policy.get().metric(line.metric());
                if (mapping.isEmpty()) {
                    unmapped.add(line.metric() == null ? "line '" + line.description() + "' names no metric"
                            : line.metric());
                    continue;
                }
                lines.add(line(line.metric(), line.description(), line.amount(), mapping.get()));
            }
            if (!unmapped.isEmpty()) {
                return exception(connection, documentId, null, doc.type().name(), "no accounting mapping for "
                        + new TreeSet<>(unmapped) + " in policy " + policy.get().id() + " of " + erp);
            }
            if (doc.type() == FinancialDocuments.Type.CREDIT_MEMO) {
                payload.put("relatedExternalId", relatedInvoiceId(doc));
            }
        }
        String id = insert(connection, payload, documentId, closeId);
        return new Result(id, null);
    }

    /**
     * The usage accrual of a hub-rated period at close: unbilled usage debited to accrued revenue and credited to each
     * metric's revenue account, posted before the invoice and reversed when the invoice posts.
     */
    public Optional<String> accrualAtClose(Connection connection, long closeId, Contract contract, BillingPeriod period,
            Map<String, BigDecimal> amountsByMetric, String currency, MasterData data) throws SQLException {
        BigDecimal total = amountsByMetric.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        if (total.signum() == 0) {
            return Optional.empty();
        }
        Optional<CustomerMapping> customer = data.customerOfBillingAccount(contract.billingKey(), period.start());
        if (customer.isEmpty() || customer.get().erpSystem() == null || customer.get().erpCustomerId() == null) {
            return Optional.empty(); // a customer without an ERP has nothing to accrue into
        }
        Instant date = period.end().minusSeconds(1);
        Optional<Policy> policy = policies.policy(customer.get().erpSystem(), date);
        if (policy.isEmpty() || !policy.get().accrual()) {
            return Optional.empty();
        }
        List<String> unmapped = amountsByMetric.keySet().stream().filter(m -> policy.get().metric(m).isEmpty()).toList();
        if (!unmapped.isEmpty()) {
            exception(connection, null, closeId, "ACCRUAL", "no accounting mapping for " + unmapped + " in policy "
                    + policy.get().id() + ": the usage accrual of " + contract.key() + " was not posted");
            return Optional.empty();
        }
        String id = "mb-accr-" + DeliveryIds.safe(contract.key()) + "-"
                + java.time.format.DateTimeFormatter.BASIC_ISO_DATE.format(LocalDate.ofInstant(period.start(), ZoneOffset.UTC));
        ObjectNode payload = header("ACCRUAL", id, customer.get().erpSystem(), customer.get(), policy.get(), currency, date,
                "Accrued usage revenue of contract " + contract.key() + ", period " + day(period.start()) + " to "
                        + day(period.end()));
        // The accrual belongs to the period's last day in the contract's time zone, not in UTC.
        payload.put("date", LocalDate.ofInstant(date, contract.timeZone()).toString());
        payload.put("amount", total.toPlainString());
        ArrayNode journal = payload.putArray("journal");
        journal.addObject().put("account", policy.get().accruedRevenueAccount()).put("debit", total.toPlainString())
                .put("memo", "unbilled usage");
        amountsByMetric.forEach((metric, amount) -> {
            if (amount.signum() != 0) {
                MetricMapping mapping = policy.get().metric(metric).orElseThrow();
                journal.add(line(metric, metric + " usage", amount, mapping).put("credit", amount.toPlainString()));
            }
        });
        return Optional.of(insert(connection, payload, null, closeId));
    }

    private ObjectNode header(String kind, String id, String erp, CustomerMapping customer, Policy policy,
            String currency, Instant date, String memo) {
        ObjectNode payload = mapper.createObjectNode();
        payload.put("kind", kind);
        payload.put("externalId", id);
        payload.put("erpSystem", erp);
        payload.put("policy", policy.id());
        // Data minimisation: the ERP learns the customer's ERP id and legal entity, nothing about its users.
        payload.putObject("customer").put("externalId", DeliveryIds.safe(customer.erpCustomerId()))
                .put("name", customer.erpCustomerId());
        payload.put("legalEntity", policy.legalEntity());
        payload.put("currency", currency);
        payload.put("date", day(date));
        payload.put("memo", memo);
        payload.put("receivablesAccount", policy.receivablesAccount());
        return payload;
    }

    private ObjectNode line(String metric, String description, BigDecimal amount, MetricMapping mapping) {
        ObjectNode line = mapper.createObjectNode();
        line.put("metric", metric);
        line.put("description", description);
        line.put("amount", amount.toPlainString());
        line.put("account", mapping.creditAccount());
        line.put("item", mapping.item());
        line.put("taxCode", mapping.taxCode());
        line.put("department", mapping.department());
        line.put("class", mapping.accountingClass());
        return line;
    }

    private static String memo(Document doc, String contractKey) {
        return doc.type().name().toLowerCase().replace('_', ' ') + " " + doc.sourceId() + " from " + doc.sourceSystem()
                + (contractKey == null ? "" : ", contract " + contractKey);
    }

    /** The ERP external id of a document: deterministic, only [A-Za-z0-9_-], so a retry upserts. */
    static String postingId(Document doc) {
        String prefix = switch (doc.type()) {
            case INVOICE -> "mb-inv-";
            case CREDIT_MEMO -> "mb-cm-";
            case PAYMENT -> "mb-pay-";
        };
        return prefix + DeliveryIds.safe(doc.sourceSystem() + "-" + doc.sourceId());
    }

    private static String relatedInvoiceId(Document doc) {
        return "mb-inv-" + DeliveryIds.safe(doc.sourceSystem() + "-" + doc.relatedSourceId());
    }

    private static String day(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC).toString();
    }

    private String insert(Connection connection, ObjectNode payload, Long documentId, Long closeId) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO erp_posting (id, document_id, close_id, erp_system, kind, payload)
                VALUES (?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT DO NOTHING""")) {
            insert.setString(1, payload.path("externalId").asText());
            insert.setObject(2, documentId);
            insert.setObject(3, closeId);
            insert.setString(4, payload.path("erpSystem").asText());
            insert.setString(5, payload.path("kind").asText());
            insert.setString(6, payload.toString());
            insert.executeUpdate();
        }
        return payload.path("externalId").asText();
    }

    private Result exception(Connection connection, Long documentId, Long closeId, String kind, String reason)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO accounting_exception (document_id, close_id, kind, reason) VALUES (?, ?, ?, ?)")) {
            insert.setObject(1, documentId);
            insert.setObject(2, closeId);
            insert.setString(3, kind);
            insert.setString(4, reason);
            insert.executeUpdate();
        }
        registry.counter("meterbridge_accounting_exceptions_total", "kind", kind).increment();
        LOG.warnf("Accounting exception (%s): %s", kind, reason);
        return new Result(null, reason);
    }

    // --- the outbox and erp-sync -------------------------------------------------------------------------------------

    /** Publishes pending postings not yet published (or published long ago and still pending) to the postings topic. */
    public int publishPending() throws Exception {
        List<PostingMessage> pending = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement("""
                SELECT id, erp_system, kind, payload::text FROM erp_posting
                WHERE status = 'PENDING'
                  AND (published_at IS NULL OR published_at < now() - make_interval(secs => ?))
                ORDER BY created_at LIMIT 500""")) {
            select.setLong(1, config.republishAfter().toSeconds());
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    pending.add(new PostingMessage(rows.getString(1), rows.getString(2), rows.getString(3),
                            mapper.readTree(rows.getString(4))));
                }
            }
        }
        if (pending.isEmpty()) {
            return 0;
        }
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (PostingMessage posting : pending) {
            acks.add(producer.send(new ProducerRecord<>(config.postingsTopic(),
                    posting.payload().path("customer").path("externalId").asText(), mapper.writeValueAsBytes(posting))));
        }
        for (Future<RecordMetadata> ack : acks) {
            ack.get(30, TimeUnit.SECONDS);
        }
        try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement(
                "UPDATE erp_posting SET published_at = now() WHERE id = ANY(?)")) {
            update.setArray(1, connection.createArrayOf("text", pending.stream().map(PostingMessage::id).toArray()));
            update.executeUpdate();
        }
        return pending.size();
    }

    /** Reads a posting off the topic; flags one already posted for the idempotent consumer. */
    public void receive(Exchange exchange) throws Exception {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        PostingMessage posting = mapper.readValue(new String(body, StandardCharsets.UTF_8), PostingMessage.class);
        exchange.setProperty(POSTING, posting);
        exchange.getMessage().setHeader("erpSystem", posting.erpSystem());
        try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement(
                "UPDATE erp_posting SET attempts = attempts + 1 WHERE id = ? RETURNING status")) {
            update.setString(1, posting.id());
            try (ResultSet rows = update.executeQuery()) {
                exchange.getMessage().setHeader("alreadyPosted", rows.next() && rows.getString(1).equals("POSTED"));
            }
        }
    }

    /**
     * The order the ledger needs: an invoice posts after its period's accrual, a credit memo or payment after its
     * invoice (whose ERP id it refers to). Until then the posting is retried (a retryable ErpException).
     *
     * @return the ERP id of the related invoice, or null when the posting refers to none
     */
    public String prerequisites(Exchange exchange) throws SQLException {
        PostingMessage posting = exchange.getProperty(POSTING, PostingMessage.class);
        try (Connection connection = dataSource.getConnection()) {
            if (posting.kind().equals("INVOICE")) {
                try (PreparedStatement select = connection.prepareStatement("""
                        SELECT a.id, a.status FROM erp_posting i
                        JOIN financial_document d ON d.id = i.document_id
                        JOIN erp_posting a ON a.close_id = d.close_id AND a.kind = 'ACCRUAL'
                        WHERE i.id = ?""")) {
                    select.setString(1, posting.id());
                    try (ResultSet rows = select.executeQuery()) {
                        if (rows.next() && !rows.getString(2).equals("POSTED")) {
                            throw new ErpException("invoice " + posting.id() + " waits for its accrual "
                                    + rows.getString(1), true, 0);
                        }
                    }
                }
            }
            String related = posting.payload().path("relatedExternalId").asText(null);
            if (related == null) {
                return null;
            }
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT status, erp_id FROM erp_posting WHERE id = ?")) {
                select.setString(1, related);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next() || !rows.getString(1).equals("POSTED")) {
                        throw new ErpException(posting.kind() + " " + posting.id() + " waits for invoice " + related
                                + " to post", true, 0);
                    }
                    exchange.setProperty("relatedErpId", rows.getString(2));
                    return rows.getString(2);
                }
            }
        }
    }

    /** Records the ERP's id; an invoice that posted triggers the reversal of its period's accrual. */
    public void posted(Exchange exchange) throws SQLException {
        PostingMessage posting = exchange.getProperty(POSTING, PostingMessage.class);
        String erpId = exchange.getMessage().getBody(String.class);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE erp_posting SET status = 'POSTED', erp_id = ?, posted_at = now(), last_error = NULL
                    WHERE id = ?""")) {
                update.setString(1, erpId);
                update.setString(2, posting.id());
                update.executeUpdate();
            }
            if (posting.kind().equals("INVOICE")) {
                reverseAccrual(connection, posting);
            }
            releaseWaiting(connection, posting);
            connection.commit();
        }
        registry.counter("meterbridge_erp_postings_total", "erp", posting.erpSystem(), "kind", posting.kind()).increment();
        LOG.infof("Posted %s %s to %s as %s", posting.kind(), posting.id(), posting.erpSystem(), erpId);
    }

    /**
     * Postings that gave up waiting for this one (their retries ran out while it was not posted) are sent again now
     * that it is: a credit memo or payment of this invoice, an invoice of this accrual's period.
     */
    private static void releaseWaiting(Connection connection, PostingMessage posted) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE erp_posting w SET status = 'PENDING', published_at = NULL
                WHERE w.status = 'FAILED' AND (w.payload->>'relatedExternalId' = ?
                   OR (? = 'ACCRUAL' AND w.kind = 'INVOICE' AND w.document_id IN (
                       SELECT d.id FROM financial_document d JOIN erp_posting a ON a.close_id = d.close_id
                       WHERE a.id = ?)))""")) {
            update.setString(1, posted.id());
            update.setString(2, posted.kind());
            update.setString(3, posted.id());
            int released = update.executeUpdate();
            if (released > 0) {
                LOG.infof("%d ERP postings waiting for %s sent again", released, posted.id());
            }
        }
    }

    private void reverseAccrual(Connection connection, PostingMessage invoice) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT a.id, a.close_id, a.payload::text FROM erp_posting i
                JOIN financial_document d ON d.id = i.document_id
                JOIN erp_posting a ON a.close_id = d.close_id AND a.kind = 'ACCRUAL'
                WHERE i.id = ?""")) {
            select.setString(1, invoice.id());
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return;
                }
                ObjectNode reversal = (ObjectNode) readTree(rows.getString(3));
                reversal.put("kind", "ACCRUAL_REVERSAL");
                reversal.put("externalId", rows.getString(1).replaceFirst("^mb-accr-", "mb-accrrev-"));
                reversal.put("date", invoice.payload().path("date").asText());
                reversal.put("memo", "Reversal of " + rows.getString(1) + ": invoiced by " + invoice.id());
                for (JsonNode line : reversal.path("journal")) {
                    ObjectNode swapped = (ObjectNode) line;
                    JsonNode debit = swapped.remove("debit");
                    JsonNode credit = swapped.remove("credit");
                    if (debit != null) {
                        swapped.set("credit", debit);
                    }
                    if (credit != null) {
                        swapped.set("debit", credit);
                    }
                }
                insert(connection, reversal, null, rows.getLong(2));
            }
        }
    }

    private JsonNode readTree(String json) {
        try {
            return mapper.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Dead letter channel of erp-sync: the posting is FAILED with its reason (GET /api/v1/erp/postings?status=FAILED),
     * re-sent by POST /api/v1/erp/postings/{id}/retry, or automatically once the posting it waited for posts.
     */
    public void deadLetter(Exchange exchange) throws SQLException {
        PostingMessage posting = exchange.getProperty(POSTING, PostingMessage.class);
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = error == null ? "unknown" : error.getMessage();
        if (posting == null) {
            LOG.errorf("Unreadable ERP posting dropped from the topic (its row stays PENDING and is re-published): %s", reason);
            return;
        }
        try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement(
                "UPDATE erp_posting SET status = 'FAILED', last_error = ? WHERE id = ? AND status <> 'POSTED'")) {
            update.setString(1, reason);
            update.setString(2, posting.id());
            update.executeUpdate();
        }
        registry.counter("meterbridge_erp_dead_letters_total", "erp", posting.erpSystem()).increment();
        LOG.errorf("ERP posting %s to %s failed after its retries: %s", posting.id(), posting.erpSystem(), reason);
    }

    /** Sends a FAILED posting again (same external id: the ERP upserts or finds it). */
    public boolean retry(String postingId) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement(
                "UPDATE erp_posting SET status = 'PENDING', published_at = NULL WHERE id = ? AND status = 'FAILED'")) {
            update.setString(1, postingId);
            return update.executeUpdate() == 1;
        }
    }
}
