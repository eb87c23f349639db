package io.meterbridge.billing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.meterbridge.billing.connector.VendorCall;
import io.meterbridge.masterdata.MasterData;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;

/** Builds the Chargebee calls of a delivery (routes chargebee-invoice and chargebee-usages). */
@Named("chargebeeDocuments")
@ApplicationScoped
public class ChargebeeDocuments {

    /**
     * Hub rates: one invoice with one charge per positive charge line, amounts in minor units. Chargebee takes no
     * negative charge: the prepaid credit line (metric prepaid_credit, the ledger's draw) becomes a document-level
     * discount of the invoice ({@code discounts[apply_on]=invoice_amount}), which the hub reads back as the invoice's
     * prepaid_credit line (FinancialDocuments); a metric's own CREDITS_APPLIED line (a price with prepaidCredits: true)
     * is netted into that metric's charge before it, so the metric's revenue stays its own.
     */
    public VendorCall invoice(Exchange exchange) {
        DeliveryMessage delivery = BillingDeliveries.current(exchange);
        JsonNode p = delivery.payload();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("customer_id", p.path("customerId").asText());
        params.put("currency_code", p.path("currency").asText());
        List<Long> amounts = new ArrayList<>();
        List<String> descriptions = new ArrayList<>();
        List<String> metrics = new ArrayList<>();
        List<Object> discounts = new ArrayList<>();
        for (JsonNode line : p.path("lines")) {
            long amount = line.path("amountMinor").asLong();
            String metric = line.path("metric").asText();
            if (amount >= 0) {
                amounts.add(amount);
                descriptions.add(line.path("description").asText());
                metrics.add(metric);
            } else if (MasterData.PREPAID_CREDIT_METRIC.equals(metric)) {
                discounts.add(-amount);
            } else {
                int charge = metrics.lastIndexOf(metric);
                if (charge < 0 || amounts.get(charge) + amount < 0) {
                    throw new IllegalArgumentException("delivery " + delivery.id() + ": the negative line "
                            + line.path("description").asText() + " has no charge of metric " + metric
                            + " to be netted into (Chargebee takes no negative charge)");
                }
                amounts.set(charge, amounts.get(charge) + amount);
                descriptions.set(charge, descriptions.get(charge) + " (less "
                        + line.path("amount").asText().replace("-", "") + " " + line.path("description").asText()
                        .replaceFirst("^" + java.util.regex.Pattern.quote(metric) + ": ", "") + ")");
            }
        }
        List<Object> charged = new ArrayList<>();
        List<Object> chargedDescriptions = new ArrayList<>();
        List<Object> from = new ArrayList<>();
        List<Object> to = new ArrayList<>();
        for (int i = 0; i < amounts.size(); i++) {
            if (amounts.get(i) > 0) { // a charge fully paid by the metric's own credits is no charge
                charged.add(amounts.get(i));
                chargedDescriptions.add(descriptions.get(i));
                from.add(p.path("periodStart").asLong());
                to.add(p.path("periodEnd").asLong());
            }
        }
        params.put("charges", Map.of("amount", charged, "description", chargedDescriptions, "date_from", from,
                "date_to", to));
        if (!discounts.isEmpty()) {
            params.put("discounts", Map.of("amount", discounts,
                    "apply_on", java.util.Collections.nCopies(discounts.size(), "invoice_amount")));
        }
        return VendorCall.post("/api/v2/invoices/create_for_charge_items_and_charges", params, delivery.id());
    }

    /** Platform rates: one usage per summary, its id deterministic (Chargebee's duplicate check). */
    public List<VendorCall> usages(Exchange exchange) {
        DeliveryMessage delivery = BillingDeliveries.current(exchange);
        JsonNode p = delivery.payload();
        List<VendorCall> calls = new ArrayList<>();
        for (JsonNode usage : p.path("usages")) {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("id", usage.path("identifier").asText());
            params.put("item_price_id", usage.path("platformRef").asText());
            params.put("quantity", usage.path("quantity").asText());
            params.put("usage_date", usage.path("timestamp").asLong());
            params.put("dedupe_option", "skip");
            params.put("note", "meterbridge " + usage.path("metric").asText());
            calls.add(VendorCall.post("/api/v2/subscriptions/" + p.path("subscriptionId").asText() + "/usages", params,
                    usage.path("identifier").asText()));
        }
        return calls;
    }
}
