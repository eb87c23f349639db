package io.meterbridge.billing;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.meterbridge.billing.connector.VendorCall;
import io.meterbridge.masterdata.BillingPeriod;
import io.meterbridge.masterdata.ContractSchedule;
import io.meterbridge.masterdata.MasterData;
import io.meterbridge.masterdata.MasterData.Contract;
import io.meterbridge.masterdata.MasterDataStore;
import io.meterbridge.rating.CurrencyRule;
import io.meterbridge.rating.PriceBookStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

/**
 * Prepaid credit on platform-rated Stripe contracts (route stripe-credit-item): Stripe prices the meter events, so the
 * hub learns what a period costs only from Stripe's draft invoice of the period, which Stripe keeps a draft for the
 * contract's finalization grace. The close writes a STRIPE_CREDIT_ITEM delivery when the contract has credit left;
 * once the close's meter events are delivered (the draft then bills all the period's usage), the delivery reads the
 * customer's draft invoices, takes the subscription invoice of the period, draws min(balance, invoice total) from the
 * ledger (the same order as a hub-rated close, once per close: a retry reuses the draws) and adds that amount as one
 * negative invoice item to the draft, idempotency key {delivery id}-item, metadata metric prepaid_credit. The relief
 * journal is written in the draw's transaction (CreditLedgerListener), like a hub-rated close's.
 */
@Named("stripeCredits")
@ApplicationScoped
public class StripeCreditDraws {

    private static final Logger LOG = Logger.getLogger(StripeCreditDraws.class);

    /** The amount (minor units) drawn for the delivery's invoice; 0: nothing to add. */
    public static final String CREDIT_MINOR = "stripeCreditMinor";
    /** True when the draft already has the delivery's credit item (an earlier attempt added it). */
    public static final String CREDIT_ON_INVOICE = "stripeCreditOnInvoice";

    private final DataSource dataSource;
    private final MasterDataStore masterData;
    private final PriceBookStore prices;
    private final CreditLedger ledger;
    private final Instance<CreditLedgerListener> listeners;

    public StripeCreditDraws(DataSource dataSource, MasterDataStore masterData, PriceBookStore prices,
            CreditLedger ledger, Instance<CreditLedgerListener> listeners) {
        this.dataSource = dataSource;
        this.masterData = masterData;
        this.prices = prices;
        this.ledger = ledger;
        this.listeners = listeners;
    }

    /** The delivery a platform-rated Stripe close writes when the contract has credit that may pay the period. */
    static BillingDelivery delivery(Contract contract, BillingPeriod period, long closeId, String currency,
            ObjectMapper mapper) {
        String day = PeriodCloseService.DAY.format(period.start().atZone(contract.timeZone()));
        String id = "stripe-credit-" + DeliveryIds.safe(contract.key()) + "-" + day;
        ObjectNode payload = mapper.createObjectNode();
        payload.put("contractKey", contract.key());
        payload.put("closeId", closeId);
        payload.put("customer", contract.billingAccountId());
        payload.put("currency", currency);
        payload.put("periodStart", period.start().getEpochSecond());
        payload.put("periodEnd", period.end().getEpochSecond());
        return new BillingDelivery(id, "stripe", BillingDelivery.Kind.STRIPE_CREDIT_ITEM, contract.key(), payload);
    }

