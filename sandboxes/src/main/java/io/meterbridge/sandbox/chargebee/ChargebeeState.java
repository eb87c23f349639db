package io.meterbridge.sandbox.chargebee;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.sandbox.ErrorKind;
import io.meterbridge.sandbox.Ids;
import io.meterbridge.sandbox.SandboxException;

/**
 * What the Chargebee sandbox stores: usages and invoices for charges, in memory, under one lock. Amounts are integers
 * in minor units; quantities are decimal strings, as in Chargebee's API.
 */
final class ChargebeeState {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Map<String, ObjectNode> usages = new LinkedHashMap<>();
    private final Map<String, ObjectNode> invoices = new LinkedHashMap<>();
    private final Map<String, ObjectNode> creditNotes = new LinkedHashMap<>();
    private long invoiceSequence;
    private long creditNoteSequence;

    private static long now() {
        return Instant.now().getEpochSecond();
    }

    /**
     * Records a usage. An {@code id} that exists already is a duplicate_entry (400). With {@code dedupe_option}, a usage
     * of the same subscription, item price and usage_date is skipped (the existing one is returned) or updated.
     */
    synchronized ObjectNode createUsage(String subscriptionId, JsonNode p) {
        String id = p.hasNonNull("id") ? p.get("id").asText() : null;
        if (id != null && usages.containsKey(id)) {
            throw new SandboxException(400, ErrorKind.DUPLICATE, "duplicate_entry",
                    "The value " + id + " is already present.", "id");
        }
        String itemPrice = p.get("item_price_id").asText();
        long usageDate = p.get("usage_date").asLong();
        String quantity = new BigDecimal(p.get("quantity").asText()).stripTrailingZeros().toPlainString();
        String dedupe = p.path("dedupe_option").asText(null);
        long now = now();
        if (dedupe != null) {
            for (ObjectNode existing : usages.values()) {
                if (existing.get("subscription_id").asText().equals(subscriptionId)
                        && existing.get("item_price_id").asText().equals(itemPrice)
                        && existing.get("usage_date").asLong() == usageDate) {
                    if (dedupe.equals("update_existing")) {
                        existing.put("quantity", quantity).put("updated_at", now)
                                .put("resource_version", existing.get("resource_version").asLong() + 1);
                        if (p.hasNonNull("note")) {
                            existing.put("note", p.get("note").asText());
                        }
                    }
                    return wrap("usage", existing);
                }
            }
        }
        ObjectNode usage = JSON.objectNode();
        usage.put("id", id != null ? id : Ids.random("usage_", 16)).put("usage_date", usageDate)
                .put("subscription_id", subscriptionId).put("item_price_id", itemPrice).put("quantity", quantity)
                .put("source", "api");
        if (p.hasNonNull("note")) {
            usage.put("note", p.get("note").asText());
        }
        usage.put("resource_version", now * 1000).put("updated_at", now).put("created_at", now).put("object", "usage");
        usages.put(usage.get("id").asText(), usage);
        return wrap("usage", usage);
    }

    synchronized ObjectNode listUsages(JsonNode query) {
        Predicate<ObjectNode> filter = u -> is(query, "subscription_id", u.get("subscription_id").asText())
                && is(query, "item_price_id", u.get("item_price_id").asText());
        return list("usage", usages.values(), filter, Comparator.comparingLong(u -> -u.get("usage_date").asLong()), query);
    }

