package io.meterbridge.sandbox.stripe;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.sandbox.ErrorKind;
import io.meterbridge.sandbox.Ids;
import io.meterbridge.sandbox.SandboxException;

/**
 * What the Stripe sandbox stores: customers, invoice items, invoices, credit notes and meter events, in memory. Every
 * method is synchronized: one lock keeps invoice totals and item attachment consistent, and a sandbox needs no more
 * throughput than that. Amounts are integers in minor units. Objects are Jackson trees in the shapes of Stripe's
 * fixtures (stripe-fixtures3-billing-excerpt.json); each method returns a copy, so callers cannot change the state.
 */
final class StripeState {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** Any well-formed customer id counts as an existing customer (see docs/api/sandboxes.md). */
    private static final Pattern CUSTOMER_ID = Pattern.compile("cus_[A-Za-z0-9_]+");

    private final Map<String, ObjectNode> customers = new LinkedHashMap<>();
    private final Map<String, ObjectNode> invoiceItems = new LinkedHashMap<>();
    private final Map<String, ObjectNode> invoices = new LinkedHashMap<>();
    private final Map<String, ObjectNode> creditNotes = new LinkedHashMap<>();
    /** Charges of invoices paid by card (not out of band), and their refunds. */
    private final Map<String, ObjectNode> charges = new LinkedHashMap<>();
    private final Map<String, ObjectNode> refunds = new LinkedHashMap<>();
    /** Meter event identifier to the time it was first seen: unique within a rolling window (24 h). */
    private final Map<String, Long> identifiers = new HashMap<>();
    private final Map<String, MeterTotal> meterTotals = new LinkedHashMap<>();
    /** Every counted meter event, with the sandbox time it arrived: what a period's invoice bills depends on it. */
    private final List<MeterEvent> meterEvents = new ArrayList<>();
    /** The metered lines of subscription invoices: recomputed from the meter events while their invoice is a draft. */
    private final List<MeteredLine> meteredLines = new ArrayList<>();
    private final Map<String, Integer> invoiceSequence = new HashMap<>();
    private final Duration identifierRetention;
    /** The sandbox's clock: identifiers are forgotten, and event timestamps checked, on it (not on object dates). */
    private final io.meterbridge.sandbox.SandboxClock clock;

    /** A counted meter event: its timestamp (the usage's time) and when the sandbox received it (its clock, ms). */
    record MeterEvent(String eventName, String customer, long value, long timestamp, long receivedMillis,
            String identifier) {
    }

    /**
     * What the subscription invoice of a billing period [start, end) bills for a meter, as Stripe builds it: the
     * events timestamped in the period that arrived before Stripe finalized the invoice (the period's end plus the
     * finalization grace, 1 h by default, up to 72 h). Events that arrive later change no invoice.
     *
     * @param status draft while the sandbox clock is before finalization, else open
     */
    public record PeriodUsage(String eventName, String customer, long start, long end, long finalizesAt, String status,
            long billed, long billedEvents, long afterFinalization, long eventsAfterFinalization) {
    }

    /** A subscription invoice's line billing a meter: value x unit amount (cents, decimal) of its period's events. */
    private record MeteredLine(String invoice, String item, String eventName, String customer, long start, long end,
            long graceSeconds, BigDecimal unitAmount) {
    }

    /** Summed meter event values per (event_name, customer). */
    public record MeterTotal(String eventName, String customer, long value, long events) {
    }

    StripeState(Duration identifierRetention, io.meterbridge.sandbox.SandboxClock clock) {
        this.identifierRetention = identifierRetention;
        this.clock = clock;
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }

    // ---- customers

    synchronized ObjectNode createCustomer(JsonNode p) {
        ObjectNode c = customer(Ids.random("cus_", 14));
        for (String field : List.of("email", "name", "description", "phone")) {
            if (p.hasNonNull(field)) {
                c.put(field, p.get(field).asText());
            }
        }
        if (p.hasNonNull("invoice_prefix")) {
            c.put("invoice_prefix", p.get("invoice_prefix").asText());
        }
        if (p.has("metadata") && p.get("metadata").isObject()) {
            c.set("metadata", p.get("metadata").deepCopy());
        }
        customers.put(c.get("id").asText(), c);
        return c.deepCopy();
    }

    synchronized ObjectNode customer(String id, String param) {
        ObjectNode known = customers.get(id);
        if (known != null) {
            return known.deepCopy();
        }
        if (id != null && CUSTOMER_ID.matcher(id).matches()) {
            return customer(id);
        }
        throw missing("customer", id, param);
    }

    private static ObjectNode customer(String id) {
        ObjectNode c = JSON.objectNode();
        c.put("id", id).put("object", "customer");
        ObjectNode address = c.putObject("address");
        for (String f : List.of("city", "country", "line1", "line2", "postal_code", "state")) {
            address.putNull(f);
        }
        c.put("balance", 0).put("created", now()).putNull("currency").putNull("default_source").put("delinquent", false)
                .putNull("description").putNull("email");
        String letters = id.substring(4).replaceAll("[^A-Za-z0-9]", "").toUpperCase();
        c.put("invoice_prefix", letters.isEmpty() ? "SBX" : letters.substring(0, Math.min(letters.length(), 8)));
        ObjectNode settings = c.putObject("invoice_settings");
        settings.putNull("custom_fields").putNull("default_payment_method").putNull("footer").putNull("rendering_options");
        c.put("livemode", false).putObject("metadata");
        c.putNull("name").put("next_invoice_sequence", 1).putNull("phone").putArray("preferred_locales");
        c.putNull("shipping").put("tax_exempt", "none").putNull("test_clock");
        return c;
    }

