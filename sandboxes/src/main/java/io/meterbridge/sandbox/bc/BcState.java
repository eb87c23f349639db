package io.meterbridge.sandbox.bc;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the Business Central sandbox holds, per company ({@code tenant/environment/companyId}; any well-formed company
 * id is a company): customers, sales invoices and credit memos with their lines, journals with their lines, and the
 * general ledger entries that posting journals produces. Not thread-safe on its own: {@link BcSandbox} runs every
 * operation (and a whole {@code $batch}) under one lock, and snapshots the state for {@code Isolation: snapshot}.
 * Entities are Jackson trees with every field of the entity's API page (defaults as BC shows them: empty strings, 0,
 * the empty GUID); tax is 0 (no tax setup), amounts have 2 decimals.
 */
final class BcState {

    static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    static final String EMPTY_GUID = "00000000-0000-0000-0000-000000000000";
    static final String EMPTY_DATE = "0001-01-01";
    static final Set<String> LINE_TYPES = Set.of("Comment", "Account", "Item", "Resource", "Fixed Asset", "Charge");
    /** Code fields of the pages used here with their length: BC stores them upper-cased and refuses longer values. */
    static final Map<String, Integer> CODE_FIELDS = Map.of("number", 20, "externalDocumentNumber", 35,
            "customerNumber", 20, "billToCustomerNumber", 20, "lineObjectNumber", 20, "documentNumber", 20,
            "accountNumber", 20, "balancingAccountNumber", 20, "currencyCode", 10, "code", 10);
    static final Set<String> ACCOUNT_TYPES = Set.of("G/L Account", "Customer", "Vendor", "Bank Account", "Fixed Asset",
            "IC Partner", "Employee");

    /**
     * The Currency table of the sandbox's companies (CRONUS USA): the local currency (USD) is the empty code and has
     * no record, so naming it, like naming a currency that is not set up, is refused.
     */
    static final Set<String> CURRENCIES = Set.of("CAD", "EUR", "GBP", "DKK", "MXN");

    static void checkCurrency(String code, String table) {
        if (!code.isEmpty() && !CURRENCIES.contains(code)) {
            throw BcErrors.badRequest(BcErrors.FIELD_VALIDATION, "The field Currency Code of table " + table
                    + " contains a value (" + code + ") that cannot be found in the related table (Currency).");
        }
    }

    /** One company's tables. */
    static final class Company {
        final String key;
        final Map<String, ObjectNode> customers = new LinkedHashMap<>();
        final Map<String, ObjectNode> salesInvoices = new LinkedHashMap<>();
        final Map<String, ObjectNode> salesCreditMemos = new LinkedHashMap<>();
        final Map<String, ObjectNode> journals = new LinkedHashMap<>();
        /** Lines by document or journal id, in sequence order. */
        final Map<String, List<ObjectNode>> lines = new LinkedHashMap<>();
        final Map<String, ObjectNode> generalLedgerEntries = new LinkedHashMap<>();
        int customerSeq = 10000;
        int invoiceSeq = 1000;
        int creditMemoSeq = 1000;
        int entrySeq = 0;

        Company(String key) {
            this.key = key;
        }

        Company copy() {
            Company c = new Company(key);
            customers.forEach((k, v) -> c.customers.put(k, v.deepCopy()));
            salesInvoices.forEach((k, v) -> c.salesInvoices.put(k, v.deepCopy()));
            salesCreditMemos.forEach((k, v) -> c.salesCreditMemos.put(k, v.deepCopy()));
            journals.forEach((k, v) -> c.journals.put(k, v.deepCopy()));
            lines.forEach((k, v) -> c.lines.put(k, new ArrayList<>(v.stream().map(ObjectNode::deepCopy).toList())));
            generalLedgerEntries.forEach((k, v) -> c.generalLedgerEntries.put(k, v.deepCopy()));
            c.customerSeq = customerSeq;
            c.invoiceSeq = invoiceSeq;
            c.creditMemoSeq = creditMemoSeq;
            c.entrySeq = entrySeq;
            return c;
        }