    /**
     * Stripe's draft bills what it has received: the close's meter events must be delivered before its total is what
     * the period costs. Until then the attempt fails and billing-retry schedules the next one.
     */
    public void usageReported(Exchange exchange) throws SQLException {
        DeliveryMessage delivery = BillingDeliveries.current(exchange);
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement("""
                SELECT string_agg(id || ' ' || status, ', ') FROM billing_delivery
                WHERE close_id = ? AND kind = 'STRIPE_METER_EVENTS' AND status <> 'DELIVERED'""")) {
            select.setLong(1, delivery.payload().path("closeId").asLong());
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                if (rows.getString(1) != null) {
                    throw new IllegalStateException("delivery " + delivery.id() + " waits for the meter events of its"
                            + " period to reach Stripe (" + rows.getString(1) + ")");
                }
            }
        }
    }

    /** The customer's draft invoices (a draft is short-lived: the first page of 100 holds the period's). */
    public VendorCall draftInvoices(Exchange exchange) {
        JsonNode p = BillingDeliveries.current(exchange).payload();
        return VendorCall.get("/v1/invoices?customer=" + URLEncoder.encode(p.path("customer").asText(),
                StandardCharsets.UTF_8) + "&status=draft&limit=100");
    }

    /**
     * Finds the period's subscription invoice among the drafts and draws for it (once per close). No draft of the
     * period yet is a failed attempt (Stripe drafts it at the period's end); a finalized one is past reach.
     */
    public void draw(Exchange exchange) throws SQLException {
        DeliveryMessage delivery = BillingDeliveries.current(exchange);
        JsonNode p = delivery.payload();
        JsonNode invoice = null;
        for (JsonNode candidate : exchange.getMessage().getBody(JsonNode.class).path("data")) {
            if ("subscription_cycle".equals(candidate.path("billing_reason").asText())
                    && candidate.path("period_start").asLong() == p.path("periodStart").asLong()
                    && candidate.path("period_end").asLong() == p.path("periodEnd").asLong()) {
                invoice = candidate;
            }
        }
        if (invoice == null) {
            throw new IllegalStateException("delivery " + delivery.id() + ": Stripe has no draft subscription invoice"
                    + " of customer " + p.path("customer").asText() + " for [" + Instant.ofEpochSecond(p.path(
                            "periodStart").asLong()) + ", " + Instant.ofEpochSecond(p.path("periodEnd").asLong()) + ")");
        }
        exchange.setProperty(StripeDocuments.INVOICE_ID, invoice.path("id").asText());
        boolean onInvoice = false;
        for (JsonNode line : invoice.path("lines").path("data")) {
            onInvoice |= delivery.id().equals(line.path("metadata").path("line").asText(null));
        }
        exchange.setProperty(CREDIT_ON_INVOICE, onInvoice);
        String currency = p.path("currency").asText();
        CurrencyRule rule = prices.books().currency(currency);
        BigDecimal total = BigDecimal.valueOf(invoice.path("total").asLong()).movePointLeft(rule.scale());
        BigDecimal drawn = drawOnce(delivery, p, currency, total);
        exchange.setProperty(CREDIT_MINOR, rule.minorUnits(drawn));
        LOG.infof("Delivery %s: Stripe draft %s totals %s %s, prepaid credit drawn %s", delivery.id(),
                invoice.path("id").asText(), total.toPlainString(), currency, drawn.toPlainString());
    }

    /** The close's draws: the existing ones (a retry), or min(balance, total) drawn now, with expiries and relief. */
    private BigDecimal drawOnce(DeliveryMessage delivery, JsonNode p, String currency, BigDecimal total)
            throws SQLException {
        String key = p.path("contractKey").asText();
        long closeId = p.path("closeId").asLong();
        BillingPeriod period = new BillingPeriod(Instant.ofEpochSecond(p.path("periodStart").asLong()),
                Instant.ofEpochSecond(p.path("periodEnd").asLong()));
        MasterData data = masterData.current();
        List<Contract> versions = PeriodCloseService.versionsByKey(data).get(key);
        if (versions == null) {
            throw new IllegalStateException("delivery " + delivery.id() + ": contract " + key + " is gone");
        }
        Contract contract = new ContractSchedule(versions).versionAt(period.end().minusNanos(1));
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                PeriodCloseService.lockContract(connection, key);
                BigDecimal existing = drawnBy(connection, closeId);
                if (existing != null) {
                    connection.rollback();
                    return existing;
                }
                List<CreditLedger.Draw> draws = ledger.drawAtClose(connection, key, period, closeId, currency, total);
                List<CreditLedger.Expiry> expiries = ledger.expireAtClose(connection, key, period, closeId);
                if (!draws.isEmpty() || !expiries.isEmpty()) {
                    CreditLedgerListener.CreditMovements movements = new CreditLedgerListener.CreditMovements(closeId,
                            contract, period, currency, draws, expiries, data);
                    for (CreditLedgerListener listener : listeners) {
                        listener.moved(connection, movements);
                    }
                }
                connection.commit();
                return draws.stream().map(CreditLedger.Draw::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** What a close drew already, or null when it has drawn nothing yet. */
    private static BigDecimal drawnBy(Connection connection, long closeId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT sum(amount) FROM credit_draw WHERE close_id = ?")) {
            select.setLong(1, closeId);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getBigDecimal(1);
            }
        }
    }

    /** The negative invoice item on the draft: Stripe accepts negative items on a draft invoice. */
    public VendorCall creditItem(Exchange exchange) {
        DeliveryMessage delivery = BillingDeliveries.current(exchange);
        JsonNode p = delivery.payload();
        long minor = exchange.getProperty(CREDIT_MINOR, Long.class);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("customer", p.path("customer").asText());
        params.put("invoice", exchange.getProperty(StripeDocuments.INVOICE_ID, String.class));
        params.put("amount", -minor);
        params.put("currency", p.path("currency").asText().toLowerCase(java.util.Locale.ROOT));
        params.put("description", MasterData.PREPAID_CREDIT_METRIC + ": prepaid credit applied");
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("metric", MasterData.PREPAID_CREDIT_METRIC);
        metadata.put("contract_key", p.path("contractKey").asText());
        metadata.put("line", delivery.id());
        params.put("metadata", metadata);
        return VendorCall.post("/v1/invoiceitems", params, delivery.id() + "-item");
    }
}