    /** GET /v1/customers/{id}: an unknown (malformed) id is a 404 there. */
    synchronized ObjectNode getCustomer(String id) {
        try {
            return customer(id, "id");
        } catch (SandboxException e) {
            throw new SandboxException(404, ErrorKind.NOT_FOUND, "resource_missing", e.getMessage(), "id");
        }
    }

    // ---- invoice items

    synchronized ObjectNode createInvoiceItem(JsonNode p) {
        String customerId = p.path("customer").asText();
        customer(customerId, "customer");
        ObjectNode invoice = null;
        if (p.hasNonNull("invoice") && !p.get("invoice").asText().isEmpty()) {
            invoice = invoices.get(p.get("invoice").asText());
            if (invoice == null) {
                throw missing("invoice", p.get("invoice").asText(), "invoice");
            }
            if (!"draft".equals(invoice.get("status").asText())) {
                throw invalid("invoice_not_editable", "You can only add invoice items to draft invoices.", "invoice");
            }
            if (!customerId.equals(invoice.get("customer").asText())) {
                throw invalid(null, "The invoice belongs to another customer than the invoice item.", "invoice");
            }
        }
        if (p.hasNonNull("price")) {
            throw invalid("parameter_unknown", "This sandbox does not model prices: send amount, unit_amount or "
                    + "price_data[unit_amount].", "price");
        }
        BigDecimal quantity = p.hasNonNull("quantity") ? new BigDecimal(p.get("quantity").asText()) : BigDecimal.ONE;
        BigDecimal unit;
        long amount;
        if (p.hasNonNull("amount")) {
            amount = new BigDecimal(p.get("amount").asText()).longValueExact();
            unit = BigDecimal.valueOf(amount);
            quantity = BigDecimal.ONE;
        } else {
            JsonNode source = p.has("price_data") ? p.get("price_data") : p;
            if (source.hasNonNull("unit_amount")) {
                unit = new BigDecimal(source.get("unit_amount").asText());
            } else if (source.hasNonNull("unit_amount_decimal")) {
                unit = new BigDecimal(source.get("unit_amount_decimal").asText());
            } else {
                throw invalid("parameter_missing", "Missing required param: amount (or unit_amount, "
                        + "unit_amount_decimal, price_data[unit_amount]).", "amount");
            }
            amount = unit.multiply(quantity).setScale(0, RoundingMode.HALF_UP).longValueExact();
        }
        String currency = text(p, "currency", text(p.path("price_data"), "currency",
                invoice != null ? invoice.get("currency").asText() : "usd")).toLowerCase();
        if (invoice != null && !currency.equals(invoice.get("currency").asText())) {
            throw invalid(null, "The currency of the invoice item (" + currency + ") does not match the invoice's ("
                    + invoice.get("currency").asText() + ").", "currency");
        }
        long now = now();
        ObjectNode item = JSON.objectNode();
        item.put("id", Ids.random("ii_", 24)).put("object", "invoiceitem").put("amount", amount).put("currency", currency)
                .put("customer", customerId).put("date", now);
        if (p.hasNonNull("description")) {
            item.put("description", p.get("description").asText());
        } else {
            item.putNull("description");
        }
        item.put("discountable", p.path("discountable").asText("true").equals("true") && amount >= 0);
        item.putArray("discounts");
        item.putNull("invoice").put("livemode", false);
        item.set("metadata", p.has("metadata") && p.get("metadata").isObject() ? p.get("metadata").deepCopy() : JSON.objectNode());
        ObjectNode period = item.putObject("period");
        period.put("end", p.path("period").hasNonNull("end") ? p.path("period").get("end").asLong() : now);
        period.put("start", p.path("period").hasNonNull("start") ? p.path("period").get("start").asLong() : now);
        item.putNull("price").put("proration", false).put("quantity", quantity.longValue());
        item.putNull("subscription").putArray("tax_rates");
        item.putNull("test_clock").put("unit_amount", unit.setScale(0, RoundingMode.HALF_UP).longValue())
                .put("unit_amount_decimal", unit.stripTrailingZeros().toPlainString());
        invoiceItems.put(item.get("id").asText(), item);
        if (invoice != null) {
            attach(invoice, item);
        }
        return item.deepCopy();
    }

    synchronized ObjectNode listInvoiceItems(JsonNode query) {
        Predicate<ObjectNode> filter = item -> matches(query, "customer", item.path("customer").asText())
                && matches(query, "invoice", item.path("invoice").asText(null))
                && (!query.has("pending") || query.get("pending").asText().equals("true") == item.get("invoice").isNull());
        return list("/v1/invoiceitems", invoiceItems.values(), filter, query);
    }

    // ---- invoices