        Map<String, ObjectNode> table(String set) {
            return switch (set) {
                case "customers" -> customers;
                case "salesInvoices" -> salesInvoices;
                case "salesCreditMemos" -> salesCreditMemos;
                case "journals" -> journals;
                case "generalLedgerEntries" -> generalLedgerEntries;
                default -> throw BcSpec.unsupported(set);
            };
        }
    }

    private final BcSpec spec;
    private Map<String, Company> companies = new LinkedHashMap<>();

    BcState(BcSpec spec) {
        this.spec = spec;
    }

    Company company(String key) {
        return companies.computeIfAbsent(key, Company::new);
    }

    /** A deep copy, for {@link #restore} when a transactional batch fails. */
    Map<String, Company> snapshot() {
        Map<String, Company> copy = new LinkedHashMap<>();
        companies.forEach((k, v) -> copy.put(k, v.copy()));
        return copy;
    }

    void restore(Map<String, Company> snapshot) {
        companies = snapshot;
    }

    void clear() {
        companies = new LinkedHashMap<>();
    }

    Map<String, Company> companies() {
        return companies;
    }

    static String today() {
        return LocalDate.now(ZoneOffset.UTC).toString();
    }

    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    // ---- generic

    /** A new entity of {@code set}: every property of the page at its default, then the request's values. */
    ObjectNode newEntity(String set, JsonNode body) {
        ObjectNode e = JSON.objectNode();
        spec.properties(set).forEach((name, schema) -> {
            if (!schema.path("type").asText().equals("array")) {
                e.set(name, defaultOf(schema));
            }
        });
        if (body != null) {
            body.fields().forEachRemaining(f -> {
                if (!f.getValue().isArray()) {
                    e.set(f.getKey(), f.getValue().deepCopy());
                }
            });
        }
        CODE_FIELDS.forEach((field, length) -> {
            JsonNode value = e.get(field);
            if (value != null && value.isTextual()) {
                String code = value.asText().toUpperCase(java.util.Locale.ROOT);
                if (code.length() > length) {
                    throw BcErrors.badRequest(BcErrors.FIELD_VALIDATION, "The length of the string is " + code.length()
                            + ", but it must be less than or equal to " + length + " characters. Value: " + code);
                }
                e.put(field, code);
            }
        });
        e.put("id", UUID.randomUUID().toString());
        if (e.has("lastModifiedDateTime")) {
            e.put("lastModifiedDateTime", now());
        }
        return e;
    }

    private static JsonNode defaultOf(JsonNode schema) {
        String format = schema.path("format").asText();
        return switch (schema.path("type").asText()) {
            case "number", "integer" -> JSON.numberNode(0);
            case "boolean" -> JSON.booleanNode(false);
            default -> JSON.textNode(switch (format) {
                case "uuid" -> EMPTY_GUID;
                case "date" -> EMPTY_DATE;
                case "date-time" -> "0001-01-01T00:00:00Z";
                default -> "";
            });
        };
    }

    static boolean blank(JsonNode node) {
        return node == null || node.isNull() || node.asText().isEmpty() || node.asText().equals(EMPTY_GUID)
                || node.asText().equals(EMPTY_DATE);
    }

    static BigDecimal amount(JsonNode node) {
        return node == null || !node.isNumber() ? BigDecimal.ZERO : node.decimalValue();
    }

    static BigDecimal money(BigDecimal value) {
        return value.setScale(2, RoundingMode.HALF_UP);
    }

    List<ObjectNode> list(Company c, String set, Predicate<ObjectNode> filter) {
        return c.table(set).values().stream().filter(filter).toList();
    }

    ObjectNode get(Company c, String set, String id) {
        ObjectNode e = c.table(set).get(id);
        if (e == null) {
            throw BcErrors.notFound(BcErrors.RECORD_NOT_FOUND, "The " + BcSpec.SCHEMAS.getOrDefault(set, set)
                    + " does not exist. Identification fields and values: Id='" + id + "'");
        }
        return e;
    }

    List<ObjectNode> lines(Company c, String ownerId) {
        return c.lines.getOrDefault(ownerId, List.of());
    }

    // ---- customers

