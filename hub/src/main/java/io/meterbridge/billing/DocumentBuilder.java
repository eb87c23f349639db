package io.meterbridge.billing;

import java.math.BigDecimal;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.meterbridge.billing.BillingDelivery.Kind;
import io.meterbridge.billing.PeriodCloseService.Summary;
import io.meterbridge.masterdata.BillingPeriod;
import io.meterbridge.masterdata.MasterData.BillingMode;
import io.meterbridge.masterdata.MasterData.Contract;
import io.meterbridge.rating.CurrencyRule;
import io.meterbridge.rating.PriceVersion;
import io.meterbridge.rating.RatingEngine.ChargeLine;

/** Collects a closed period's charges or usage summaries and turns them into the platform's billing deliveries. */
final class DocumentBuilder {

    private record Charge(int lineNo, String metric, String priceVersion, ChargeLine line, long amountMinor) {
    }

    private final Contract contract;
    private final BillingPeriod period;
    private final Long closeId;
    private final Long reportId;
    private final List<Charge> charges = new ArrayList<>();
    private final List<Summary> usage = new ArrayList<>();
    private String currency;
    private BigDecimal total = BigDecimal.ZERO;

    /** For a period close (closeId) or a daily usage report (reportId; period = the day). */
    DocumentBuilder(Contract contract, BillingPeriod period, Long closeId, Long reportId) {
        this.contract = contract;
        this.period = period;
        this.closeId = closeId;
        this.reportId = reportId;
    }

    int lineCount() {
        return charges.size();
    }

    void charge(int lineNo, String metric, PriceVersion price, ChargeLine line, CurrencyRule rule) {
        charge(lineNo, metric, price.id(), price.currency(), line, rule);
    }

    /** A line priced by a term other than a price version (the contract's minimum commitment: priceRef names it). */
    void charge(int lineNo, String metric, String priceRef, String lineCurrency, ChargeLine line, CurrencyRule rule) {
        if (currency != null && !currency.equals(lineCurrency)) {
            throw new IllegalArgumentException("contract " + contract.key() + " prices its metrics in " + currency
                    + " and " + lineCurrency + ": one invoice has one currency");
        }
        currency = lineCurrency;
        charges.add(new Charge(lineNo, metric, priceRef, line, rule.minorUnits(line.amount())));
        total = total.add(line.amount());
    }

    void usage(Summary summary) {
        usage.add(summary);
    }

    /**
     * The charged amount per metric (usage, overage and true-up less credits; the commitment true-up under its own
     * metric name): what an accrual recognises.
     */
    java.util.Map<String, BigDecimal> amountsByMetric() {
        java.util.Map<String, BigDecimal> amounts = new java.util.TreeMap<>();
        charges.forEach(c -> amounts.merge(c.metric(), c.line().amount(), BigDecimal::add));
        return amounts;
    }

    String currency() {
        return currency;
    }

    BigDecimal total() {
        return contract.billingMode() == BillingMode.HUB_RATES ? total : null;
    }

    List<BillingDelivery> deliveries(ObjectMapper mapper) {
        String system = contract.billingSystem().toLowerCase(Locale.ROOT);
        String day = DateTimeFormatter.ofPattern("yyyyMMdd").format(period.start().atZone(contract.timeZone()));
        String root = DeliveryIds.safe(contract.key()) + "-" + day;
        boolean hubRates = contract.billingMode() == BillingMode.HUB_RATES;
        List<Charge> billable = charges.stream().filter(c -> c.amountMinor() != 0).toList();
        if (hubRates ? billable.isEmpty() : usage.isEmpty()) {
            return List.of();
        }
        ObjectNode payload = mapper.createObjectNode();
        payload.put("contractKey", contract.key());
        if (closeId != null) {
            payload.put("closeId", closeId);
        } else {
            payload.put("reportId", reportId);
        }
        payload.put("periodStart", period.start().getEpochSecond());
        payload.put("periodEnd", period.end().getEpochSecond());
        Kind kind;
        switch (system) {
            case "stripe" -> {
                payload.put("customer", contract.billingAccountId());
                kind = hubRates ? Kind.STRIPE_INVOICE : Kind.STRIPE_METER_EVENTS;
                if (!hubRates) {
                    // Stripe finalizes the period's invoice then: later meter events would be billed nowhere
                    payload.put("billableUntil", PlatformTiming.billableUntil(contract,
                            contract.periodOf(period.start())).getEpochSecond());
                }
            }
            case "chargebee" -> {
                payload.put("customerId", contract.billingAccountId());
                payload.put("subscriptionId", contract.billingSubscriptionId());
                kind = hubRates ? Kind.CHARGEBEE_INVOICE : Kind.CHARGEBEE_USAGES;
            }
            default -> throw new IllegalArgumentException("contract " + contract.key() + " bills in '"
                    + contract.billingSystem() + "': there is a connector for stripe and chargebee only");
        }
        String id = system + "-" + (hubRates ? "invoice" : "usage") + "-" + (reportId != null ? "d" : "") + root;
        if (hubRates) {
            payload.put("currency", currency);
            payload.put("description", "Usage of contract " + contract.key() + ", " + day);
            // how the platform collects the invoice (Stripe; Chargebee collects by the customer's own setting)
            ObjectNode collection = payload.putObject("collection");
            collection.put("method", contract.invoicing().collectionMethod());
            if (contract.invoicing().daysUntilDue() != null) {
                collection.put("daysUntilDue", contract.invoicing().daysUntilDue());
            }
            collection.put("autoAdvance", contract.invoicing().autoAdvance());
            ArrayNode lines = payload.putArray("lines");
            for (Charge charge : billable) {
                ObjectNode line = lines.addObject();
                line.put("key", id + "-line-" + charge.lineNo());
                line.put("lineNo", charge.lineNo());
                line.put("metric", charge.metric());
                line.put("priceVersion", charge.priceVersion());
                line.put("type", charge.line().type().name());
                line.put("description", charge.metric() + ": " + charge.line().description());
                line.put("amountMinor", charge.amountMinor());
                line.put("amount", charge.line().amount().toPlainString());
            }
        } else {
            ArrayNode lines = payload.putArray("usages");
            for (Summary summary : usage) {
                ObjectNode line = lines.addObject();
                line.put("identifier", summary.identifier());
                line.put("metric", summary.metric());
                line.put("platformRef", summary.platformRef());
                line.put("quantity", summary.quantity().toPlainString());
                if (summary.platformValue() != null) {
                    line.put("value", summary.platformValue().toPlainString());
                }
                line.put("timestamp", summary.timestamp().getEpochSecond());
            }
        }
        return List.of(new BillingDelivery(id, system, kind, contract.key(), payload));
    }
}