    synchronized ObjectNode createInvoice(JsonNode p) {
        if (!p.hasNonNull("customer")) {
            throw invalid("parameter_missing", "Missing required param: customer.", "customer");
        }
        String customerId = p.get("customer").asText();
        customer(customerId, "customer");
        String collection = text(p, "collection_method", "charge_automatically");
        if (collection.equals("send_invoice") && !p.hasNonNull("days_until_due") && !p.hasNonNull("due_date")) {
            throw invalid("parameter_missing", "Missing required param: days_until_due (or due_date) when "
                    + "collection_method is send_invoice.", "days_until_due");
        }
        if (!collection.equals("send_invoice") && (p.hasNonNull("days_until_due") || p.hasNonNull("due_date"))) {
            throw invalid(null, "Invoices with collection_method charge_automatically cannot have a due date: "
                    + "days_until_due and due_date are only for send_invoice.", "days_until_due");
        }
        long now = now();
        ObjectNode in = JSON.objectNode();
        String id = Ids.random("in_", 24);
        in.put("id", id).put("object", "invoice").put("account_country", "US").putNull("account_name");
        in.put("amount_due", 0).put("amount_paid", 0).put("amount_remaining", 0).put("amount_shipping", 0);
        in.putNull("application").put("attempt_count", 0).put("attempted", false);
        in.put("auto_advance", p.path("auto_advance").asText("false").equals("true"));
        ObjectNode tax = in.putObject("automatic_tax");
        tax.put("enabled", false).putNull("liability").putNull("status");
        in.put("billing_reason", "manual").put("collection_method", text(p, "collection_method", "charge_automatically"));
        in.put("created", now).put("currency", text(p, "currency", "usd").toLowerCase()).put("customer", customerId);
        in.putArray("customer_tax_ids");
        in.putNull("default_payment_method").putNull("default_source").putArray("default_tax_rates");
        if (p.hasNonNull("description")) {
            in.put("description", p.get("description").asText());
        } else {
            in.putNull("description");
        }
        in.putArray("discounts");
        if (p.hasNonNull("days_until_due")) {
            in.put("due_date", now + 86_400L * p.get("days_until_due").asLong());
        } else {
            in.putNull("due_date");
        }
        in.putNull("effective_at").putNull("ending_balance").putNull("footer").putNull("hosted_invoice_url")
                .putNull("invoice_pdf");
        ObjectNode lines = in.putObject("lines");
        lines.put("object", "list").putArray("data");
        lines.put("has_more", false).put("total_count", 0).put("url", "/v1/invoices/" + id + "/lines");
        in.put("livemode", false);
        in.set("metadata", p.has("metadata") && p.get("metadata").isObject() ? p.get("metadata").deepCopy() : JSON.objectNode());
        in.putNull("number").put("paid", false).put("paid_out_of_band", false).put("period_end", now)
                .put("period_start", now);
        in.put("post_payment_credit_notes_amount", 0).put("pre_payment_credit_notes_amount", 0);
        in.put("starting_balance", 0).put("status", "draft");
        ObjectNode transitions = in.putObject("status_transitions");
        transitions.putNull("finalized_at").putNull("marked_uncollectible_at").putNull("paid_at").putNull("voided_at");
        in.putNull("subscription").put("subtotal", 0).put("subtotal_excluding_tax", 0).putNull("test_clock");
        in.put("total", 0).putArray("total_discount_amounts");
        in.put("total_excluding_tax", 0);
        invoices.put(id, in);
        // API 2024-04-10: pending items are left out unless asked for ("exclude" is the default since 2022-08-01)
        if ("include".equals(text(p, "pending_invoice_items_behavior", "exclude"))) {
            for (ObjectNode item : invoiceItems.values()) {
                if (item.get("invoice").isNull() && item.get("customer").asText().equals(customerId)
                        && item.get("currency").asText().equals(in.get("currency").asText())) {
                    attach(in, item);
                }
            }
        }
        return view(in);
    }

    synchronized ObjectNode finalizeInvoice(String id, JsonNode p) {
        ObjectNode in = invoice(id, "invoice");
        if (!"draft".equals(in.get("status").asText())) {
            throw invalid("invoice_not_editable", "This invoice is already finalized, you can't re-finalize a "
                    + "non-draft invoice.", null);
        }
        String customerId = in.get("customer").asText();
        int sequence = invoiceSequence.merge(customerId, 1, Integer::sum);
        String prefix = customer(customerId, "customer").get("invoice_prefix").asText();
        long now = now();
        in.put("number", prefix + "-" + String.format("%04d", sequence)).put("status", "open")
                .put("effective_at", now);
        ((ObjectNode) in.get("status_transitions")).put("finalized_at", now);
        if (p.has("auto_advance")) {
            in.put("auto_advance", p.get("auto_advance").asText().equals("true"));
        }
        in.put("ending_balance", 0);
        return view(in);
    }

    /**
     * POST /v1/invoices/{id}/send: Stripe emails an open send_invoice invoice to the customer; the invoice is unchanged
     * and the sandbox emits invoice.sent (the sandbox sends no mail).
     */
    synchronized ObjectNode sendInvoice(String id) {
        ObjectNode in = invoice(id, "invoice");
        if (!"send_invoice".equals(in.get("collection_method").asText())) {
            throw invalid(null, "You can only manually send an invoice if its collection method is 'send_invoice'.",
                    null);
        }
        if (!"open".equals(in.get("status").asText())) {
            throw new SandboxException(400, ErrorKind.INVALID_STATE, null, "You can only send an open invoice; this one "
                    + "is " + in.get("status").asText() + ".", null);
        }
        return view(in);
    }

    /**
     * POST /v1/invoices/{id}/pay: an open invoice becomes paid, amount_paid = amount_due (the total less pre-payment
     * credit notes). The sandbox models no payment methods: without paid_out_of_band the charge simply succeeds.
     */
    /** Stripe's test payment method whose charges are declined (card_declined). */
    static final String DECLINED_CARD = "pm_card_chargeDeclined";

