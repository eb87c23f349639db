package io.meterbridge.sandbox.netsuite;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.sandbox.ErrorKind;
import io.meterbridge.sandbox.SandboxException;

/**
 * What the NetSuite sandbox holds: records by type (customer, invoice, creditMemo, customerPayment, customerRefund,
 * journalEntry),
 * keyed by numeric internal id, with an index of external ids. In memory; one lock (every method is synchronized).
 * Records are the JSON that was sent, plus {@code id}, {@code externalId} and the few computed fields the sandbox
 * keeps ({@code total}, {@code amountRemaining} on invoices). Methods return copies.
 */
final class NetSuiteState {

    static final List<String> TYPES = List.of("customer", "invoice", "creditMemo", "customerPayment", "customerRefund",
            "journalEntry");
    /** NetSuite's external id alphabet. */
    static final Pattern EXTERNAL_ID = Pattern.compile("[A-Za-z0-9_-]+");
    /** Top-level fields NetSuite computes or owns: sending them is refused (the sandbox is stricter than NetSuite). */
    static final Set<String> READ_ONLY = Set.of("id", "links", "refName", "createdDate", "lastModifiedDate", "total",
            "subtotal", "amountRemaining", "amountPaid", "amountUnbilled", "status", "balance", "unapplied", "applied",
            "dateCreated");

    /**
     * The account's currency records by internal id (NetSuite's defaults of a US account); the subsidiary's base
     * currency, USD, is what a customer without a currency gets.
     */
    static final Map<String, String> CURRENCIES = Map.of("1", "USD", "2", "GBP", "3", "CAD", "4", "EUR");
    static final String BASE_CURRENCY = "1";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** The outcome of a write: the record's internal id and whether it was created. */
    record Written(String type, String id, boolean created) {
    }

    private final Map<String, Map<String, ObjectNode>> records = new HashMap<>();
    private final Map<String, Map<String, String>> byExternalId = new HashMap<>();
    private final AtomicLong ids = new AtomicLong(100);
    /** Per customer payment (internal id), what customer refunds have paid back of it. */
    private final Map<String, BigDecimal> refunded = new HashMap<>();

    NetSuiteState() {
        for (String type : TYPES) {
            records.put(type, new LinkedHashMap<>());
            byExternalId.put(type, new HashMap<>());
        }
    }

    // ---- writes

    /** POST /{type}: a new record; an external id already in use is a duplicate. */
    synchronized Written create(String type, JsonNode body) {
        ObjectNode fields = checked(type, body);
        String externalId = text(fields, "externalId");
        if (externalId != null && byExternalId.get(type).containsKey(externalId)) {
            throw new SandboxException(400, ErrorKind.DUPLICATE, null, "A " + type + " record with external ID '"
                    + externalId + "' already exists.", "externalId");
        }
        return store(type, null, fields);
    }

    /** PUT /{type}/eid:{externalId}: creates the record or replaces the fields sent (sublists replaced whole). */
    synchronized Written upsert(String type, String externalId, JsonNode body) {
        checkExternalId(externalId, "id");
        ObjectNode fields = checked(type, body);
        String inBody = text(fields, "externalId");
        if (inBody != null && !inBody.equals(externalId)) {
            throw invalid("The externalId in the body ('" + inBody + "') differs from the one in the path ('"
                    + externalId + "').", "externalId");
        }
        fields.put("externalId", externalId);
        String existing = byExternalId.get(type).get(externalId);
        return store(type, existing, fields);
    }

    /** PATCH /{type}/{id or eid:...}: changes the fields sent on an existing record. */
    synchronized Written update(String type, String idOrEid, JsonNode body) {
        String id = resolve(type, idOrEid);
        ObjectNode fields = checked(type, body);
        String inBody = text(fields, "externalId");
        String current = text(records.get(type).get(id), "externalId");
        if (inBody != null && !inBody.equals(current) && byExternalId.get(type).containsKey(inBody)) {
            throw new SandboxException(400, ErrorKind.DUPLICATE, null, "A " + type + " record with external ID '"
                    + inBody + "' already exists.", "externalId");
        }
        return store(type, id, fields);
    }

