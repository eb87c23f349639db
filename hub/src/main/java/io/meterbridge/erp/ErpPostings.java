package io.meterbridge.erp;

import java.math.BigDecimal;
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

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.meterbridge.billing.CreditLedger;
import io.meterbridge.billing.DeliveryIds;
import io.meterbridge.erp.AccountingPolicies.MetricMapping;
import io.meterbridge.erp.AccountingPolicies.Policy;
import io.meterbridge.erp.FinancialDocuments.Document;
import io.meterbridge.erp.FinancialDocuments.Line;
import io.meterbridge.platform.ThrottledCall;
import io.meterbridge.platform.OutboxMessage;
import io.meterbridge.platform.RetrySchedule;
import io.meterbridge.masterdata.BillingPeriod;
import io.meterbridge.masterdata.MasterData;
import io.meterbridge.masterdata.MasterData.Contract;
import io.meterbridge.masterdata.MasterData.CustomerMapping;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
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
    static final String ATTEMPTS = "erpPostingAttempts";
    static final String CLAIMED = "claimedErpPostings";
    static final String ACCEPTED = "postingAccepted";
    static final String EXHAUSTED = "postingExhausted";

    public record Result(String posting, String exception) {
    }

    /** A posting as erp-sync loads it from its row (the postings topic carries only its id). */
    public record PostingMessage(String id, String erpSystem, String kind, JsonNode payload) {
    }

    private final DataSource dataSource;
    private final AccountingPolicies policies;
    private final ObjectMapper mapper;
    private final ErpConfig config;
    private final MeterRegistry registry;
    private final RetrySchedule schedule;

    public ErpPostings(DataSource dataSource, AccountingPolicies policies, ObjectMapper mapper, ErpConfig config,
            ErpRetryConfig retry, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.policies = policies;
        this.mapper = mapper;
        this.config = config;
        this.registry = registry;
        this.schedule = new RetrySchedule(retry.maximumRedeliveries(), java.time.Duration.ofMillis(retry.initialDelayMs()),
                java.time.Duration.ofMillis(retry.maximumDelayMs()));
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
        Optional<Contract> contract = data.contractOfBillingAccount(billingKey, doc.date());
        String contractKey = doc.contractKey() != null ? doc.contractKey() : contract.map(Contract::key).orElse(null);
        if (policy.get().currencyRef(doc.currency()).isEmpty()) {
            return exception(connection, documentId, null, doc.type().name(), unmappedCurrency(doc.currency(), policy.get()));
        }
        ObjectNode payload = header(doc.type().name(), postingId(doc), erp, customer.get(), policy.get(), doc.currency(),
                doc.date(), memo(doc, contractKey));
        payload.put("amount", doc.amount().toPlainString());
        if (doc.type() == FinancialDocuments.Type.REFUND) {
            if (doc.relatedSourceId() == null) {
                return exception(connection, documentId, null, doc.type().name(), "refund " + doc.sourceId() + " of "
                        + doc.sourceSystem() + " pays back no invoice payment the hub knows (its charge paid no invoice)");
            }
            // Paid out of the cash account the payment came into, against the payment it pays back (ledger order).
            payload.put("cashAccount", policy.get().cashAccount());
            payload.put("relatedExternalId", relatedId("mb-pay-", doc));
        } else if (doc.type() == FinancialDocuments.Type.PAYMENT) {
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
                ObjectNode posted = line(line.metric(), line.description(), line.amount(), mapping.get());
                if (mapping.get().defer() && doc.type() == FinancialDocuments.Type.INVOICE) {
                    // Deferred revenue is recognised over the service period: the billed period, its last day included.
                    Optional<LocalDate[]> service = servicePeriod(connection, closeId,
                            contract.map(Contract::timeZone).orElse(ZoneOffset.UTC));
                    if (service.isEmpty()) {
                        return exception(connection, documentId, null, doc.type().name(), "metric " + line.metric()
                                + " defers its revenue (policy " + policy.get().id() + ") but the document is linked "
                                + "to no closed period, so its service period is unknown");
                    }
                    posted.put("defer", true);
                    posted.put("revRecStartDate", service.get()[0].toString());
                    posted.put("revRecEndDate", service.get()[1].toString());
                }
                lines.add(posted);
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
        // A period that credit paid in full nets to 0.00 but still has revenue to accrue against the credit line.
        if (amountsByMetric.values().stream().allMatch(a -> a.signum() == 0)) {
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
        if (policy.get().currencyRef(currency).isEmpty()) {
            exception(connection, null, closeId, "ACCRUAL", unmappedCurrency(currency, policy.get())
                    + ": the usage accrual of " + contract.key() + " was not posted");
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
        if (total.signum() != 0) {
            journal.addObject().put("account", policy.get().accruedRevenueAccount()).put("debit", total.toPlainString())
                    .put("memo", "unbilled usage");
        }
        amountsByMetric.forEach((metric, amount) -> {
            if (amount.signum() > 0) {
                MetricMapping mapping = policy.get().metric(metric).orElseThrow();
                journal.add(line(metric, metric + " usage", amount, mapping).put("credit", amount.toPlainString()));
            } else if (amount.signum() < 0) {
                // A negative line (prepaid credit paid part of the period) is a debit, as on the invoice it stands for.
                MetricMapping mapping = policy.get().metric(metric).orElseThrow();
                journal.add(line(metric, metric, amount.negate(), mapping).put("debit", amount.negate().toPlainString()));
            }
        });
        return Optional.of(insert(connection, payload, null, closeId));
    }

    /**
     * The ERP side of a close's prepaid credit movements, in the close's transaction: consumed credit relieves the
     * contract liability (CREDIT_RELIEF: debit the policy's credits.deferredRevenueAccount, credit the revenue account
     * of its prepaid_credit mapping, which the invoice's negative credit line debits), and each expired rest is
     * breakage (CREDIT_BREAKAGE: debit deferred revenue, credit credits.breakageAccount). External ids are
     * deterministic: mb-crel-{contract}-{period start, yyyyMMdd} and mb-cbrk-{contract}-g{grant id}. A customer with
     * an ERP whose policy cannot post them gets an accounting exception, never a silent skip.
     */
    public List<String> creditMovementsAtClose(Connection connection, long closeId, Contract contract,
            BillingPeriod period, String currency, List<CreditLedger.Draw> draws, List<CreditLedger.Expiry> expiries,
            MasterData data) throws SQLException {
        List<String> ids = new ArrayList<>();
        Optional<CustomerMapping> customer = data.customerOfBillingAccount(contract.billingKey(), period.start());
        if (customer.isEmpty() || customer.get().erpSystem() == null || customer.get().erpCustomerId() == null) {
            return ids; // a customer without an ERP has no ledger of ours to relieve
        }
        Instant date = period.end().minusSeconds(1);
        String erp = customer.get().erpSystem();
        Optional<Policy> policy = policies.policy(erp, date);
        Optional<AccountingPolicies.CreditAccounts> accounts = policy.flatMap(policies::credits);
        Optional<MetricMapping> creditLine = policy.flatMap(p -> p.metric(MasterData.PREPAID_CREDIT_METRIC));
        if (accounts.isEmpty() || creditLine.isEmpty()) {
            exception(connection, null, closeId, "CREDIT_RELIEF", (policy.isEmpty()
                    ? "no accounting policy for ERP " + erp + " valid at " + date
                    : "policy " + policy.get().id() + " has no credits block or no " + MasterData.PREPAID_CREDIT_METRIC
                            + " mapping") + ": the prepaid credit of " + contract.key() + " was not posted");
            return ids;
        }
        String day = LocalDate.ofInstant(date, contract.timeZone()).toString();
        BigDecimal drawn = draws.stream().map(CreditLedger.Draw::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        if (drawn.signum() > 0) {
            String id = "mb-crel-" + DeliveryIds.safe(contract.key()) + "-"
                    + java.time.format.DateTimeFormatter.BASIC_ISO_DATE.format(LocalDate.ofInstant(period.start(), ZoneOffset.UTC));
            ObjectNode payload = header("CREDIT_RELIEF", id, erp, customer.get(), policy.get(), currency, date,
                    "Prepaid credit consumed by contract " + contract.key() + ", period " + day(period.start()) + " to "
                            + day(period.end()) + ", grants " + draws.stream().map(d -> String.valueOf(d.grantId())).toList());
            payload.put("date", day);
            payload.put("amount", drawn.toPlainString());
            ArrayNode journal = payload.putArray("journal");
            journal.addObject().put("account", accounts.get().deferredRevenueAccount()).put("debit", drawn.toPlainString())
                    .put("memo", "contract liability relieved");
            journal.add(line(MasterData.PREPAID_CREDIT_METRIC, "usage paid by prepaid credit", drawn, creditLine.get())
                    .put("account", creditLine.get().revenueAccount()).put("credit", drawn.toPlainString()));
            ids.add(insert(connection, payload, null, closeId));
        }
        for (CreditLedger.Expiry expiry : expiries) {
            String id = "mb-cbrk-" + DeliveryIds.safe(contract.key()) + "-g" + expiry.grantId();
            ObjectNode payload = header("CREDIT_BREAKAGE", id, erp, customer.get(), policy.get(), expiry.currency(),
                    date, "Prepaid credit of contract " + contract.key() + " expired unused (grant " + expiry.grantId()
                            + ", expiry " + expiry.expiredAt() + ")");
            payload.put("date", day);
            payload.put("amount", expiry.amount().toPlainString());
            ArrayNode journal = payload.putArray("journal");
            journal.addObject().put("account", accounts.get().deferredRevenueAccount())
                    .put("debit", expiry.amount().toPlainString()).put("memo", "contract liability released");
            journal.addObject().put("account", accounts.get().breakageAccount())
                    .put("credit", expiry.amount().toPlainString()).put("memo", "breakage income");
            ids.add(insert(connection, payload, null, closeId));
        }
        return ids;
    }

    private ObjectNode header(String kind, String id, String erp, CustomerMapping customer, Policy policy,
            String currency, Instant date, String memo) {
        ObjectNode payload = mapper.createObjectNode();
        payload.put("kind", kind);
        payload.put("externalId", id);
        payload.put("erpSystem", erp);
        payload.put("policy", policy.id());
        // Data minimisation: the ERP learns the customer's ERP id and legal entity, nothing about its users.
        ObjectNode erpCustomer = payload.putObject("customer").put("externalId", DeliveryIds.safe(customer.erpCustomerId()))
                .put("name", customer.erpCustomerId());
        // The customer's own currency (master data), which the ERP checks each document's currency against.
        if (customer.currency() != null) {
            erpCustomer.put("currency", customer.currency());
            policy.currencyRef(customer.currency()).ifPresent(ref -> erpCustomer.put("currencyRef", ref));
        }
        payload.put("legalEntity", policy.legalEntity());
        payload.put("currency", currency);
        // The ERP's own reference of the currency (NetSuite: the currency record's id) and the legal entity's currency
        // (Business Central names it with the empty code).
        payload.put("currencyRef", policy.currencyRef(currency).orElseThrow());
        payload.put("localCurrency", policy.currency());
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

    private static String unmappedCurrency(String currency, Policy policy) {
        return "currency " + currency + " has no " + policy.erpSystem() + " currency in policy " + policy.id()
                + " (currencies: " + policy.currencies().keySet() + ")";
    }

    /** First and last day (inclusive) of the closed period, in the contract's time zone. */
    private static Optional<LocalDate[]> servicePeriod(Connection connection, Long closeId, java.time.ZoneId zone)
            throws SQLException {
        if (closeId == null) {
            return Optional.empty();
        }
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT period_start, period_end FROM period_close WHERE id = ?")) {
            select.setLong(1, closeId);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                LocalDate start = LocalDate.ofInstant(rows.getTimestamp(1).toInstant(), zone);
                LocalDate end = LocalDate.ofInstant(rows.getTimestamp(2).toInstant(), zone).minusDays(1);
                return Optional.of(new LocalDate[] {start, end});
            }
        }
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
            case REFUND -> "mb-ref-";
        };
        return prefix + DeliveryIds.safe(doc.sourceSystem() + "-" + doc.sourceId());
    }

    private static String relatedInvoiceId(Document doc) {
        return relatedId("mb-inv-", doc);
    }

    private static String relatedId(String prefix, Document doc) {
        return prefix + DeliveryIds.safe(doc.sourceSystem() + "-" + doc.relatedSourceId());
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

    /**
     * Ledger order as a state of the row (alias {@code p}): an INVOICE whose period has an ACCRUAL not yet POSTED, or a
     * posting whose {@code relatedExternalId} (the invoice a credit memo or payment refers to, the payment a refund pays
     * back) has not POSTED, waits:
     * the relay does not publish it and erp-sync does not attempt it. It becomes due by itself once the posting it
     * waits for posts. The ERP API shows such a PENDING posting as WAITING.
     */
    public static final String WAITING = """
            (EXISTS (SELECT 1 FROM financial_document wd
                     JOIN erp_posting wa ON wa.close_id = wd.close_id AND wa.kind = 'ACCRUAL'
                     WHERE p.kind = 'INVOICE' AND wd.id = p.document_id AND wa.status <> 'POSTED')
             OR (p.payload->>'relatedExternalId' IS NOT NULL AND NOT EXISTS (
                     SELECT 1 FROM erp_posting wr WHERE wr.id = p.payload->>'relatedExternalId' AND wr.status = 'POSTED')))""";

    /** A posting claimed by the relay: its id (the whole Kafka message) and its partition key (the ERP customer). */
    public record Claim(String id, String key) {
    }

    /**
     * The relay's claim (route erp-outbox): up to 500 due PENDING postings that wait for nothing, locked with FOR
     * UPDATE SKIP LOCKED and marked published in one short transaction, so a concurrent relay skips them and, once
     * this commits, no longer finds them due. Due: never published, or its next attempt is due and it was not
     * published since it was scheduled, or published more than hub.erp.sync.republish-after ago and still pending.
     */
    public List<Claim> claim() throws SQLException {
        List<Claim> claimed = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement("""
                WITH due AS (
                    SELECT p.id FROM erp_posting p
                    WHERE p.status = 'PENDING' AND p.next_attempt_at <= now()
                      AND (p.published_at IS NULL OR p.published_at < p.next_attempt_at
                           OR p.published_at < now() - make_interval(secs => ?))
                      AND NOT %s
                    ORDER BY p.next_attempt_at LIMIT 500
                    FOR UPDATE OF p SKIP LOCKED)
                UPDATE erp_posting e SET published_at = now(), published_count = e.published_count + 1
                FROM due WHERE e.id = due.id
                RETURNING e.id, e.payload->'customer'->>'externalId'""".formatted(WAITING))) {
            update.setLong(1, config.republishAfter().toSeconds());
            try (ResultSet rows = update.executeQuery()) {
                while (rows.next()) {
                    claimed.add(new Claim(rows.getString(1), rows.getString(2)));
                }
            }
        }
        return claimed;
    }

    /** The relay's step before publishing: {id, key, message} maps, the message only {"id": ...}. */
    public List<Map<String, String>> claimDue(Exchange exchange) throws Exception {
        List<Claim> claimed = claim();
        exchange.setProperty(CLAIMED, claimed.stream().map(Claim::id).toList());
        List<Map<String, String>> messages = new ArrayList<>();
        for (Claim claim : claimed) {
            messages.add(OutboxMessage.of(mapper, claim.id(), claim.key()));
        }
        if (!claimed.isEmpty()) {
            registry.counter("meterbridge_erp_postings_published_total").increment(claimed.size());
        }
        return messages;
    }

    /** Publishing failed (Kafka down): the claimed postings are due again at the next tick. */
    @SuppressWarnings("unchecked")
    public void releaseClaims(Exchange exchange) throws SQLException {
        List<String> ids = exchange.getProperty(CLAIMED, List.class);
        if (ids == null || ids.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement(
                "UPDATE erp_posting SET published_at = NULL WHERE id = ANY(?) AND status = 'PENDING'")) {
            update.setArray(1, connection.createArrayOf("text", ids.toArray()));
            update.executeUpdate();
        }
        LOG.warnf("Publishing %d ERP postings failed; they are published again at the next tick", ids.size());
    }

    /**
     * Reads a message off the postings topic. Only its {@code id} is read: what is posted is the database row. A
     * message allows one attempt of a PENDING posting published since its last attempt and waiting for nothing;
     * anything else (an unknown id, a posted or failed posting, a duplicate or forged message) is logged, counted and
     * makes no call.
     */
    public void receive(Exchange exchange) throws Exception {
        String id = OutboxMessage.idOf(mapper, exchange.getMessage().getBody(byte[].class));
        exchange.getMessage().setHeader(ACCEPTED, false);
        if (id == null) {
            ignored("unreadable", null);
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE erp_posting p SET attempts = p.attempts + 1, last_attempt_at = now()
                    WHERE p.id = ? AND p.status = 'PENDING' AND p.published_at IS NOT NULL
                      AND (p.last_attempt_at IS NULL OR p.last_attempt_at < p.published_at)
                      AND NOT %s
                    RETURNING p.id, p.erp_system, p.kind, p.payload::text, p.attempts""".formatted(WAITING))) {
                update.setString(1, id);
                try (ResultSet rows = update.executeQuery()) {
                    if (rows.next()) {
                        PostingMessage posting = new PostingMessage(rows.getString(1), rows.getString(2),
                                rows.getString(3), mapper.readTree(rows.getString(4)));
                        exchange.setProperty(POSTING, posting);
                        exchange.setProperty(ATTEMPTS, rows.getInt(5));
                        exchange.getMessage().setHeader("erpSystem", posting.erpSystem());
                        exchange.getMessage().setHeader(ACCEPTED, true);
                        return;
                    }
                }
            }
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT p.status, %s FROM erp_posting p WHERE p.id = ?".formatted(WAITING))) {
                select.setString(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    String reason = !rows.next() ? "unknown"
                            : rows.getString(1).equals("PENDING") && rows.getBoolean(2) ? "waiting"
                            : rows.getString(1).toLowerCase(java.util.Locale.ROOT);
                    ignored(reason, id);
                }
            }
        }
    }

    private void ignored(String reason, String id) {
        // "pending": already attempted since its last publication (a duplicate or forged message), or not published.
        registry.counter("meterbridge_erp_messages_ignored_total", "reason", reason).increment();
        LOG.warnf("ERP posting message ignored (%s): %s", reason, id == null ? "no posting id" : id);
    }


    /**
     * The ERP id of the invoice a credit memo or payment refers to (exchange property {@code relatedErpId}); its
     * posting has POSTED, or {@link #receive} would not have taken the attempt.
     *
     * @return the ERP id of the related invoice, or null when the posting refers to none
     */
    public String prerequisites(Exchange exchange) throws SQLException {
        PostingMessage posting = exchange.getProperty(POSTING, PostingMessage.class);
        String related = posting.payload().path("relatedExternalId").asText(null);
        if (related == null) {
            return null;
        }
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
                "SELECT erp_id FROM erp_posting WHERE id = ? AND status = 'POSTED'")) {
            select.setString(1, related);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw new ErpException(posting.kind() + " " + posting.id() + " waits for " + related
                            + " to post", true, 0);
                }
                exchange.setProperty("relatedErpId", rows.getString(1));
                return rows.getString(1);
            }
        }
    }

    /**
     * An attempt failed (route erp-retry, the dead letter channel of erp-sync). A retryable failure is scheduled on
     * the row (next_attempt_at after the ERP's Retry-After, else hub.erp.retry.* backoff) and the message is done. An
     * ERP refusal (not retryable), a posting for an ERP the hub has no connector for, or the last allowed attempt sets
     * header {@code postingExhausted} for the dead letter.
     */
    public void attemptFailed(Exchange exchange) throws SQLException {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        PostingMessage posting = exchange.getProperty(POSTING, PostingMessage.class);
        exchange.getMessage().setHeader(EXHAUSTED, false);
        if (posting == null) {
            // Failed before the attempt was taken (PostgreSQL down): the row is still due and is published again.
            LOG.warnf("ERP posting message not handled: %s", String.valueOf(error));
            return;
        }
        int attempts = exchange.getProperty(ATTEMPTS, 1, Integer.class);
        ErpException erp = null;
        boolean misrouted = false;
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ErpException e && erp == null) {
                erp = e;
            }
            misrouted |= t instanceof IllegalArgumentException;
        }
        // Throttled (429, a busy pool): the attempt is given back, the wait for Retry-After stays (ThrottledCall).
        boolean throttled = ThrottledCall.in(error);
        if ((erp != null && !erp.retryable()) || (erp == null && misrouted) || (!throttled && schedule.exhausted(attempts))) {
            exchange.getMessage().setHeader(EXHAUSTED, true);
            return;
        }
        String reason = error == null ? "unknown" : error.getMessage();
        java.time.Duration wait = schedule.delay(attempts, erp == null ? null : erp.retryAfter());
        try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement("""
                UPDATE erp_posting SET last_error = ?, next_attempt_at = now() + make_interval(secs => ?),
                    attempts = CASE WHEN ? THEN greatest(attempts - 1, 0) ELSE attempts END
                WHERE id = ? AND status = 'PENDING'""")) {
            update.setString(1, reason);
            update.setDouble(2, wait.toMillis() / 1000.0);
            update.setBoolean(3, throttled);
            update.setString(4, posting.id());
            update.executeUpdate();
        }
        registry.counter("meterbridge_erp_posting_retries_total", "erp", posting.erpSystem()).increment();
        LOG.warnf("ERP posting %s to %s failed (attempt %d), next attempt in %d ms: %s", posting.id(),
                posting.erpSystem(), attempts, wait.toMillis(), reason);
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
            connection.commit();
        }
        registry.counter("meterbridge_erp_postings_total", "erp", posting.erpSystem(), "kind", posting.kind()).increment();
        LOG.infof("Posted %s %s to %s as %s", posting.kind(), posting.id(), posting.erpSystem(), erpId);
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
     * The dead letter of erp-sync (route erp-dead-letter, from erp-retry): the posting is FAILED with its reason (GET
     * /api/v1/erp/postings?status=FAILED) and re-sent by POST /api/v1/erp/postings/{id}/retry. Postings waiting for
     * it stay PENDING (shown as WAITING) and become due once it posts.
     */
    public void deadLetter(Exchange exchange) throws SQLException {
        PostingMessage posting = exchange.getProperty(POSTING, PostingMessage.class);
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = error == null ? "unknown" : error.getMessage();
        if (posting == null) {
            LOG.errorf("ERP posting message not handled (its row stays PENDING and is re-published): %s", reason);
            return;
        }
        try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement(
                "UPDATE erp_posting SET status = 'FAILED', last_error = ? WHERE id = ? AND status <> 'POSTED'")) {
            update.setString(1, reason);
            update.setString(2, posting.id());
            update.executeUpdate();
        }
        registry.counter("meterbridge_erp_dead_letters_total", "erp", posting.erpSystem()).increment();
        LOG.errorf("ERP posting %s to %s FAILED (refused, or its attempts are exhausted): %s", posting.id(), posting.erpSystem(), reason);
    }

    /**
     * Sends a FAILED posting again (same external id: the ERP upserts or finds it): PENDING, unpublished, due now, with
     * a fresh attempt budget; the relay publishes it at its next tick.
     */
    public boolean retry(String postingId) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement("""
                UPDATE erp_posting SET status = 'PENDING', published_at = NULL, last_attempt_at = NULL,
                       next_attempt_at = now(), attempts = 0
                WHERE id = ? AND status = 'FAILED'""")) {
            update.setString(1, postingId);
            return update.executeUpdate() == 1;
        }
    }
}