    synchronized ObjectNode payInvoice(String id, JsonNode p) {
        ObjectNode in = invoice(id, "invoice");
        String status = in.get("status").asText();
        if (DECLINED_CARD.equals(p.path("payment_method").asText()) && status.equals("open")) {
            // the attempt is recorded on the invoice (and invoice.payment_failed emitted) before the 402
            in.put("attempted", true).put("attempt_count", in.get("attempt_count").asInt() + 1);
            return null;
        }
        if (status.equals("paid")) {
            throw new SandboxException(400, ErrorKind.INVALID_STATE, null, "Invoice is already paid",
                    null);
        }
        if (!status.equals("open")) {
            throw new SandboxException(400, ErrorKind.INVALID_STATE, null, "You can only pay an open "
                    + "invoice; this one is " + status + ". Finalize it first.", null);
        }
        boolean outOfBand = p.path("paid_out_of_band").asText("false").equals("true");
        long now = now();
        long due = in.get("amount_due").asLong();
        in.put("amount_paid", due).put("amount_remaining", 0).put("paid", true).put("paid_out_of_band", outOfBand)
                .put("status", "paid");
        if (!outOfBand) {
            in.put("attempted", true).put("attempt_count", in.get("attempt_count").asInt() + 1);
            // A card payment is a charge (and its payment intent), which is what a refund names.
            ObjectNode charge = JSON.objectNode();
            charge.put("id", Ids.random("ch_", 24)).put("object", "charge").put("amount", due)
                    .put("amount_captured", due).put("amount_refunded", 0).put("captured", true)
                    .put("currency", in.get("currency").asText()).put("customer", in.get("customer").asText())
                    .put("invoice", id).put("paid", true).put("payment_intent", Ids.random("pi_", 24))
                    .put("refunded", false).put("status", "succeeded").put("created", now).put("livemode", false);
            charge.putObject("metadata");
            charges.put(charge.get("id").asText(), charge);
            in.put("charge", charge.get("id").asText()).put("payment_intent", charge.get("payment_intent").asText());
        }
        ((ObjectNode) in.get("status_transitions")).put("paid_at", now);
        return view(in);
    }

    /** GET /v1/charges/{id}. */
    synchronized ObjectNode getCharge(String id) {
        ObjectNode charge = charges.get(id);
        if (charge == null) {
            throw new SandboxException(404, ErrorKind.NOT_FOUND, "resource_missing", "No such charge: '" + id + "'", "id");
        }
        return charge.deepCopy();
    }

    /**
     * POST /v1/refunds: refunds a charge (named by {@code charge} or {@code payment_intent}, not both), in part with
     * {@code amount} (minor units) or else what is left of it. More than what is left is a 400, as in Stripe. The
     * charge's amount_refunded grows, and it is refunded once nothing is left.
     */
    synchronized ObjectNode createRefund(JsonNode p) {
        String chargeId = text(p, "charge", null);
        String intent = text(p, "payment_intent", null);
        if ((chargeId == null) == (intent == null)) {
            throw invalid("parameter_missing", "Exactly one of charge or payment_intent is required.",
                    chargeId == null ? "charge" : "payment_intent");
        }
        ObjectNode charge = chargeId != null ? charges.get(chargeId) : charges.values().stream()
                .filter(c -> c.get("payment_intent").asText().equals(intent)).findFirst().orElse(null);
        if (charge == null) {
            throw chargeId != null ? missing("charge", chargeId, "charge") : missing("payment_intent", intent, "payment_intent");
        }
        long left = charge.get("amount").asLong() - charge.get("amount_refunded").asLong();
        long amount = p.hasNonNull("amount") ? Long.parseLong(p.get("amount").asText()) : left;
        if (amount <= 0 || amount > left) {
            throw invalid("amount_too_large", "Refund amount (" + amount + ") is greater than unrefunded amount on charge ("
                    + left + ")", "amount");
        }
        charge.put("amount_refunded", charge.get("amount_refunded").asLong() + amount).put("refunded", amount == left);
        ObjectNode refund = JSON.objectNode();
        refund.put("id", Ids.random("re_", 24)).put("object", "refund").put("amount", amount)
                .put("charge", charge.get("id").asText()).put("created", now()).put("currency", charge.get("currency").asText())
                .put("payment_intent", charge.get("payment_intent").asText()).put("reason", text(p, "reason", null))
                .put("status", "succeeded");
        refund.putObject("metadata");
        refunds.put(refund.get("id").asText(), refund);
        return refund.deepCopy();
    }

    /** The invoice after a declined payment attempt (for invoice.payment_failed). */
    synchronized ObjectNode invoiceView(String id) {
        return view(invoice(id, "invoice"));
    }

    /** POST /v1/invoices/{id}/void: an open or uncollectible invoice becomes void (owed no more); others are a 400. */
    synchronized ObjectNode voidInvoice(String id) {
        ObjectNode in = invoice(id, "invoice");
        String status = in.get("status").asText();
        if (!status.equals("open") && !status.equals("uncollectible")) {
            throw new SandboxException(400, ErrorKind.INVALID_STATE, null, "You can only void an open or uncollectible "
                    + "invoice; this one is " + status + ".", null);
        }
        in.put("status", "void").put("amount_remaining", 0);
        ((ObjectNode) in.get("status_transitions")).put("voided_at", now());
        return view(in);
    }