    synchronized ObjectNode createInvoiceForCharges(JsonNode p) {
        JsonNode charges = p.get("charges");
        JsonNode amounts = charges.get("amount");
        JsonNode descriptions = charges.get("description");
        if (amounts.size() != descriptions.size()) {
            throw new SandboxException(400, ErrorKind.INVALID_REQUEST, "parameter_invalid",
                    "each charge needs an amount and a description", "charges[description][" + amounts.size() + "]");
        }
        long now = now();
        String id = "sbx_" + (++invoiceSequence);
        String customer = p.get("customer_id").asText();
        ObjectNode invoice = JSON.objectNode();
        ArrayNode lines = JSON.arrayNode();
        long total = 0;
        for (int i = 0; i < amounts.size(); i++) {
            long amount = amounts.get(i).asLong();
            long from = charges.path("date_from").path(i).asLong(now);
            long to = charges.path("date_to").path(i).asLong(now);
            ObjectNode line = lines.addObject();
            line.put("id", Ids.random("li_", 16)).put("date_from", from).put("date_to", to).put("unit_amount", amount)
                    .put("quantity", 1).put("amount", amount).put("pricing_model", "flat_fee").put("is_taxed", false)
                    .put("tax_amount", 0).put("object", "line_item").putNull("subscription_id");
            line.put("customer_id", customer).put("description", descriptions.get(i).asText())
                    .put("entity_type", "adhoc").put("discount_amount", 0).put("item_level_discount_amount", 0);
            total += amount;
        }
        long subTotal = total;
        total -= discounts(p.path("discounts"), subTotal, invoice, lines);
        // a zero invoice needs no payment: Chargebee closes it as paid at once
        boolean paid = total <= 0;
        invoice.put("id", id).put("customer_id", customer).put("recurring", false)
                .put("status", paid ? "paid" : "payment_due").put("price_type", "tax_exclusive").put("date", now)
                .put("due_date", now).put("net_term_days", 0).put("exchange_rate", 1.0)
                .put("currency_code", p.path("currency_code").asText("USD").toUpperCase()).put("total", total)
                .put("amount_paid", paid ? total : 0).put("amount_adjusted", 0).put("write_off_amount", 0)
                .put("credits_applied", 0).put("amount_due", paid ? 0 : total).put("sub_total", subTotal).put("tax", 0)
                .put("first_invoice", false).put("has_advance_charges", false).put("term_finalized", true)
                .put("is_gifted", false).put("deleted", false).put("resource_version", now * 1000)
                .put("updated_at", now).put("object", "invoice");
        if (paid) {
            invoice.put("paid_at", now);
        }
        if (p.hasNonNull("po_number")) {
            invoice.put("po_number", p.get("po_number").asText());
        }
        invoice.set("line_items", lines);
        invoices.put(id, invoice);
        return wrap("invoice", invoice);
    }

    /**
     * The invoice's document-level discounts ({@code discounts[apply_on][i]=invoice_amount}, a fixed
     * {@code discounts[amount][i]} or a {@code discounts[percentage][i]} of the sub total): listed in the invoice's
     * {@code discounts}, spread over the line items' {@code discount_amount} in proportion to their amounts (the
     * rounding rest on the last line), as Chargebee shows them. Together they may not exceed the sub total; a discount
     * on a specific item price needs an item price on the invoice, which an invoice of charges has not. Returns the
     * discounted amount.
     */
    private static long discounts(JsonNode discounts, long subTotal, ObjectNode invoice, ArrayNode lines) {
        ArrayNode listed = invoice.putArray("discounts");
        JsonNode applyOn = discounts.path("apply_on");
        long discounted = 0;
        for (int i = 0; i < applyOn.size(); i++) {
            if (!applyOn.get(i).asText().equals("invoice_amount")) {
                throw new SandboxException(400, ErrorKind.INVALID_REQUEST, "param_wrong_value",
                        "Only invoice_amount discounts apply to an invoice of charges: it has no item price.",
                        "discounts[apply_on][" + i + "]");
            }
            boolean fixed = discounts.path("amount").has(i);
            boolean percent = discounts.path("percentage").has(i);
            if (fixed == percent) {
                throw new SandboxException(400, ErrorKind.INVALID_REQUEST, "param_wrong_value",
                        "Pass either discounts[amount][" + i + "] or discounts[percentage][" + i + "].",
                        "discounts[amount][" + i + "]");
            }
            long amount = fixed ? discounts.get("amount").get(i).asLong() : new BigDecimal(discounts.get("percentage")
                    .get(i).asText()).multiply(BigDecimal.valueOf(subTotal)).divide(BigDecimal.valueOf(100), 0,
                            java.math.RoundingMode.HALF_UP).longValueExact();
            discounted += amount;
            listed.addObject().put("amount", amount).put("description", fixed ? "Discount" : "Discount "
                    + discounts.get("percentage").get(i).asText() + "%").put("entity_type", "document_level_discount")
                    .put("discount_type", fixed ? "fixed_amount" : "percentage").put("object", "discount");
        }
        if (discounted > subTotal) {
            throw new SandboxException(400, ErrorKind.INVALID_REQUEST, "param_wrong_value", "The discounts ("
                    + discounted + ") cannot exceed the invoice's sub total (" + subTotal + ").", "discounts[amount][0]");
        }
        long spread = 0;
        for (int i = 0; i < lines.size() && subTotal > 0; i++) {
            ObjectNode line = (ObjectNode) lines.get(i);
            long share = i == lines.size() - 1 ? discounted - spread
                    : discounted * line.get("amount").asLong() / subTotal;
            line.put("discount_amount", share);
            spread += share;
        }
        return discounted;
    }

