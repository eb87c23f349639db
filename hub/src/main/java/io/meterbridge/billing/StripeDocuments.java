package io.meterbridge.billing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.meterbridge.billing.connector.VendorCall;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;

/**
 * Builds the Stripe calls of a delivery (routes stripe-invoice and stripe-meter-events). Every idempotency key is
 * the delivery id plus the step, so a retried or replayed delivery repeats the same keys and Stripe applies each
 * write once.
 */
@Named("stripeDocuments")
@ApplicationScoped
public class StripeDocuments {

    public static final String INVOICE_ID = "stripeInvoiceId";

    /** A draft invoice that takes only the items we attach (never other pending items of the customer). */
    public VendorCall draftInvoice(Exchange exchange) {
        DeliveryMessage delivery = BillingDeliveries.current(exchange);
        JsonNode p = delivery.payload();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("customer", p.path("customer").asText());
        params.put("currency", p.path("currency").asText().toLowerCase(Locale.ROOT));
        params.put("auto_advance", "false");
        params.put("pending_invoice_items_behavior", "exclude");
        params.put("description", p.path("description").asText());
        params.put("metadata", metadata(delivery));
        return VendorCall.post("/v1/invoices", params, delivery.id() + "-invoice");
    }

    public void rememberInvoice(Exchange exchange) {
        JsonNode invoice = exchange.getMessage().getBody(JsonNode.class);
        exchange.setProperty(INVOICE_ID, invoice.path("id").asText());
    }

    public List<VendorCall> invoiceItems(Exchange exchange) {
        DeliveryMessage delivery = BillingDeliveries.current(exchange);
        JsonNode p = delivery.payload();
        String invoice = exchange.getProperty(INVOICE_ID, String.class);
        List<VendorCall> calls = new ArrayList<>();
        for (JsonNode line : p.path("lines")) {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("customer", p.path("customer").asText());
            params.put("invoice", invoice);
            params.put("amount", line.path("amountMinor").asLong());
            params.put("currency", p.path("currency").asText().toLowerCase(Locale.ROOT));
            params.put("description", line.path("description").asText());
            params.put("period", Map.of("start", p.path("periodStart").asLong(), "end", p.path("periodEnd").asLong()));
            Map<String, Object> metadata = metadata(delivery);
            metadata.put("metric", line.path("metric").asText());
            metadata.put("price_version", line.path("priceVersion").asText());
            metadata.put("line", line.path("key").asText());
            params.put("metadata", metadata);
            calls.add(VendorCall.post("/v1/invoiceitems", params, line.path("key").asText()));
        }
        return calls;
    }

    public VendorCall finalizeInvoice(Exchange exchange) {
        DeliveryMessage delivery = BillingDeliveries.current(exchange);
        String invoice = exchange.getProperty(INVOICE_ID, String.class);
        return VendorCall.post("/v1/invoices/" + invoice + "/finalize", Map.of("auto_advance", "false"),
                delivery.id() + "-finalize");
    }

    /** Platform rates: one meter event per usage summary; its identifier is Stripe's deduplication key. */
    public List<VendorCall> meterEvents(Exchange exchange) {
        DeliveryMessage delivery = BillingDeliveries.current(exchange);
        JsonNode p = delivery.payload();
        List<VendorCall> calls = new ArrayList<>();
        for (JsonNode usage : p.path("usages")) {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("event_name", usage.path("platformRef").asText());
            // Stripe meters take whole numbers: a fractional quantity (GB from bytes) is rounded up, never down.
            String value = new java.math.BigDecimal(usage.path("quantity").asText())
                    .setScale(0, java.math.RoundingMode.CEILING).toPlainString();
            params.put("payload", Map.of("stripe_customer_id", p.path("customer").asText(), "value", value));
            params.put("identifier", usage.path("identifier").asText());
            params.put("timestamp", usage.path("timestamp").asLong());
            calls.add(VendorCall.post("/v1/billing/meter_events", params, usage.path("identifier").asText()));
        }
        return calls;
    }

    private static Map<String, Object> metadata(DeliveryMessage delivery) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("meterbridge_delivery", delivery.id());
        metadata.put("contract_key", delivery.contractKey());
        return metadata;
    }
}