    synchronized ObjectNode getInvoice(String id) {
        return view(invoice(id, "id"));
    }

    synchronized ObjectNode listInvoices(JsonNode query) {
        ObjectNode list = list("/v1/invoices", invoices.values(), in -> matches(query, "customer", in.get("customer").asText())
                && matches(query, "status", in.get("status").asText()), query);
        ArrayNode data = (ArrayNode) list.get("data");
        for (int i = 0; i < data.size(); i++) {
            data.set(i, view((ObjectNode) data.get(i)));
        }
        return list;
    }

    /** Stripe embeds only the first lines of an invoice in the invoice (and its events): read the rest by page. */
    static final int EMBEDDED_LINES = 10;

    /** The invoice as the API answers it: a copy whose lines list holds the first 10 lines and says has_more. */
    private static ObjectNode view(ObjectNode in) {
        ObjectNode copy = in.deepCopy();
        ObjectNode lines = (ObjectNode) copy.get("lines");
        ArrayNode all = (ArrayNode) lines.get("data");
        if (all.size() > EMBEDDED_LINES) {
            ArrayNode first = JSON.arrayNode();
            for (int i = 0; i < EMBEDDED_LINES; i++) {
                first.add(all.get(i));
            }
            lines.set("data", first);
            lines.put("has_more", true);
        } else {
            lines.put("has_more", false);
        }
        return copy;
    }