    synchronized ObjectNode getInvoice(String id) {
        return wrap("invoice", invoice(id));
    }

    private ObjectNode invoice(String id) {
        ObjectNode invoice = invoices.get(id);
        if (invoice == null) {
            throw new SandboxException(404, ErrorKind.NOT_FOUND, "resource_not_found",
                    "Sorry, we couldn't find that resource", null);
        }
        return invoice;
    }

    /**
     * POST /invoices/{id}/record_payment: an offline payment (transaction[payment_method] other, cash, bank_transfer...)
     * of transaction[amount] (default: the amount due) on a payment_due invoice. Paid in full, the invoice becomes
     * paid. transaction[status]=failure records a failed transaction and changes nothing else. Answers
     * {"invoice":{...},"transaction":{...}}.
     */
    synchronized ObjectNode recordPayment(String id, JsonNode p) {
        ObjectNode invoice = invoice(id);
        JsonNode t = p.path("transaction");
        long due = invoice.get("amount_due").asLong();
        if (!invoice.get("status").asText().equals("payment_due") || due <= 0) {
            throw new SandboxException(400, ErrorKind.INVALID_STATE, "invalid_state_for_request",
                    "Payment cannot be recorded for an invoice in " + invoice.get("status").asText() + " state.", null);
        }
        long amount = t.hasNonNull("amount") ? t.get("amount").asLong() : due;
        if (amount <= 0 || amount > due) {
            throw new SandboxException(400, ErrorKind.INVALID_REQUEST, "param_wrong_value",
                    "The amount should be greater than zero and at most the amount due (" + due + ").",
                    "transaction[amount]");
        }
        boolean success = !"failure".equals(t.path("status").asText("success"));
        long now = now();
        long date = t.hasNonNull("date") ? t.get("date").asLong() : now;
        ObjectNode txn = JSON.objectNode();
        txn.put("id", Ids.random("txn_", 16)).put("customer_id", invoice.get("customer_id").asText())
                .put("payment_method", t.get("payment_method").asText()).put("gateway", "not_applicable")
                .put("type", "payment").put("date", date).put("settled_at", date).put("exchange_rate", 1.0)
                .put("amount", amount).put("status", success ? "success" : "failure")
                .put("currency_code", invoice.get("currency_code").asText())
                .put("base_currency_code", invoice.get("currency_code").asText())
                .put("amount_unused", 0).put("deleted", false).put("resource_version", now * 1000)
                .put("updated_at", now).put("object", "transaction");
        for (String field : List.of("reference_number", "id_at_gateway", "error_code", "error_text")) {
            if (t.hasNonNull(field)) {
                txn.put(field, t.get(field).asText());
            }
        }
        if (success) {
            long paid = invoice.get("amount_paid").asLong() + amount;
            invoice.put("amount_paid", paid).put("amount_due", due - amount).put("updated_at", now)
                    .put("resource_version", now * 1000);
            if (due - amount == 0) {
                invoice.put("status", "paid").put("paid_at", date);
            }
            ObjectNode linked = invoiceArray(invoice, "linked_payments").addObject();
            linked.put("txn_id", txn.get("id").asText()).put("applied_amount", amount).put("applied_at", now)
                    .put("txn_status", "success").put("txn_date", date).put("txn_amount", amount);
            ObjectNode applied = txn.putArray("linked_invoices").addObject();
            applied.put("invoice_id", id).put("applied_amount", amount).put("applied_at", now)
                    .put("invoice_date", invoice.get("date").asLong()).put("invoice_total", invoice.get("total").asLong())
                    .put("invoice_status", invoice.get("status").asText());
        } else {
            txn.putArray("linked_invoices");
        }
        ObjectNode out = wrap("invoice", invoice);
        out.set("transaction", txn);
        return out;
    }