    ObjectNode createCustomer(Company c, JsonNode body) {
        ObjectNode customer = newEntity("customers", body);
        String number = customer.path("number").asText();
        if (number.isEmpty()) {
            do {
                number = "C" + (c.customerSeq += 10);
            } while (findCustomer(c, number) != null);
            customer.put("number", number);
        } else if (number.length() > 20) {
            throw BcErrors.badRequest(BcErrors.FIELD_VALIDATION, "The length of the string is " + number.length()
                    + ", but it must be less than or equal to 20 characters. Value: " + number);
        } else if (findCustomer(c, number) != null) {
            throw BcErrors.badRequest(BcErrors.DUPLICATE, "The record in table Customer already exists. "
                    + "Identification fields and values: No.='" + number + "'");
        }
        if (customer.path("type").asText().isEmpty()) {
            customer.put("type", "Company");
        }
        c.customers.put(customer.get("id").asText(), customer);
        return customer;
    }

    private static ObjectNode findCustomer(Company c, String number) {
        return c.customers.values().stream().filter(x -> x.path("number").asText().equals(number)).findFirst()
                .orElse(null);
    }

    private ObjectNode customerOf(Company c, JsonNode body, String what) {
        String id = body.path("customerId").asText();
        String number = body.path("customerNumber").asText();
        ObjectNode customer = null;
        if (!id.isEmpty() && !id.equals(EMPTY_GUID)) {
            customer = c.customers.get(id);
            if (customer == null) {
                throw BcErrors.badRequest(BcErrors.FIELD_VALIDATION, "The customer with Id '" + id + "' does not exist.");
            }
            if (!number.isEmpty() && !number.equals(customer.path("number").asText())) {
                throw BcErrors.badRequest(BcErrors.FIELD_VALIDATION, "The customer number and customer id do not match.");
            }
        } else if (!number.isEmpty()) {
            customer = findCustomer(c, number);
            if (customer == null) {
                throw BcErrors.badRequest(BcErrors.FIELD_VALIDATION, "The field Sell-to Customer No. of table " + what
                        + " contains a value (" + number + ") that cannot be found in the related table (Customer).");
            }
        } else {
            throw BcErrors.badRequest(BcErrors.FIELD_VALIDATION, "You must specify a customer (customerId or "
                    + "customerNumber) for the " + what + ".");
        }
        return customer;
    }

    // ---- sales documents

    /** POST salesInvoices / salesCreditMemos, with the lines of the deep insert. */
    ObjectNode createDocument(Company c, String set, JsonNode body) {
        boolean invoice = set.equals("salesInvoices");
        String linesPart = invoice ? "salesInvoiceLines" : "salesCreditMemoLines";
        ObjectNode doc = newEntity(set, body);
        ObjectNode customer = customerOf(c, body, invoice ? "Sales Header (Invoice)" : "Sales Header (Credit Memo)");
        doc.put("customerId", customer.get("id").asText());
        doc.put("customerNumber", customer.get("number").asText());
        doc.put("customerName", customer.path("displayName").asText());
        doc.put("billToName", customer.path("displayName").asText());
        if (blank(doc.get("billToCustomerId")) && doc.path("billToCustomerNumber").asText().isEmpty()) {
            doc.put("billToCustomerId", customer.get("id").asText());
            doc.put("billToCustomerNumber", customer.get("number").asText());
        }
        for (String[] pair : new String[][] {{"AddressLine1", "addressLine1"}, {"AddressLine2", "addressLine2"},
                {"City", "city"}, {"Country", "country"}, {"State", "state"}, {"PostCode", "postalCode"}}) {
            if (doc.path("sellTo" + pair[0]).asText().isEmpty()) {
                doc.put("sellTo" + pair[0], customer.path(pair[1]).asText());
            }
            doc.put("billTo" + pair[0], customer.path(pair[1]).asText());
        }
        if (doc.path("currencyCode").asText().isEmpty()) {
            doc.put("currencyCode", customer.path("currencyCode").asText());
        }
        checkCurrency(doc.path("currencyCode").asText(), invoice ? "Sales Header (Invoice)" : "Sales Header (Credit Memo)");
        String dateField = invoice ? "invoiceDate" : "creditMemoDate";
        if (blank(doc.get(dateField))) {
            doc.put(dateField, today());
        }
        for (String f : List.of("postingDate", "dueDate")) {
            if (blank(doc.get(f))) {
                doc.put(f, doc.get(dateField).asText());
            }
        }
        if (!invoice) {
            linkInvoice(c, doc, customer);
        }
        if (invoice) {
            doc.put("number", "S-INV" + (++c.invoiceSeq));
        } else {
            doc.put("number", "S-CR" + (++c.creditMemoSeq));
        }
        doc.put("status", "Draft");
        String id = doc.get("id").asText();
        List<ObjectNode> lines = new ArrayList<>();
        c.lines.put(id, lines);
        if (body.path(linesPart).isArray()) {
            for (JsonNode line : body.get(linesPart)) {
                addLine(c, linesPart, doc, line);
            }
        }
        recompute(c, doc);
        (invoice ? c.salesInvoices : c.salesCreditMemos).put(id, doc);
        return doc;
    }