    /** POST /invoice/{id}/!transform/creditMemo: a credit memo created from the invoice and applied to it. */
    synchronized Written transformInvoiceToCreditMemo(String invoiceIdOrEid, JsonNode body) {
        String invoiceId = resolve("invoice", invoiceIdOrEid);
        ObjectNode invoice = records.get("invoice").get(invoiceId);
        ObjectNode fields = checked("creditMemo", body);
        String externalId = text(fields, "externalId");
        if (externalId != null && byExternalId.get("creditMemo").containsKey(externalId)) {
            throw new SandboxException(400, ErrorKind.DUPLICATE, null, "A creditMemo record with external ID '"
                    + externalId + "' already exists.", "externalId");
        }
        ObjectNode memo = JSON.objectNode();
        for (String copied : List.of("entity", "currency", "subsidiary", "department", "class", "location", "item")) {
            if (invoice.has(copied)) {
                memo.set(copied, invoice.get(copied).deepCopy());
            }
        }
        memo.set("createdFrom", JSON.objectNode().put("id", invoiceId));
        memo.setAll(fields);
        Written written = store("creditMemo", null, memo);
        BigDecimal credited = total(records.get("creditMemo").get(written.id()));
        reduceRemaining(invoiceId, credited);
        return written;
    }

    private Written store(String type, String existingId, ObjectNode fields) {
        checkReferences(type, fields);
        boolean created = existingId == null;
        String id = created ? String.valueOf(ids.incrementAndGet()) : existingId;
        ObjectNode record = created ? JSON.objectNode() : records.get(type).get(id);
        ObjectNode before = record.deepCopy();
        record.put("id", id);
        record.setAll(fields);
        try {
            checkCurrency(type, record);
        } catch (SandboxException e) {
            restore(type, id, before, created);
            throw e;
        }
        if (type.equals("journalEntry")) {
            checkBalanced(record, before, created);
        }
        if (type.equals("invoice")) {
            if (!record.path("item").path("items").elements().hasNext()) {
                restore(type, id, before, created);
                throw invalid("You must enter at least one line item for this transaction.", "item");
            }
            BigDecimal total = total(record);
            BigDecimal applied = before.has("total")
                    ? before.get("total").decimalValue().subtract(before.path("amountRemaining").decimalValue())
                    : BigDecimal.ZERO;
            record.put("total", total);
            record.put("amountRemaining", total.subtract(applied).max(BigDecimal.ZERO));
        }
        if (type.equals("creditMemo")) {
            record.put("total", total(record));
        }
        if (type.equals("customerPayment") && created) {
            for (JsonNode line : record.path("apply").path("items")) {
                if (line.path("apply").asBoolean(true) && line.has("amount")) {
                    reduceRemaining(refId("invoice", line.get("doc")), line.get("amount").decimalValue());
                }
            }
        }
        if (type.equals("customerRefund") && created) {
            refund(record);
        }
        records.get(type).put(id, record);
        String oldExternal = text(before, "externalId");
        String newExternal = text(record, "externalId");
        if (oldExternal != null && !oldExternal.equals(newExternal)) {
            byExternalId.get(type).remove(oldExternal);
        }
        if (newExternal != null) {
            byExternalId.get(type).put(newExternal, id);
        }
        return new Written(type, id, created);
    }

    /**
     * A new customer refund: each applied payment must still hold the amount refunded of it (its payment less what
     * earlier refunds paid back), refused otherwise; the refund's total is the sum applied. Nothing is stored on refusal.
     */
    private void refund(ObjectNode record) {
        BigDecimal total = BigDecimal.ZERO;
        Map<String, BigDecimal> after = new HashMap<>();
        int i = 0;
        for (JsonNode line : record.path("apply").path("items")) {
            if (!line.path("apply").asBoolean(true)) {
                i++;
                continue;
            }
            if (!line.has("amount") || line.get("amount").decimalValue().signum() <= 0) {
                throw invalid("Please enter a positive amount to refund.", "apply.items[" + i + "].amount");
            }
            String paymentId = refId("customerPayment", line.get("doc"));
            BigDecimal amount = line.get("amount").decimalValue();
            BigDecimal paid = records.get("customerPayment").get(paymentId).path("payment").decimalValue();
            BigDecimal already = after.getOrDefault(paymentId, refunded.getOrDefault(paymentId, BigDecimal.ZERO));
            if (already.add(amount).compareTo(paid) > 0) {
                throw invalid("You cannot refund " + amount.toPlainString() + " of payment " + paymentId + ": only "
                        + paid.subtract(already).toPlainString() + " is left to refund.", "apply.items[" + i + "].amount");
            }
            after.put(paymentId, already.add(amount));
            total = total.add(amount);
            i++;
        }
        if (total.signum() == 0) {
            throw invalid("You must apply the refund to at least one credit or payment.", "apply");
        }
        refunded.putAll(after);
        record.put("total", total);
    }

    private void restore(String type, String id, ObjectNode before, boolean created) {
        if (!created) {
            ObjectNode record = records.get(type).get(id);
            record.removeAll();
            record.setAll(before);
        }
    }