    /** GET /v1/invoices/{id}/lines: the lines in invoice order, limit (1..100, default 10) and starting_after. */
    synchronized ObjectNode invoiceLines(String id, JsonNode query) {
        ObjectNode in = invoice(id, "invoice");
        int limit = Math.max(1, Math.min(100, query.path("limit").asInt(10)));
        List<JsonNode> lines = new ArrayList<>();
        in.get("lines").get("data").forEach(lines::add);
        String after = query.path("starting_after").asText(null);
        int from = 0;
        if (after != null) {
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).path("id").asText().equals(after)) {
                    from = i + 1;
                }
            }
        }
        ObjectNode list = JSON.objectNode();
        list.put("object", "list");
        ArrayNode data = list.putArray("data");
        lines.subList(Math.min(from, lines.size()), Math.min(from + limit, lines.size())).forEach(l -> data.add(l.deepCopy()));
        list.put("has_more", from + limit < lines.size()).put("url", "/v1/invoices/" + id + "/lines");
        return list;
    }

    private ObjectNode invoice(String id, String param) {
        ObjectNode in = invoices.get(id);
        if (in == null) {
            throw new SandboxException(404, ErrorKind.NOT_FOUND, "resource_missing", "No such invoice: '" + id + "'", param);
        }
        return in;
    }

    /** Puts an item on a draft invoice and recomputes the invoice's amounts: total = sum of its lines. */
    private void attach(ObjectNode invoice, ObjectNode item) {
        String invoiceId = invoice.get("id").asText();
        item.put("invoice", invoiceId);
        ObjectNode line = JSON.objectNode();
        line.put("id", Ids.random("il_", 24)).put("object", "line_item").put("amount", item.get("amount").asLong())
                .put("amount_excluding_tax", item.get("amount").asLong()).put("currency", item.get("currency").asText());
        line.set("description", item.get("description"));
        line.putArray("discount_amounts");
        line.put("discountable", item.get("discountable").asBoolean()).putArray("discounts");
        line.put("invoice", invoiceId).put("invoice_item", item.get("id").asText()).put("livemode", false);
        line.set("metadata", item.get("metadata").deepCopy());
        line.set("period", item.get("period").deepCopy());
        line.putNull("price").put("proration", false).put("quantity", item.get("quantity").asLong());
        line.putNull("subscription").putArray("tax_amounts");
        line.putArray("tax_rates");
        line.put("type", "invoiceitem").put("unit_amount_excluding_tax", item.get("unit_amount_decimal").asText());
        ObjectNode lines = (ObjectNode) invoice.get("lines");
        ((ArrayNode) lines.get("data")).add(line);
        lines.put("total_count", lines.get("data").size());
        recompute(invoice);
    }

    private static void recompute(ObjectNode invoice) {
        long total = 0;
        for (JsonNode line : invoice.get("lines").get("data")) {
            total += line.get("amount").asLong();
        }
        long credited = invoice.get("pre_payment_credit_notes_amount").asLong();
        long due = Math.max(0, total - credited);
        invoice.put("subtotal", total).put("subtotal_excluding_tax", total).put("total", total)
                .put("total_excluding_tax", total).put("amount_due", due)
                .put("amount_remaining", due - invoice.get("amount_paid").asLong());
    }

    // ---- credit notes

    synchronized ObjectNode createCreditNote(JsonNode p) {
        ObjectNode in = invoices.get(p.path("invoice").asText());
        if (in == null) {
            throw missing("invoice", p.path("invoice").asText(), "invoice");
        }
        String status = in.get("status").asText();
        if (!status.equals("open") && !status.equals("paid")) {
            throw invalid("invoice_not_finalized", "You can only create credit notes for finalized invoices.", "invoice");
        }
        ObjectNode note = JSON.objectNode();
        String id = Ids.random("cn_", 24);
        ArrayNode lines = JSON.arrayNode();
        long amount = 0;
        if (p.has("lines")) {
            for (JsonNode l : p.get("lines")) {
                long lineAmount = l.hasNonNull("amount") ? l.get("amount").asLong()
                        : l.path("unit_amount").asLong() * l.path("quantity").asLong(1);
                ObjectNode line = lines.addObject();
                line.put("id", Ids.random("cnli_", 24)).put("object", "credit_note_line_item").put("amount", lineAmount);
                line.set("description", l.has("description") ? l.get("description") : JSON.nullNode());
                line.put("discount_amount", 0).putArray("discount_amounts");
                line.set("invoice_line_item", l.has("invoice_line_item") ? l.get("invoice_line_item") : JSON.nullNode());
                line.put("livemode", false).put("quantity", l.path("quantity").asLong(1)).putArray("tax_amounts");
                line.putArray("tax_rates");
                line.put("type", l.path("type").asText("custom_line_item"));
                line.set("unit_amount", l.has("unit_amount") ? JSON.numberNode(l.get("unit_amount").asLong()) : JSON.nullNode());
                line.putNull("unit_amount_decimal");
                amount += lineAmount;
            }
        }
        if (p.hasNonNull("amount")) {
            amount = p.get("amount").asLong();
        }
        if (lines.isEmpty() && amount > 0) {
            // amount without lines: one custom line carries it, so that a reader of the lines sees the whole credit
            ObjectNode line = lines.addObject();
            line.put("id", Ids.random("cnli_", 24)).put("object", "credit_note_line_item").put("amount", amount);
            line.set("description", p.hasNonNull("memo") ? p.get("memo") : JSON.textNode("Credit"));
            line.put("discount_amount", 0).putArray("discount_amounts");
            line.putNull("invoice_line_item").put("livemode", false).put("quantity", 1).putArray("tax_amounts");
            line.putArray("tax_rates");
            line.put("type", "custom_line_item").put("unit_amount", amount).put("unit_amount_decimal",
                    String.valueOf(amount));
        }
        if (amount <= 0) {
            throw invalid(null, "The credit note amount must be positive: give amount or lines.", "amount");
        }
        if (amount > in.get("amount_remaining").asLong() + in.get("amount_paid").asLong()) {
            throw invalid(null, "The credit note amount (" + amount + ") is greater than the invoice's remaining amount.",
                    "amount");
        }
        long now = now();
        long count = creditNotes.values().stream().filter(n -> n.get("invoice").asText().equals(in.get("id").asText())).count();
        note.put("id", id).put("object", "credit_note").put("amount", amount).put("amount_shipping", 0)
                .put("created", now).put("currency", in.get("currency").asText()).put("customer", in.get("customer").asText())
                .putNull("customer_balance_transaction").put("discount_amount", 0).putArray("discount_amounts");
        note.put("effective_at", now).put("invoice", in.get("id").asText());
        ObjectNode lineList = note.putObject("lines");
        lineList.put("object", "list").set("data", lines);
        lineList.put("has_more", false).put("url", "/v1/credit_notes/" + id + "/lines");
        note.put("livemode", false).put("memo", text(p, "memo", null));
        note.set("metadata", p.has("metadata") && p.get("metadata").isObject() ? p.get("metadata").deepCopy() : JSON.objectNode());
        note.put("number", in.get("number").asText() + "-CN-" + String.format("%02d", count + 1));
        note.set("out_of_band_amount", p.hasNonNull("out_of_band_amount")
                ? JSON.numberNode(p.get("out_of_band_amount").asLong()) : JSON.nullNode());
        note.putNull("pdf").put("reason", text(p, "reason", null)).putNull("refund").putNull("shipping_cost");
        note.put("status", "issued").put("subtotal", amount).put("subtotal_excluding_tax", amount).putArray("tax_amounts");
        note.put("total", amount).put("total_excluding_tax", amount);
        note.put("type", status.equals("paid") ? "post_payment" : "pre_payment").putNull("voided_at");
        creditNotes.put(id, note);
        if (status.equals("paid")) {
            in.put("post_payment_credit_notes_amount", in.get("post_payment_credit_notes_amount").asLong() + amount);
        } else {
            in.put("pre_payment_credit_notes_amount", in.get("pre_payment_credit_notes_amount").asLong() + amount);
            recompute(in);
        }
        return note.deepCopy();
    }

    /** GET /v1/credit_notes: newest first, by invoice and customer, limit and starting_after, as Stripe lists them. */
    synchronized ObjectNode listCreditNotes(JsonNode query) {
        return list("/v1/credit_notes", creditNotes.values(), n -> matches(query, "invoice", n.get("invoice").asText())
                && matches(query, "customer", n.get("customer").asText()), query);
    }

    synchronized ObjectNode getCreditNote(String id) {
        ObjectNode note = creditNotes.get(id);
        if (note == null) {
            throw new SandboxException(404, ErrorKind.NOT_FOUND, "resource_missing", "No such credit note: '" + id + "'",
                    "id");
        }
        return note.deepCopy();
    }

    // ---- meter events

    synchronized ObjectNode createMeterEvent(JsonNode p) {
        JsonNode payload = p.path("payload");
        String customer = payload.path("stripe_customer_id").asText(null);
        if (customer == null || customer.isEmpty()) {
            throw invalid("parameter_missing", "Missing required param: payload[stripe_customer_id].",
                    "payload[stripe_customer_id]");
        }
        String valueText = payload.path("value").asText(null);
        if (valueText == null || !valueText.matches("-?\\d{1,18}")) {
            throw invalid(valueText == null ? "parameter_missing" : "parameter_invalid_integer",
                    valueText == null ? "Missing required param: payload[value]."
                            : "Invalid integer: payload[value] must be a whole number, got '" + valueText + "'.",
                    "payload[value]");
        }
        long nowMillis = clock.millis();
        long now = nowMillis / 1000;
        long timestamp = p.hasNonNull("timestamp") ? p.get("timestamp").asLong() : now;
        if (timestamp < now - Duration.ofDays(35).toSeconds() || timestamp > now + 300) {
            throw invalid("timestamp_out_of_range", "Timestamp must be within the past 35 calendar days and not more "
                    + "than 5 minutes in the future.", "timestamp");
        }
        identifiers.values().removeIf(seen -> seen + identifierRetention.toMillis() <= nowMillis);
        String identifier = p.hasNonNull("identifier") ? p.get("identifier").asText() : Ids.random("mtrevt_", 24);
        if (identifiers.containsKey(identifier)) {
            throw invalid("duplicate_meter_event", "An event with identifier '" + identifier
                    + "' already exists. Identifiers must be unique within a rolling 24 hour period.", "identifier");
        }
        identifiers.put(identifier, nowMillis);
        String eventName = p.get("event_name").asText();
        long value = Long.parseLong(valueText);
        meterEvents.add(new MeterEvent(eventName, customer, value, timestamp, nowMillis, identifier));
        meterTotals.merge(eventName + "\u0000" + customer, new MeterTotal(eventName, customer, value, 1),
                (a, b) -> new MeterTotal(a.eventName(), a.customer(), a.value() + b.value(), a.events() + 1));
        for (MeteredLine metered : meteredLines) {
            if (metered.eventName().equals(eventName) && metered.customer().equals(customer)) {
                meter(metered);
            }
        }
        ObjectNode event = JSON.objectNode();
        event.put("object", "billing.meter_event").put("created", now).put("event_name", eventName)
                .put("identifier", identifier).put("livemode", false);
        event.set("payload", payload.deepCopy());
        event.put("timestamp", timestamp);
        return event;
    }

    /**
     * What Stripe does at the end of a subscription's billing period (a control operation of the sandbox, which models
     * no subscriptions or prices): a draft invoice, {@code billing_reason} subscription_cycle, {@code period_start} and
     * {@code period_end} the period, {@code auto_advance} true, one line per metered price ({@code lines[i]}:
     * event_name, unit_amount_decimal in cents, description, metadata). While the invoice is a draft, each line bills
     * the meter's events of the period that arrived before finalization (end + finalization_grace_seconds): a meter
     * event reported during the grace changes the draft's amounts, as in Stripe. Invoice items may be added to it.
     */
    synchronized ObjectNode draftSubscriptionInvoice(JsonNode p) {
        String customer = p.path("customer").asText();
        long start = p.path("period_start").asLong();
        long end = p.path("period_end").asLong();
        long grace = p.path("finalization_grace_seconds").asLong(3600);
        if (end <= start || !p.path("lines").isArray() || p.path("lines").isEmpty()) {
            throw invalid("parameter_missing", "A subscription invoice needs period_start < period_end and lines.",
                    "lines");
        }
        ObjectNode params = JSON.objectNode();
        params.put("customer", customer).put("currency", p.path("currency").asText("usd")).put("auto_advance", "true");
        String id = createInvoice(params).get("id").asText();
        ObjectNode in = invoices.get(id);
        in.put("billing_reason", "subscription_cycle").put("period_start", start).put("period_end", end)
                .put("subscription", "sub_sbx_" + customer.replaceFirst("^cus_", ""));
        for (JsonNode line : p.path("lines")) {
            ObjectNode item = JSON.objectNode();
            item.put("customer", customer).put("invoice", id).put("amount", 0)
                    .put("description", line.path("description").asText(line.path("event_name").asText()));
            item.set("metadata", line.path("metadata").isObject() ? line.get("metadata").deepCopy() : JSON.objectNode());
            item.putObject("period").put("start", start).put("end", end);
            String itemId = createInvoiceItem(item).get("id").asText();
            MeteredLine metered = new MeteredLine(id, itemId, line.path("event_name").asText(), customer, start, end,
                    grace, new BigDecimal(line.path("unit_amount_decimal").asText("1")));
            meteredLines.add(metered);
            meter(metered);
        }
        return view(in);
    }

    /** Re-prices a metered line of a draft from the meter's events (a finalized invoice changes no more). */
    private void meter(MeteredLine metered) {
        ObjectNode in = invoices.get(metered.invoice());
        if (!"draft".equals(in.get("status").asText())) {
            return;
        }
        PeriodUsage usage = periodUsage(metered.eventName(), metered.customer(), metered.start(), metered.end(),
                metered.graceSeconds());
        long amount = metered.unitAmount().multiply(BigDecimal.valueOf(usage.billed())).setScale(0, RoundingMode.HALF_UP)
                .longValueExact();
        ObjectNode item = invoiceItems.get(metered.item());
        item.put("amount", amount).put("quantity", usage.billed())
                .put("unit_amount_decimal", metered.unitAmount().stripTrailingZeros().toPlainString());
        for (JsonNode line : in.get("lines").get("data")) {
            if (line.path("invoice_item").asText().equals(metered.item())) {
                ((ObjectNode) line).put("amount", amount).put("amount_excluding_tax", amount)
                        .put("quantity", usage.billed());
            }
        }
        recompute(in);
    }

    /**
     * POST /v1/billing/meter_event_adjustments, type cancel: the meter event with that identifier (and event name)
     * no longer counts, on totals and invoices alike. As Stripe: only events received within the last 24 hours can
     * be cancelled ("You can only cancel events sent to Stripe within the last 24 hours"); time-period cancellation is
     * not supported. The sandbox applies the adjustment at once and answers it as Stripe does, status pending.
     */
    synchronized ObjectNode createMeterEventAdjustment(JsonNode p) {
        String type = p.path("type").asText(null);
        if (!"cancel".equals(type)) {
            throw invalid(type == null ? "parameter_missing" : "parameter_invalid_string", type == null
                    ? "Missing required param: type." : "Invalid type: must be cancel.", "type");
        }
        String eventName = p.path("event_name").asText(null);
        String identifier = p.path("cancel").path("identifier").asText(null);
        if (identifier == null || identifier.isEmpty()) {
            throw invalid("parameter_missing", "Missing required param: cancel[identifier].", "cancel[identifier]");
        }
        long nowMillis = clock.millis();
        MeterEvent event = meterEvents.stream().filter(e -> e.identifier().equals(identifier)
                && e.eventName().equals(eventName)).findFirst().orElse(null);
        if (event == null) {
            throw missing("meter event", identifier, "cancel[identifier]");
        }
        if (event.receivedMillis() + Duration.ofHours(24).toMillis() <= nowMillis) {
            throw invalid("meter_event_adjustment_window_expired", "You can only cancel events sent to Stripe within "
                    + "the last 24 hours.", "cancel[identifier]");
        }
        meterEvents.remove(event);
        meterTotals.computeIfPresent(event.eventName() + "\u0000" + event.customer(), (k, t) -> new MeterTotal(
                t.eventName(), t.customer(), t.value() - event.value(), t.events() - 1));
        ObjectNode adjustment = JSON.objectNode();
        adjustment.put("object", "billing.meter_event_adjustment").put("livemode", false).put("status", "pending")
                .put("event_name", eventName).put("type", "cancel");
        adjustment.putObject("cancel").put("identifier", identifier);
        return adjustment;
    }

    synchronized List<MeterTotal> meterTotals() {
        return List.copyOf(meterTotals.values());
    }

    synchronized PeriodUsage periodUsage(String eventName, String customer, long start, long end, long graceSeconds) {
        if (graceSeconds < 3600 || graceSeconds > 72 * 3600) {
            throw invalid("parameter_invalid_integer", "The finalization grace period must be between 1 and 72 hours.",
                    "finalization_grace_seconds");
        }
        long finalizesAt = end + graceSeconds;
        long billed = 0;
        long billedEvents = 0;
        long late = 0;
        long lateEvents = 0;
        for (MeterEvent event : meterEvents) {
            if (event.eventName().equals(eventName) && event.customer().equals(customer) && event.timestamp() >= start
                    && event.timestamp() < end) {
                if (event.receivedMillis() < finalizesAt * 1000) {
                    billed += event.value();
                    billedEvents++;
                } else {
                    late += event.value();
                    lateEvents++;
                }
            }
        }
        String status = clock.millis() < finalizesAt * 1000 ? "draft" : "open";
        return new PeriodUsage(eventName, customer, start, end, finalizesAt, status, billed, billedEvents, late,
                lateEvents);
    }

    // ---- helpers

    /** A Stripe list, newest first, with limit (1..100, default 10) and starting_after. */
    static ObjectNode list(String url, java.util.Collection<ObjectNode> all, Predicate<ObjectNode> filter, JsonNode query) {
        int limit = Math.max(1, Math.min(100, query.path("limit").asInt(10)));
        List<ObjectNode> matching = new ArrayList<>(all.stream().filter(filter).toList());
        java.util.Collections.reverse(matching);
        matching.sort(Comparator.comparingLong((ObjectNode o) -> o.path("created").asLong(o.path("date").asLong())).reversed());
        String after = query.path("starting_after").asText(null);
        if (after != null) {
            int index = -1;
            for (int i = 0; i < matching.size(); i++) {
                if (matching.get(i).get("id").asText().equals(after)) {
                    index = i;
                }
            }
            matching = matching.subList(index + 1, matching.size());
        }
        ObjectNode list = JSON.objectNode();
        list.put("object", "list");
        ArrayNode data = list.putArray("data");
        matching.stream().limit(limit).forEach(o -> data.add(o.deepCopy()));
        list.put("has_more", matching.size() > limit).put("url", url);
        return list;
    }

    private static boolean matches(JsonNode query, String field, String value) {
        return !query.hasNonNull(field) || Objects.equals(query.get(field).asText(), value);
    }

    private static String text(JsonNode node, String field, String fallback) {
        return node.hasNonNull(field) && !node.get(field).asText().isEmpty() ? node.get(field).asText() : fallback;
    }

    private static SandboxException invalid(String code, String message, String param) {
        return new SandboxException(400, ErrorKind.INVALID_REQUEST, code, message, param);
    }

    /** A referenced object that does not exist: 400 resource_missing naming the parameter, as Stripe answers. */
    private static SandboxException missing(String type, String id, String param) {
        return new SandboxException(400, ErrorKind.NOT_FOUND, "resource_missing", "No such " + type + ": '" + id + "'", param);
    }
}
