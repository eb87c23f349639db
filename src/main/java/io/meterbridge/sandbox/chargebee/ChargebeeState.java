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
    private long invoiceSequence;

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
        // a zero invoice needs no payment: Chargebee closes it as paid at once
        boolean paid = total <= 0;
        invoice.put("id", id).put("customer_id", customer).put("recurring", false)
                .put("status", paid ? "paid" : "payment_due").put("price_type", "tax_exclusive").put("date", now)
                .put("due_date", now).put("net_term_days", 0).put("exchange_rate", 1.0)
                .put("currency_code", p.path("currency_code").asText("USD").toUpperCase()).put("total", total)
                .put("amount_paid", paid ? total : 0).put("amount_adjusted", 0).put("write_off_amount", 0)
                .put("credits_applied", 0).put("amount_due", paid ? 0 : total).put("sub_total", total).put("tax", 0)
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

    synchronized ObjectNode getInvoice(String id) {
        ObjectNode invoice = invoices.get(id);
        if (invoice == null) {
            throw new SandboxException(404, ErrorKind.NOT_FOUND, "resource_not_found",
                    "Sorry, we couldn't find that resource", null);
        }
        return wrap("invoice", invoice);
    }

    synchronized ObjectNode listInvoices(JsonNode query) {
        return list("invoice", invoices.values(), in -> is(query, "customer_id", in.get("customer_id").asText())
                && is(query, "status", in.get("status").asText()),
                Comparator.comparingLong(in -> -in.get("date").asLong()), query);
    }

    /** Chargebee filters: {@code field[is]=value} (decoded to {"field":{"is":"value"}}); a plain value also works. */
    private static boolean is(JsonNode query, String field, String value) {
        JsonNode filter = query.get(field);
        if (filter == null) {
            return true;
        }
        String expected = filter.isObject() ? filter.path("is").asText(null) : filter.asText();
        return expected == null || expected.equals(value);
    }

    /** {"list":[{"usage":{...}}, ...], "next_offset": "..."} with limit (1..100, default 10) and offset. */
    private static ObjectNode list(String type, java.util.Collection<ObjectNode> all, Predicate<ObjectNode> filter,
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