    private void checkBalanced(ObjectNode record, ObjectNode before, boolean created) {
        BigDecimal debit = BigDecimal.ZERO;
        BigDecimal credit = BigDecimal.ZERO;
        int lines = 0;
        for (JsonNode line : record.path("line").path("items")) {
            lines++;
            debit = debit.add(line.path("debit").decimalValue());
            credit = credit.add(line.path("credit").decimalValue());
            if (!line.hasNonNull("account")) {
                restore("journalEntry", record.get("id").asText(), before, created);
                throw invalid("Please enter value(s) for: Account", "line.items[" + (lines - 1) + "].account");
            }
        }
        if (lines < 2 || debit.compareTo(credit) != 0) {
            restore("journalEntry", record.get("id").asText(), before, created);
            throw invalid("The transaction is not in balance: debits " + debit.toPlainString() + ", credits "
                    + credit.toPlainString() + " (at least two lines).", "line");
        }
    }

    private void reduceRemaining(String invoiceId, BigDecimal amount) {
        ObjectNode invoice = records.get("invoice").get(invoiceId);
        if (invoice != null && invoice.has("amountRemaining")) {
            invoice.put("amountRemaining", invoice.get("amountRemaining").decimalValue().subtract(amount).max(BigDecimal.ZERO));
        }
    }

    /** Sum of item lines: amount, or quantity x rate. */
    private static BigDecimal total(ObjectNode record) {
        BigDecimal total = BigDecimal.ZERO;
        for (JsonNode line : record.path("item").path("items")) {
            if (line.has("amount")) {
                total = total.add(line.get("amount").decimalValue());
            } else if (line.has("rate")) {
                BigDecimal quantity = line.has("quantity") ? line.get("quantity").decimalValue() : BigDecimal.ONE;
                total = total.add(quantity.multiply(line.get("rate").decimalValue()));
            }
        }
        return total;
    }

    // ---- checks