    /**
     * POST /credit_notes for an invoice: {@code type} adjustment (lowers the amount due of an unpaid invoice; fully
     * adjusted, it is paid) or refundable (up to what was paid and not yet credited; status refund_due). The amount is
     * {@code total} or the sum of {@code line_items[amount][i]} (not both). Answers {"credit_note":{...}}.
     */
    synchronized ObjectNode createCreditNote(JsonNode p) {
        ObjectNode invoice = invoices.get(p.get("reference_invoice_id").asText());
        if (invoice == null) {
            throw new SandboxException(404, ErrorKind.NOT_FOUND, "resource_not_found",
                    "Sorry, we couldn't find that resource", "reference_invoice_id");
        }
        String type = p.get("type").asText();
        JsonNode items = p.path("line_items");
        if (p.hasNonNull("total") && items.isObject()) {
            throw new SandboxException(400, ErrorKind.INVALID_REQUEST, "param_wrong_value",
                    "Pass either total or line_items, not both.", "total");
        }
        long now = now();
        ArrayNode lines = JSON.arrayNode();
        long total;
        if (items.isObject()) {
            JsonNode amounts = items.path("amount");
            if (!amounts.isArray() || amounts.isEmpty()) {
                throw new SandboxException(400, ErrorKind.INVALID_REQUEST, "parameter_missing",
                        "Missing required param: line_items[amount][0].", "line_items[amount][0]");
            }
            total = 0;
            for (int i = 0; i < amounts.size(); i++) {
                long amount = amounts.get(i).asLong();
                ObjectNode line = lines.addObject();
                line.put("id", Ids.random("li_", 16)).put("date_from", items.path("date_from").path(i).asLong(now))
                        .put("date_to", items.path("date_to").path(i).asLong(now)).put("unit_amount", amount)
                        .put("quantity", 1).put("amount", amount).put("pricing_model", "flat_fee")
                        .put("is_taxed", false).put("tax_amount", 0).put("object", "line_item")
                        .put("customer_id", invoice.get("customer_id").asText())
                        .put("description", items.path("description").path(i).asText("Credit"))
                        .put("entity_type", "adhoc").put("discount_amount", 0).put("item_level_discount_amount", 0);
                if (items.path("reference_line_item_id").has(i)) {
                    line.put("reference_line_item_id", items.get("reference_line_item_id").get(i).asText());
                }
                total += amount;
            }
        } else if (p.hasNonNull("total")) {
            total = p.get("total").asLong();
            ObjectNode line = lines.addObject();
            line.put("id", Ids.random("li_", 16)).put("date_from", now).put("date_to", now).put("unit_amount", total)
                    .put("quantity", 1).put("amount", total).put("pricing_model", "flat_fee").put("is_taxed", false)
                    .put("tax_amount", 0).put("object", "line_item")
                    .put("customer_id", invoice.get("customer_id").asText())
                    .put("description", p.path("customer_notes").asText("Credit")).put("entity_type", "adhoc")
                    .put("discount_amount", 0).put("item_level_discount_amount", 0);
        } else {
            throw new SandboxException(400, ErrorKind.INVALID_REQUEST, "parameter_missing",
                    "Missing required param: total (or line_items).", "total");
        }
        if (total <= 0) {
            throw new SandboxException(400, ErrorKind.INVALID_REQUEST, "param_wrong_value",
                    "The credit note total must be greater than zero.", "total");
        }
        long due = invoice.get("amount_due").asLong();
        long credited = 0;
        for (JsonNode issued : invoice.path("issued_credit_notes")) {
            credited += issued.path("cn_total").asLong();
        }
        long refundable = invoice.get("amount_paid").asLong() - credited;
        if (type.equals("adjustment") && total > due) {
            throw new SandboxException(400, ErrorKind.INVALID_REQUEST, "param_wrong_value", "An adjustment credit "
                    + "note cannot be more than the invoice's amount due (" + due + ").", "total");
        }
        if (type.equals("refundable") && total > refundable) {
            throw new SandboxException(400, ErrorKind.INVALID_REQUEST, "param_wrong_value", "A refundable credit "
                    + "note cannot be more than the invoice's paid amount not yet credited (" + refundable + ").",
                    "total");
        }
        String id = "sbx_cn_" + (++creditNoteSequence);
        long date = p.hasNonNull("date") ? p.get("date").asLong() : now;
        ObjectNode note = JSON.objectNode();
        note.put("id", id).put("customer_id", invoice.get("customer_id").asText())
                .put("reference_invoice_id", invoice.get("id").asText()).put("type", type)
                .put("status", type.equals("adjustment") ? "adjusted" : "refund_due")
                .put("price_type", "tax_exclusive").put("date", date)
                .put("currency_code", invoice.get("currency_code").asText()).put("total", total)
                .put("amount_allocated", type.equals("adjustment") ? total : 0).put("amount_refunded", 0)
                .put("amount_available", type.equals("adjustment") ? 0 : total).put("generated_at", date)
                .put("resource_version", now * 1000).put("updated_at", now).put("sub_total", total)
                .put("round_off_amount", 0).put("fractional_correction", 0).put("deleted", false)
                .put("object", "credit_note");
        for (String field : List.of("reason_code", "create_reason_code", "customer_notes", "comment")) {
            if (p.hasNonNull(field)) {
                note.put(field, p.get(field).asText());
            }
        }
        note.set("line_items", lines);
        note.putArray("linked_refunds");
        ArrayNode allocations = note.putArray("allocations");
        ObjectNode ref = invoiceArray(invoice, type.equals("adjustment") ? "adjustment_credit_notes"
                : "issued_credit_notes").addObject();
        ref.put("cn_id", id).put("cn_reason_code", p.path("reason_code").asText("other"))
                .put("cn_create_reason_code", p.path("create_reason_code").asText(null)).put("cn_date", date)
                .put("cn_total", total).put("cn_status", note.get("status").asText());
        if (type.equals("adjustment")) {
            invoice.put("amount_adjusted", invoice.get("amount_adjusted").asLong() + total)
                    .put("amount_due", due - total);
            if (due - total == 0) {
                invoice.put("status", "paid").put("paid_at", now);
            }
            allocations.addObject().put("invoice_id", invoice.get("id").asText()).put("allocated_amount", total)
                    .put("allocated_at", now).put("invoice_date", invoice.get("date").asLong())
                    .put("invoice_status", invoice.get("status").asText());
        }
        invoice.put("updated_at", now).put("resource_version", now * 1000);
        creditNotes.put(id, note);
        return wrap("credit_note", note);
    }

