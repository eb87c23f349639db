package io.meterbridge.billing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.meterbridge.billing.connector.VendorCall;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;

/** Builds the Chargebee calls of a delivery (routes chargebee-invoice and chargebee-usages). */
@Named("chargebeeDocuments")
@ApplicationScoped
public class ChargebeeDocuments {

    /** Hub rates: one invoice with one charge per charge line, amounts in minor units. */
    public VendorCall invoice(Exchange exchange) {
        DeliveryMessage delivery = BillingDeliveries.current(exchange);
        JsonNode p = delivery.payload();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("customer_id", p.path("customerId").asText());
        params.put("currency_code", p.path("currency").asText());
        List<Object> amounts = new ArrayList<>();
        List<Object> descriptions = new ArrayList<>();
        List<Object> from = new ArrayList<>();
        List<Object> to = new ArrayList<>();
        for (JsonNode line : p.path("lines")) {
            amounts.add(line.path("amountMinor").asLong());
            descriptions.add(line.path("description").asText());
            from.add(p.path("periodStart").asLong());
            to.add(p.path("periodEnd").asLong());
        }
        params.put("charges", Map.of("amount", amounts, "description", descriptions, "date_from", from, "date_to", to));
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
