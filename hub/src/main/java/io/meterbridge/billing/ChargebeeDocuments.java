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

    /** The Chargebee invoice a credit note credits: the external id of the period's invoice delivery. */
    static final String CREDITED_INVOICE = "chargebeeCreditedInvoice";

    private final BillingDeliveries deliveries;

    public ChargebeeDocuments(BillingDeliveries deliveries) {
        this.deliveries = deliveries;
    }

    /**
     * Start of a credit note attempt: the invoice it credits must be delivered (until then the attempt fails and is
     * retried); the body becomes the GET of that invoice, whose status decides the credit note's type.
     */
    public VendorCall resumeCreditNote(Exchange exchange) throws java.sql.SQLException {
        DeliveryMessage delivery = BillingDeliveries.current(exchange);
        String invoiceDelivery = delivery.payload().path("invoiceDeliveryId").asText();
        String invoice = deliveries.deliveredAs(invoiceDelivery)
                .orElseThrow(() -> new CreditedInvoiceNotDeliveredException("credit note " + delivery.id()
                        + " waits for invoice delivery " + invoiceDelivery + " to be delivered"));
        exchange.setProperty(CREDITED_INVOICE, invoice);
        return VendorCall.get("/api/v2/invoices/" + java.net.URLEncoder.encode(invoice,
                java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * The credit note (POST /api/v2/credit_notes): reference_invoice_id, one line item per credited line (amounts in
     * minor units, the corrected period's dates), keyed by the delivery id. Type adjustment while the invoice is
     * unpaid (it lowers the amount due), refundable once it is paid (the customer is owed the money).
     */
    public VendorCall creditNote(Exchange exchange) {
        DeliveryMessage delivery = BillingDeliveries.current(exchange);
        JsonNode p = delivery.payload();
        JsonNode invoice = exchange.getMessage().getBody(JsonNode.class).path("invoice");
        String status = invoice.path("status").asText();
        if (status.equals("voided") || status.equals("pending")) {
            throw new io.meterbridge.billing.connector.RejectedByVendorException("chargebee", 0, "credit note "
                    + delivery.id() + ": Chargebee invoice " + invoice.path("id").asText() + " is " + status
                    + " and cannot be credited; resolve it in Chargebee, then replay");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("reference_invoice_id", invoice.path("id").asText());
        params.put("type", status.equals("paid") ? "refundable" : "adjustment");
        params.put("reason_code", "order_change");
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
        params.put("line_items", Map.of("amount", amounts, "description", descriptions, "date_from", from,
                "date_to", to));
        String reason = p.path("reason").asText();
        params.put("comment", reason.length() > 300 ? reason.substring(0, 300) : reason);
        return VendorCall.post("/api/v2/credit_notes", params, delivery.id());
    }

    public void creditNoteCreated(Exchange exchange) {
        exchange.setProperty(StripeDocuments.DOCUMENT_ID,
                exchange.getMessage().getBody(JsonNode.class).path("credit_note").path("id").asText());
    }

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