    private void linkInvoice(Company c, ObjectNode memo, ObjectNode customer) {
        String invoiceId = memo.path("invoiceId").asText();
        String invoiceNumber = memo.path("invoiceNumber").asText();
        if ((invoiceId.isEmpty() || invoiceId.equals(EMPTY_GUID)) && invoiceNumber.isEmpty()) {
            return;
        }
        ObjectNode invoice = c.salesInvoices.values().stream()
                .filter(i -> i.get("id").asText().equals(invoiceId) || i.get("number").asText().equals(invoiceNumber))
                .findFirst().orElse(null);
        if (invoice == null || invoice.get("status").asText().equals("Draft")) {
            throw BcErrors.badRequest(BcErrors.FIELD_VALIDATION, "The posted sales invoice '"
                    + (invoiceNumber.isEmpty() ? invoiceId : invoiceNumber) + "' does not exist.");
        }
        if (!invoice.get("customerId").asText().equals(customer.get("id").asText())) {
            throw BcErrors.badRequest(BcErrors.FIELD_VALIDATION, "The invoice " + invoice.get("number").asText()
                    + " belongs to another customer.");
        }
        memo.put("invoiceId", invoice.get("id").asText());
        memo.put("invoiceNumber", invoice.get("number").asText());
    }

    /** POST .../salesInvoiceLines (or a line of a deep insert). */
    ObjectNode addLine(Company c, String linesPart, ObjectNode doc, JsonNode body) {
        if (!doc.get("status").asText().equals("Draft")) {
            throw BcErrors.badRequest(BcErrors.DIALOG, "The document " + doc.get("number").asText()
                    + " has been posted; its lines cannot be changed.");
        }
        ObjectNode line = newEntity(linesPart, body);
        List<ObjectNode> lines = c.lines.computeIfAbsent(doc.get("id").asText(), k -> new ArrayList<>());
        line.put("documentId", doc.get("id").asText());
        if (line.path("sequence").asInt() == 0) {
            line.put("sequence", lines.stream().mapToInt(l -> l.path("sequence").asInt()).max().orElse(0) + 10000);
        }
        String type = line.path("lineType").asText();
        if (type.isEmpty()) {
            type = !blank(line.get("itemId")) ? "Item" : !blank(line.get("accountId")) ? "Account" : "Comment";
            line.put("lineType", type);
        }
        if (!LINE_TYPES.contains(type)) {
            throw BcErrors.badRequest(BcErrors.FIELD_VALIDATION, "'" + type + "' is not a valid line type. Use one of "
                    + LINE_TYPES + ".");
        }
        BigDecimal quantity = amount(line.get("quantity"));
        BigDecimal unitPrice = amount(line.get("unitPrice"));
        if (type.equals("Comment")) {
            if (quantity.signum() != 0 || unitPrice.signum() != 0) {
                throw BcErrors.badRequest(BcErrors.FIELD_VALIDATION, "A comment line cannot have a quantity or price.");
            }
        } else if (line.path("lineObjectNumber").asText().isEmpty() && blank(line.get("itemId"))
                && blank(line.get("accountId"))) {
            throw BcErrors.badRequest(BcErrors.FIELD_VALIDATION, "lineObjectNumber must have a value on a line of type "
                    + type + ".");
        }
        BigDecimal gross = quantity.multiply(unitPrice);
        BigDecimal discount = line.has("discountAmount") && body != null && body.has("discountAmount")
                ? amount(line.get("discountAmount"))
                : gross.multiply(amount(line.get("discountPercent"))).divide(BigDecimal.valueOf(100));
        BigDecimal net = money(gross.subtract(discount));
        line.put("discountAmount", money(discount));
        line.put("amountExcludingTax", net);
        line.put("taxPercent", 0);
        line.put("totalTaxAmount", money(BigDecimal.ZERO));
        line.put("amountIncludingTax", net);
        line.put("netAmount", net);
        line.put("netTaxAmount", money(BigDecimal.ZERO));
        line.put("netAmountIncludingTax", net);
        line.put("discountAppliedBeforeTax", true);
        lines.add(line);
        lines.sort((a, b) -> Integer.compare(a.path("sequence").asInt(), b.path("sequence").asInt()));
        recompute(c, doc);
        return line;
    }