    /**
     * POST /invoices/{id}/refund: pays back {@code refund_amount} (default: all of the invoice's payment not yet
     * credited) of a paid invoice's payment, as Chargebee does: a refundable credit note of that amount, already
     * refunded ({@code status} refunded), and a refund transaction ({@code type} refund) whose
     * {@code reference_transaction_id} is the payment it pays back and whose {@code linked_credit_notes} name the credit
     * note. More than is left is refused (param_wrong_value). Answers {"invoice":..,"transaction":..,"credit_note":..}.
     */
    synchronized ObjectNode refundInvoice(String id, JsonNode p) {
        ObjectNode invoice = invoice(id);
        JsonNode payment = null;
        for (JsonNode linked : invoice.path("linked_payments")) {
            if (linked.path("txn_status").asText().equals("success")) {
                payment = linked;
                break;
            }
        }
        if (payment == null) {
            throw new SandboxException(400, ErrorKind.INVALID_STATE, "invalid_state_for_request",
                    "The invoice " + id + " has no payment to refund.", null);
        }
        long credited = 0;
        for (JsonNode issued : invoice.path("issued_credit_notes")) {
            credited += issued.path("cn_total").asLong();
        }
        long refundable = invoice.get("amount_paid").asLong() - credited;
        long amount = p.hasNonNull("refund_amount") ? p.get("refund_amount").asLong() : refundable;
        if (amount <= 0 || amount > refundable) {
            throw new SandboxException(400, ErrorKind.INVALID_REQUEST, "param_wrong_value", "The refund amount "
                    + "should be greater than zero and at most the amount not yet refunded (" + refundable + ").",
                    "refund_amount");
        }
        long now = now();
        String currency = invoice.get("currency_code").asText();
        String customer = invoice.get("customer_id").asText();
        String noteId = "sbx_cn_" + (++creditNoteSequence);
        String txnId = Ids.random("txn_", 16);
        String reason = p.path("credit_note").path("reason_code").asText("other");
        ObjectNode note = JSON.objectNode();
        note.put("id", noteId).put("customer_id", customer).put("reference_invoice_id", id).put("type", "refundable")
                .put("reason_code", reason).put("status", "refunded").put("price_type", "tax_exclusive")
                .put("date", now).put("currency_code", currency).put("total", amount).put("amount_allocated", 0)
                .put("amount_refunded", amount).put("amount_available", 0).put("refunded_at", now)
                .put("generated_at", now).put("resource_version", now * 1000).put("updated_at", now)
                .put("sub_total", amount).put("round_off_amount", 0).put("fractional_correction", 0)
                .put("deleted", false).put("object", "credit_note");
        if (p.path("credit_note").hasNonNull("create_reason_code")) {
            note.put("create_reason_code", p.path("credit_note").get("create_reason_code").asText());
        }
        if (p.hasNonNull("customer_notes")) {
            note.put("customer_notes", p.get("customer_notes").asText());
        }
        ObjectNode line = note.putArray("line_items").addObject();
        line.put("id", Ids.random("li_", 16)).put("date_from", now).put("date_to", now).put("unit_amount", amount)
                .put("quantity", 1).put("amount", amount).put("pricing_model", "flat_fee").put("is_taxed", false)
                .put("tax_amount", 0).put("object", "line_item").put("customer_id", customer)
                .put("description", p.path("customer_notes").asText("Refund of invoice " + id))
                .put("entity_type", "adhoc").put("discount_amount", 0).put("item_level_discount_amount", 0);
        note.putArray("linked_refunds").addObject().put("txn_id", txnId).put("applied_amount", amount)
                .put("applied_at", now).put("txn_status", "success").put("txn_date", now).put("txn_amount", amount)
                .put("refund_reason_code", reason);
        note.putArray("allocations");
        ObjectNode txn = JSON.objectNode();
        txn.put("id", txnId).put("customer_id", customer).put("payment_method", payment.path("payment_method")
                .asText("bank_transfer")).put("gateway", "not_applicable").put("type", "refund").put("date", now)
                .put("settled_at", now).put("exchange_rate", 1.0).put("amount", amount).put("status", "success")
                .put("currency_code", currency).put("base_currency_code", currency)
                .put("reference_transaction_id", payment.get("txn_id").asText()).put("deleted", false)
                .put("resource_version", now * 1000).put("updated_at", now).put("object", "transaction");
        if (p.hasNonNull("comment")) {
            txn.put("reference_number", p.get("comment").asText());
        }
        txn.putArray("linked_credit_notes").addObject().put("cn_id", noteId).put("applied_amount", amount)
                .put("applied_at", now).put("cn_reason_code", reason).put("cn_date", now).put("cn_total", amount)
                .put("cn_status", "refunded").put("cn_reference_invoice_id", id);
        invoiceArray(invoice, "issued_credit_notes").addObject().put("cn_id", noteId).put("cn_reason_code", reason)
                .put("cn_date", now).put("cn_total", amount).put("cn_status", "refunded");
        invoice.put("updated_at", now).put("resource_version", now * 1000);
        creditNotes.put(noteId, note);
        ObjectNode out = wrap("invoice", invoice);
        out.set("transaction", txn);
        out.set("credit_note", note.deepCopy());
        return out;
    }