    /** The body as fields to store: an object, external id in NetSuite's alphabet, no read-only field. */
    private ObjectNode checked(String type, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw invalid("The request body must be a JSON object.", null);
        }
        ObjectNode fields = (ObjectNode) body.deepCopy();
        for (String field : READ_ONLY) {
            if (fields.has(field)) {
                throw invalid("The field '" + field + "' of " + type + " is read-only and cannot be set.", field);
            }
        }
        if (fields.has("externalId")) {
            if (!fields.get("externalId").isTextual()) {
                throw invalid("externalId must be a string.", "externalId");
            }
            checkExternalId(fields.get("externalId").asText(), "externalId");
        }
        return fields;
    }

    static void checkExternalId(String externalId, String path) {
        if (externalId == null || !EXTERNAL_ID.matcher(externalId).matches()) {
            throw invalid("Invalid external ID '" + externalId + "': external IDs can contain only letters, digits, "
                    + "underscores (_) and hyphens (-).", path);
        }
    }

    /** References to records the sandbox holds must exist; other references (accounts, items...) are not checked. */
    private void checkReferences(String type, ObjectNode fields) {
        switch (type) {
            case "invoice", "creditMemo" -> {
                if (fields.has("entity")) {
                    refId("customer", fields.get("entity"), "entity");
                }
                if (fields.has("createdFrom")) {
                    refId("invoice", fields.get("createdFrom"), "createdFrom");
                }
            }
            case "customerPayment" -> {
                refId("customer", fields.get("customer"), "customer");
                int i = 0;
                for (JsonNode line : fields.path("apply").path("items")) {
                    refId("invoice", line.get("doc"), "apply.items[" + i++ + "].doc");
                }
            }
            case "customerRefund" -> {
                String customer = refId("customer", fields.get("customer"), "customer");
                int i = 0;
                for (JsonNode line : fields.path("apply").path("items")) {
                    String payment = refId("customerPayment", line.get("doc"), "apply.items[" + i + "].doc");
                    // A refund pays back a credit of its own customer.
                    if (!customer.equals(refId("customer", records.get("customerPayment").get(payment).get("customer")))) {
                        throw invalid("Payment " + payment + " is not a payment of customer " + customer + ".",
                                "apply.items[" + i + "].doc");
                    }
                    i++;
                }
            }
            case "journalEntry" -> {
                int i = 0;
                for (JsonNode line : fields.path("line").path("items")) {
                    if (line.has("entity")) {
                        refId("customer", line.get("entity"), "line.items[" + i + "].entity");
                    }
                    i++;
                }
            }
            default -> {
            }
        }
    }

    /**
     * Currencies as NetSuite checks them: a reference must name a currency record ({"id"}); a transaction's currency
     * must be its customer's (a customer trades in its own currency unless more are added to it, which the hub never
     * does).
     */
    private void checkCurrency(String type, ObjectNode record) {
        String currency = record.has("currency") ? currencyId(record.get("currency")) : null;
        String customerField = switch (type) {
            case "invoice", "creditMemo" -> "entity";
            case "customerPayment", "customerRefund" -> "customer";
            default -> null;
        };
        if (currency == null || customerField == null || !record.has(customerField)) {
            return;
        }
        String customerId = refId("customer", record.get(customerField), customerField);
        ObjectNode customer = records.get("customer").get(customerId);
        String customerCurrency = customer.has("currency") ? currencyId(customer.get("currency")) : BASE_CURRENCY;
        if (!currency.equals(customerCurrency)) {
            throw new SandboxException(400, ErrorKind.INVALID_REQUEST, "INVALID_KEY_OR_REF", "Invalid currency "
                    + "reference key " + currency + " for entity " + customerId + ".", "currency");
        }
    }

    /** The internal id of a currency reference, which must name one of the account's currency records. */
    private static String currencyId(JsonNode ref) {
        String id = ref != null && ref.isObject() && ref.hasNonNull("id") ? ref.get("id").asText() : null;
        if (id == null || !CURRENCIES.containsKey(id)) {
            String key = ref == null ? "(none)" : ref.hasNonNull("id") ? ref.get("id").asText()
                    : ref.hasNonNull("externalId") ? "externalId " + ref.get("externalId").asText()
                    : ref.hasNonNull("refName") ? ref.get("refName").asText() : ref.toString();
            throw new SandboxException(400, ErrorKind.INVALID_REQUEST, "INVALID_KEY_OR_REF", "Invalid currency "
                    + "reference key " + key + ".", "currency");
        }
        return id;
    }

    private String refId(String type, JsonNode ref) {
        return refId(type, ref, null);
    }

    /** The internal id a reference {"id"} or {"externalId"} names, which must exist. */
    private String refId(String type, JsonNode ref, String path) {
        String key = ref == null ? null : ref.hasNonNull("id") ? ref.get("id").asText()
                : ref.hasNonNull("externalId") ? "eid:" + ref.get("externalId").asText() : null;
        String id = key == null ? null : key.startsWith("eid:") ? byExternalId.get(type).get(key.substring(4))
                : records.get(type).containsKey(key) ? key : null;
        if (id == null) {
            throw new SandboxException(400, ErrorKind.INVALID_REQUEST, "INVALID_KEY_OR_REF", "Invalid " + path
                    + " reference key " + (key == null ? "(none)" : key.replaceFirst("^eid:", "externalId ")) + ".", path);
        }
        return id;
    }

    /** Internal id from "123" or "eid:abc"; 404 when there is no such record. */
    private String resolve(String type, String idOrEid) {
        String id;
        if (idOrEid.startsWith("eid:")) {
            String externalId = idOrEid.substring(4);
            checkExternalId(externalId, "id");
            id = byExternalId.get(type).get(externalId);
        } else {
            id = records.get(type).containsKey(idOrEid) ? idOrEid : null;
        }
        if (id == null) {
            throw new SandboxException(404, ErrorKind.NOT_FOUND, null, "The record instance does not exist. Provide a "
                    + "valid record instance ID.", null);
        }
        return id;
    }

    // ---- reads

    synchronized ObjectNode get(String type, String idOrEid, String selfBase) {
        String id = resolve(type, idOrEid);
        return withLinks(records.get(type).get(id).deepCopy(), selfBase + "/" + type + "/" + id);
    }

    synchronized List<ObjectNode> list(String type) {
        List<ObjectNode> out = new ArrayList<>();
        records.get(type).values().forEach(r -> out.add(r.deepCopy()));
        return out;
    }

    synchronized Map<String, Integer> counts() {
        Map<String, Integer> out = new LinkedHashMap<>();
        TYPES.forEach(t -> out.put(t, records.get(t).size()));
        return out;
    }

    synchronized void clear() {
        records.values().forEach(Map::clear);
        byExternalId.values().forEach(Map::clear);
    }

    private static ObjectNode withLinks(ObjectNode record, String self) {
        record.putArray("links").addObject().put("rel", "self").put("href", self);
        return record;
    }

    private static String text(JsonNode node, String field) {
        return node != null && node.hasNonNull(field) ? node.get(field).asText() : null;
    }

    private static SandboxException invalid(String message, String path) {
        return new SandboxException(400, ErrorKind.INVALID_REQUEST, "USER_ERROR", message, path);
    }
}