    private void recompute(Company c, ObjectNode doc) {
        BigDecimal sum = BigDecimal.ZERO;
        for (ObjectNode line : lines(c, doc.get("id").asText())) {
            sum = sum.add(amount(line.get("amountExcludingTax")));
        }
        BigDecimal total = money(sum.subtract(amount(doc.get("discountAmount"))));
        doc.put("totalAmountExcludingTax", total);
        doc.put("totalTaxAmount", money(BigDecimal.ZERO));
        doc.put("totalAmountIncludingTax", total);
        doc.put("discountAppliedBeforeTax", true);
        if (doc.has("remainingAmount") && doc.get("status") != null && "Draft".equals(doc.get("status").asText())) {
            doc.put("remainingAmount", total);
        }
        doc.put("lastModifiedDateTime", now());
    }

    /** Microsoft.NAV.post of a sales invoice: Draft to Open (Paid when nothing is due), with a posted number. */
    void postInvoice(Company c, String id) {
        ObjectNode invoice = get(c, "salesInvoices", id);
        checkPostable(c, invoice, "sales invoice");
        invoice.put("number", "PS-INV" + (102000 + Integer.parseInt(invoice.get("number").asText().substring(5))));
        BigDecimal total = amount(invoice.get("totalAmountIncludingTax"));
        invoice.put("remainingAmount", total);
        invoice.put("status", total.signum() == 0 ? "Paid" : "Open");
        invoice.put("lastModifiedDateTime", now());
    }

    /** Microsoft.NAV.post of a credit memo: Draft to Open; a memo for an invoice is applied to it. */
    void postCreditMemo(Company c, String id) {
        ObjectNode memo = get(c, "salesCreditMemos", id);
        checkPostable(c, memo, "sales credit memo");
        memo.put("number", "PS-CR" + (104000 + Integer.parseInt(memo.get("number").asText().substring(4))));
        BigDecimal total = amount(memo.get("totalAmountIncludingTax"));
        String status = "Open";
        String invoiceId = memo.path("invoiceId").asText();
        ObjectNode invoice = c.salesInvoices.get(invoiceId);
        if (invoice != null) {
            BigDecimal remaining = amount(invoice.get("remainingAmount"));
            BigDecimal applied = remaining.min(total);
            invoice.put("remainingAmount", money(remaining.subtract(applied)));
            if (amount(invoice.get("remainingAmount")).signum() == 0) {
                invoice.put("status", "Paid");
            }
            invoice.put("lastModifiedDateTime", now());
            if (applied.compareTo(total) == 0) {
                status = "Paid";
            }
        }
        memo.put("status", status);
        memo.put("lastModifiedDateTime", now());
    }

    private void checkPostable(Company c, ObjectNode doc, String what) {
        if (!doc.get("status").asText().equals("Draft")) {
            throw BcErrors.badRequest(BcErrors.DIALOG, "The " + what + " " + doc.get("number").asText()
                    + " has already been posted.");
        }
        boolean somethingToPost = lines(c, doc.get("id").asText()).stream()
                .anyMatch(l -> !l.path("lineType").asText().equals("Comment") && amount(l.get("quantity")).signum() != 0);
        if (!somethingToPost) {
            throw BcErrors.badRequest(BcErrors.DIALOG, "There is nothing to post.");
        }
        ObjectNode customer = c.customers.get(doc.get("customerId").asText());
        if (customer != null && List.of("All", "Invoice").contains(customer.path("blocked").asText())) {
            throw BcErrors.badRequest(BcErrors.DIALOG, "You cannot post this type of document when Customer "
                    + customer.get("number").asText() + " is blocked with type " + customer.path("blocked").asText());
        }
    }