    synchronized ObjectNode getCreditNote(String id) {
        ObjectNode note = creditNotes.get(id);
        if (note == null) {
            throw new SandboxException(404, ErrorKind.NOT_FOUND, "resource_not_found",
                    "Sorry, we couldn't find that resource", null);
        }
        return wrap("credit_note", note);
    }

    private static ArrayNode invoiceArray(ObjectNode invoice, String field) {
        return invoice.has(field) ? (ArrayNode) invoice.get(field) : invoice.putArray(field);
    }

    synchronized ObjectNode listInvoices(JsonNode query) {
        return list("invoice", invoices.values(), in -> is(query, "customer_id", in.get("customer_id").asText())
                && is(query, "status", in.get("status").asText()),
                Comparator.comparingLong(in -> -in.get("date").asLong()), query);
    }

    /** Chargebee filters: {@code field[is]=value} (decoded to {"field":{"is":"value"}}); a plain value also works. */
    static boolean is(JsonNode query, String field, String value) {
        JsonNode filter = query.get(field);
        if (filter == null) {
            return true;
        }
        String expected = filter.isObject() ? filter.path("is").asText(null) : filter.asText();
        return expected == null || expected.equals(value);
    }

    /** {"list":[{"usage":{...}}, ...], "next_offset": "..."} with limit (1..100, default 10) and offset. */
    static ObjectNode list(String type, java.util.Collection<ObjectNode> all, Predicate<ObjectNode> filter,
            Comparator<ObjectNode> order, JsonNode query) {
        int limit = Math.max(1, Math.min(100, query.path("limit").asInt(10)));
        int offset = Math.max(0, query.path("offset").asInt(0));
        List<ObjectNode> matching = new ArrayList<>(all.stream().filter(filter).toList());
        matching.sort(order);
        ObjectNode out = JSON.objectNode();
        ArrayNode list = out.putArray("list");
        matching.stream().skip(offset).limit(limit).forEach(o -> list.add(wrap(type, o)));
        if (matching.size() > offset + limit) {
            out.put("next_offset", String.valueOf(offset + limit));
        }
        return out;
    }

    private static ObjectNode wrap(String type, ObjectNode object) {
        ObjectNode out = JSON.objectNode();
        out.set(type, object.deepCopy());
        return out;
    }
}