    /** Microsoft.NAV.makeCorrectiveCreditMemo: a draft credit memo copying a posted invoice, applied to it. */
    ObjectNode makeCorrectiveCreditMemo(Company c, String invoiceId) {
        ObjectNode invoice = get(c, "salesInvoices", invoiceId);
        if (invoice.get("status").asText().equals("Draft")) {
            throw BcErrors.badRequest(BcErrors.DIALOG, "You can only make a corrective credit memo for a posted invoice.");
        }
        ObjectNode body = JSON.objectNode();
        body.put("customerId", invoice.get("customerId").asText());
        body.put("invoiceId", invoice.get("id").asText());
        body.put("externalDocumentNumber", invoice.path("externalDocumentNumber").asText());
        body.put("currencyCode", invoice.path("currencyCode").asText());
        ArrayNode lines = body.putArray("salesCreditMemoLines");
        for (ObjectNode line : lines(c, invoiceId)) {
            ObjectNode copy = lines.addObject();
            for (String f : List.of("lineType", "lineObjectNumber", "description", "description2", "unitOfMeasureCode",
                    "quantity", "unitPrice", "discountAmount", "taxCode")) {
                copy.set(f, line.get(f).deepCopy());
            }
        }
        return createDocument(c, "salesCreditMemos", body);
    }

    // ---- journals

    ObjectNode createJournal(Company c, JsonNode body) {
        ObjectNode journal = newEntity("journals", body);
        String code = journal.path("code").asText().toUpperCase(java.util.Locale.ROOT);
        if (code.isEmpty() || code.length() > 10) {
            throw BcErrors.badRequest(BcErrors.FIELD_VALIDATION, code.isEmpty() ? "code must have a value."
                    : "The length of the string is " + code.length() + ", but it must be less than or equal to 10 "
                            + "characters. Value: " + code);
        }
        if (c.journals.values().stream().anyMatch(j -> j.get("code").asText().equals(code))) {
            throw BcErrors.badRequest(BcErrors.DUPLICATE, "The record in table Gen. Journal Batch already exists. "
                    + "Identification fields and values: Journal Template Name='GENERAL',Name='" + code + "'");
        }
        journal.put("code", code);
        if (journal.path("templateDisplayName").asText().isEmpty()) {
            journal.put("templateDisplayName", "GENERAL");
        }
        c.journals.put(journal.get("id").asText(), journal);
        c.lines.put(journal.get("id").asText(), new ArrayList<>());
        return journal;
    }

    ObjectNode addJournalLine(Company c, String journalId, JsonNode body) {
        ObjectNode journal = get(c, "journals", journalId);
        if (body.has("journalId") && !body.get("journalId").asText().equals(journalId)) {
            throw BcErrors.badRequest(BcErrors.FIELD_VALIDATION, "journalId does not match the journal of the URL.");
        }
        ObjectNode line = newEntity("journalLines", body);
        List<ObjectNode> lines = c.lines.computeIfAbsent(journalId, k -> new ArrayList<>());
        line.put("journalId", journalId);
        line.put("journalDisplayName", journal.get("code").asText());
        int number = line.path("lineNumber").asInt();
        if (number == 0) {
            line.put("lineNumber", lines.stream().mapToInt(l -> l.path("lineNumber").asInt()).max().orElse(0) + 10000);
        } else if (lines.stream().anyMatch(l -> l.path("lineNumber").asInt() == number)) {
            throw BcErrors.badRequest(BcErrors.DUPLICATE, "The record in table Gen. Journal Line already exists. "
                    + "Identification fields and values: Journal Template Name='GENERAL',Journal Batch Name='"
                    + journal.get("code").asText() + "',Line No.='" + number + "'");
        }
        for (String f : List.of("accountType", "balanceAccountType")) {
            String type = line.path(f).asText();
            if (type.isEmpty()) {
                line.put(f, "G/L Account");
            } else if (!ACCOUNT_TYPES.contains(type)) {
                throw BcErrors.badRequest(BcErrors.FIELD_VALIDATION, "'" + type + "' is not a valid " + f + ". Use one of "
                        + ACCOUNT_TYPES + ".");
            }
        }
        if (line.get("accountType").asText().equals("Customer") && !line.path("accountNumber").asText().isEmpty()
                && findCustomer(c, line.get("accountNumber").asText()) == null) {
            throw BcErrors.badRequest(BcErrors.FIELD_VALIDATION, "The field Account No. of table Gen. Journal Line "
                    + "contains a value (" + line.get("accountNumber").asText()
                    + ") that cannot be found in the related table (Customer).");
        }
        if (blank(line.get("postingDate"))) {
            line.put("postingDate", today());
        }
        line.put("amount", money(amount(line.get("amount"))));
        lines.add(line);
        lines.sort((a, b) -> Integer.compare(a.path("lineNumber").asInt(), b.path("lineNumber").asInt()));
        return line;
    }

    /** Microsoft.NAV.post of a journal: every line, balanced per document, becomes ledger entries; the journal empties. */
    void postJournal(Company c, String journalId) {
        ObjectNode journal = get(c, "journals", journalId);
        List<ObjectNode> lines = lines(c, journalId);
        if (lines.isEmpty()) {
            throw BcErrors.badRequest(BcErrors.DIALOG, "There is nothing to post because the journal does not contain "
                    + "a quantity or amount.");
        }
        Map<String, BigDecimal> balance = new LinkedHashMap<>();
        for (ObjectNode line : lines) {
            if (line.path("accountNumber").asText().isEmpty() && blank(line.get("accountId"))) {
                throw BcErrors.badRequest(BcErrors.DIALOG, "Account No. must have a value in Gen. Journal Line: Journal "
                        + "Template Name=GENERAL, Journal Batch Name=" + journal.get("code").asText() + ", Line No.="
                        + line.get("lineNumber").asInt() + ".");
            }
            if (line.path("balancingAccountNumber").asText().isEmpty() && blank(line.get("balancingAccountId"))) {
                balance.merge(line.path("documentNumber").asText() + "|" + line.get("postingDate").asText(),
                        amount(line.get("amount")), BigDecimal::add);
            }
        }
        balance.forEach((key, sum) -> {
            if (sum.signum() != 0) {
                throw BcErrors.badRequest(BcErrors.DIALOG, "Document No. " + key.substring(0, key.indexOf('|'))
                        + " is out of balance by " + money(sum) + ". Please check that Posting Date, Document Type, "
                        + "Document No. and Amount are correct for each line.");
            }
        });
        for (ObjectNode line : lines) {
            entry(c, line, line.path("accountNumber").asText(), line.path("accountId").asText(),
                    amount(line.get("amount")));
            if (!line.path("balancingAccountNumber").asText().isEmpty() || !blank(line.get("balancingAccountId"))) {
                entry(c, line, line.path("balancingAccountNumber").asText(), line.path("balancingAccountId").asText(),
                        amount(line.get("amount")).negate());
            }
        }
        c.lines.put(journalId, new ArrayList<>());
        journal.put("lastModifiedDateTime", now());
    }

    private void entry(Company c, ObjectNode line, String accountNumber, String accountId, BigDecimal amount) {
        ObjectNode e = JSON.objectNode();
        e.put("id", UUID.randomUUID().toString());
        e.put("entryNumber", ++c.entrySeq);
        e.put("postingDate", line.get("postingDate").asText());
        e.put("documentNumber", line.path("documentNumber").asText());
        e.put("documentType", "");
        e.put("accountId", accountId.isEmpty() ? EMPTY_GUID : accountId);
        e.put("accountNumber", accountNumber);
        e.put("description", line.path("description").asText());
        e.put("debitAmount", money(amount.max(BigDecimal.ZERO)));
        e.put("creditAmount", money(amount.negate().max(BigDecimal.ZERO)));
        e.put("lastModifiedDateTime", now());
        c.generalLedgerEntries.put(e.get("id").asText(), e);
    }
}
