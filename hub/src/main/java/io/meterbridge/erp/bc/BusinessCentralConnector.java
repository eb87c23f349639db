package io.meterbridge.erp.bc;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.erp.ErpCallConfig;
import io.meterbridge.erp.ErpCallGate;
import io.meterbridge.erp.ErpException;
import io.meterbridge.platform.RetryAfter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;

/**
 * The Business Central system API: customers, sales invoices, corrective credit memos and journal entries through BC's
 * API v2.0 (OAuth 2.0 client credentials).
 * <p>
 * Transport: every HTTP request is one exchange sent to route business-central-call
 * (routes/erp/business-central-call.yaml, the vendor-call template: throttle at BC's request rate, circuit breaker
 * with timeout and bulkhead, Camel's http component on {@code hub.erp.bc.base-url}), whose answer step is
 * {@link #answer}. One attempt per request: 429, 5xx, 408, I/O errors, timeouts and an open circuit throw a retryable
 * {@link ErpException} (with BC's Retry-After), and the posting's outbox row schedules the next attempt (erp-retry,
 * {@code hub.erp.retry.*}); any other 4xx throws a non-retryable one.
 * <p>
 * Idempotency: every write is preceded by a look-up of the document's own key (invoice and memo: externalDocumentNumber;
 * journal: documentNumber in ledger entries and journal lines; customer: number), so the next attempt after a failure
 * in the middle of a document (a lost answer, a 503 after the deep insert, the second of two $batch requests) starts
 * over from the look-up and finds what was made instead of making it twice; a create is never replayed blindly.
 * <p>
 * Governance: every HTTP exchange with BC holds a permit of the process-wide {@link ErpCallGate} for this BC user
 * ({@code hub.erp.bc.concurrency-limit}, BC allows 5), waiting at most {@code hub.erp.bc.permit-wait-ms} for it; the
 * route's throttle keeps to BC's 6,000 requests per 5 minutes ({@code hub.erp.bc.requests-per-second}, 20).
 * The client secret and the access token are never logged.
 */
@ApplicationScoped
@Named("businessCentralConnector")
public class BusinessCentralConnector {

    private static final Logger LOG = Logger.getLogger(BusinessCentralConnector.class);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    static final int MAX_BATCH_OPERATIONS = 100;

    /** The route every Business Central request goes through (routes/erp/business-central-call.yaml). */
    static final String CALL = "direct:business-central-call";
    /** Exchange property of a call: its method and path, for the answer's messages. */
    private static final String REQUEST = "meterbridgeBcRequest";

    private final BcConfig config;
    private final ErpCallGate gate;
    private final ObjectMapper mapper;
    private final ProducerTemplate producer;
    private final ReentrantLock[] documentLocks = new ReentrantLock[64];
    private final Map<String, ReentrantLock> journalLocks = new ConcurrentHashMap<>();
    private final BcTokens tokens;

    /** An answer of BC that is not a retryable failure (a 2xx, or a refusal the caller classifies). */
    public record Reply(int status, JsonNode body) {
    }

    public BusinessCentralConnector(BcConfig config, ErpCallConfig calls, ErpCallGate gate, ObjectMapper mapper,
            ProducerTemplate producer, BcTokens tokens) {
        calls.requireLongerThan(config.timeoutMs(), "hub.erp.bc.timeout-ms");
        this.config = config;
        this.tokens = tokens;
        this.gate = gate;
        this.mapper = mapper;
        this.producer = producer;
        for (int i = 0; i < documentLocks.length; i++) {
            documentLocks[i] = new ReentrantLock();
        }
    }

    /** The gate's key: BC counts its limits per user (the app registration) of a tenant. */
    public String account() {
        return "businesscentral:" + required(config.tenant(), "tenant") + ":" + required(config.clientId(), "client-id");
    }

    public int concurrencyLimit() {
        return config.concurrencyLimit();
    }

    // ------------------------------------------------------------------ customers

    /** Finds the customer by number, or creates it. */
    public BcCustomerRef ensureCustomer(BcCustomer customer) {
        String number = code(customer.number(), 20, "customer number");
        return withLock("customer:" + number, () -> {
            JsonNode found = findOne("customers", "number", number);
            if (found != null) {
                return new BcCustomerRef(found.path("id").asText(), found.path("number").asText(), false);
            }
            ObjectNode body = JSON.objectNode();
            body.put("number", number);
            put(body, "displayName", customer.displayName());
            put(body, "email", customer.email());
            put(body, "phoneNumber", customer.phoneNumber());
            put(body, "addressLine1", customer.addressLine1());
            put(body, "addressLine2", customer.addressLine2());
            put(body, "city", customer.city());
            put(body, "state", customer.state());
            put(body, "country", customer.country());
            put(body, "postalCode", customer.postalCode());
            put(body, "currencyCode", customer.currencyCode());
            put(body, "taxRegistrationNumber", customer.taxRegistrationNumber());
            JsonNode created = send("POST", companyUrl("/customers"), body).body();
            return new BcCustomerRef(created.path("id").asText(), created.path("number").asText(), true);
        });
    }

    // ------------------------------------------------------------------ sales invoices

    /**
     * Posts a sales invoice once per externalDocumentNumber: looks it up; creates it with all its lines in one deep
     * insert only when missing; posts it (Microsoft.NAV.post) unless already posted. Returns the posted document.
     */
    public BcDocument postSalesInvoice(BcSalesInvoice invoice) {
        String key = code(invoice.externalDocumentNumber(), 35, "externalDocumentNumber");
        if (invoice.lines() == null || invoice.lines().isEmpty()) {
            throw new IllegalArgumentException("a sales invoice needs at least one line");
        }
        return withLock("invoice:" + key, () -> {
            JsonNode doc = findOne("salesInvoices", "externalDocumentNumber", key);
            boolean created = false;
            if (doc == null) {
                ObjectNode body = JSON.objectNode();
                body.put("externalDocumentNumber", key);
                body.put("customerNumber", code(invoice.customerNumber(), 20, "customerNumber"));
                put(body, "invoiceDate", invoice.invoiceDate());
                put(body, "postingDate", invoice.postingDate());
                put(body, "dueDate", invoice.dueDate());
                put(body, "currencyCode", invoice.currencyCode());
                put(body, "customerPurchaseOrderReference", invoice.customerPurchaseOrderReference());
                body.set("salesInvoiceLines", lines(invoice.lines()));
                doc = send("POST", companyUrl("/salesInvoices"), body).body();
                created = true;
            }
            return postIfDraft("salesInvoices", doc, created);
        });
    }

    /**
     * A corrective credit memo for a posted invoice (found by its externalDocumentNumber), linked to it through
     * invoiceId so BC applies it; once per memo externalDocumentNumber; posted. Empty lines: all the invoice's lines.
     */
    public BcDocument correctiveCreditMemo(BcCreditMemo memo) {
        String key = code(memo.externalDocumentNumber(), 35, "externalDocumentNumber");
        String invoiceKey = code(memo.invoiceExternalDocumentNumber(), 35, "invoiceExternalDocumentNumber");
        return withLock("memo:" + key, () -> {
            JsonNode doc = findOne("salesCreditMemos", "externalDocumentNumber", key);
            boolean created = false;
            if (doc == null) {
                JsonNode invoice = findOne("salesInvoices", "externalDocumentNumber", invoiceKey);
                if (invoice == null || "Draft".equals(invoice.path("status").asText())) {
                    throw new ErpException("Business Central has no posted sales invoice with external document number "
                            + invoiceKey, false, 404, null);
                }
                ArrayNode lines;
                if (memo.lines() == null || memo.lines().isEmpty()) {
                    lines = JSON.arrayNode();
                    JsonNode invoiceLines = send("GET", companyUrl("/salesInvoices(" + invoice.path("id").asText()
                            + ")/salesInvoiceLines"), null).body().path("value");
                    for (JsonNode l : invoiceLines) {
                        ObjectNode copy = lines.addObject();
                        for (String f : List.of("lineType", "lineObjectNumber", "description", "quantity", "unitPrice",
                                "discountAmount", "unitOfMeasureCode", "taxCode")) {
                            if (l.hasNonNull(f) && !(l.get(f).isTextual() && l.get(f).asText().isEmpty())) {
                                copy.set(f, l.get(f));
                            }
                        }
                    }
                } else {
                    lines = lines(memo.lines());
                }
                ObjectNode body = JSON.objectNode();
                body.put("externalDocumentNumber", key);
                body.put("customerNumber", invoice.path("customerNumber").asText());
                body.put("invoiceId", invoice.path("id").asText());
                put(body, "creditMemoDate", memo.creditMemoDate());
                put(body, "postingDate", memo.postingDate());
                body.set("salesCreditMemoLines", lines);
                doc = send("POST", companyUrl("/salesCreditMemos"), body).body();
                created = true;
            }
            return postIfDraft("salesCreditMemos", doc, created);
        });
    }

    private BcDocument postIfDraft(String set, JsonNode doc, boolean created) {
        String id = doc.path("id").asText();
        if ("Draft".equals(doc.path("status").asText())) {
            send("POST", companyUrl("/" + set + "(" + id + ")/Microsoft.NAV.post"), null);
        }
        JsonNode now = send("GET", companyUrl("/" + set + "(" + id + ")"), null).body();
        return new BcDocument(id, now.path("number").asText(), now.path("externalDocumentNumber").asText(),
                now.path("status").asText(), now.path("totalAmountIncludingTax").decimalValue(), created);
    }

    // ------------------------------------------------------------------ journals

    /**
     * Posts one journal document: skips it when ledger entries of its documentNumber exist (posted before); finds or
     * creates the journal batch; adds the lines not there yet (one POST for a single line, otherwise $batch requests
     * of at most 100 lines with Isolation: snapshot, so each batch is all or nothing); then Microsoft.NAV.post.
     * Posting posts every line of the batch: dedicate the journal code to the hub (one writer per code).
     */
    public BcJournalResult postJournal(BcJournalEntry entry) {
        String doc = code(entry.documentNumber(), 20, "documentNumber");
        String journalCode = code(entry.journalCode() == null ? config.journalCode() : entry.journalCode(), 10,
                "journalCode");
        if (entry.lines() == null || entry.lines().isEmpty()) {
            throw new IllegalArgumentException("a journal entry needs at least one line");
        }
        ReentrantLock lock = journalLocks.computeIfAbsent(journalCode, k -> new ReentrantLock(true));
        lock.lock();
        try {
            JsonNode posted = send("GET", companyUrl("/generalLedgerEntries") + filter("documentNumber", doc), null)
                    .body().path("value");
            JsonNode journal = findOne("journals", "code", journalCode);
            if (posted.size() > 0) {
                return new BcJournalResult(journal == null ? null : journal.path("id").asText(), journalCode, doc,
                        entry.lines().size(), true);
            }
            if (journal == null) {
                ObjectNode body = JSON.objectNode();
                body.put("code", journalCode);
                body.put("displayName", "Meterbridge postings");
                journal = send("POST", companyUrl("/journals"), body).body();
            }
            String journalId = journal.path("id").asText();
            String linesUrl = "/journals(" + journalId + ")/journalLines";
            int present = send("GET", companyUrl(linesUrl) + filter("documentNumber", doc), null).body()
                    .path("value").size();
            List<ObjectNode> missing = new ArrayList<>();
            for (int i = present; i < entry.lines().size(); i++) {
                missing.add(journalLine(entry, doc, entry.lines().get(i)));
            }
            if (missing.size() == 1) {
                send("POST", companyUrl(linesUrl), missing.get(0));
            } else {
                for (int from = 0; from < missing.size(); from += MAX_BATCH_OPERATIONS) {
                    batch(companyPath() + linesUrl, missing.subList(from,
                            Math.min(missing.size(), from + MAX_BATCH_OPERATIONS)));
                }
            }
            send("POST", companyUrl("/journals(" + journalId + ")/Microsoft.NAV.post"), null);
            return new BcJournalResult(journalId, journalCode, doc, entry.lines().size(), false);
        } finally {
            lock.unlock();
        }
    }

    private ObjectNode journalLine(BcJournalEntry entry, String doc, BcJournalLine line) {
        ObjectNode body = JSON.objectNode();
        put(body, "accountType", line.accountType());
        body.put("accountNumber", code(line.accountNumber(), 20, "accountNumber"));
        put(body, "postingDate", entry.postingDate());
        body.put("documentNumber", doc);
        if (line.externalDocumentNumber() != null) {
            body.put("externalDocumentNumber", code(line.externalDocumentNumber(), 35, "externalDocumentNumber"));
        }
        body.put("amount", line.amount() == null ? BigDecimal.ZERO : line.amount());
        put(body, "description", line.description());
        put(body, "comment", line.comment());
        put(body, "balanceAccountType", line.balanceAccountType());
        if (line.balancingAccountNumber() != null) {
            body.put("balancingAccountNumber", code(line.balancingAccountNumber(), 20, "balancingAccountNumber"));
        }
        return body;
    }

    /** One JSON $batch of POSTs to {@code relativeUrl}, transactional; any refused operation fails the call. */
    private void batch(String relativeUrl, List<ObjectNode> bodies) {
        ObjectNode batch = JSON.objectNode();
        ArrayNode requests = batch.putArray("requests");
        for (int i = 0; i < bodies.size(); i++) {
            ObjectNode op = requests.addObject();
            op.put("id", String.valueOf(i + 1));
            op.put("method", "POST");
            op.put("url", relativeUrl);
            op.putObject("headers").put("Content-Type", "application/json");
            op.set("body", bodies.get(i));
        }
        JsonNode responses = send("POST", apiRoot() + "/$batch", batch, Map.of("Isolation", "snapshot"))
                .body().path("responses");
        for (JsonNode r : responses) {
            int status = r.path("status").asInt();
            if (status >= 400 && status != 424) {
                JsonNode error = r.path("body").path("error");
                boolean retryable = status == 429 || status >= 500;
                throw new ErpException("Business Central refused batch operation " + r.path("id").asText() + " ("
                        + status + " " + error.path("code").asText() + "): " + error.path("message").asText(),
                        retryable, status, null);
            }
        }
        if (responses.size() != bodies.size()) {
            throw new ErpException("Business Central answered " + responses.size() + " of " + bodies.size()
                    + " batch operations", true, 200, null);
        }
    }

    // ------------------------------------------------------------------ HTTP

    private String companyPath() {
        return "companies(" + required(config.companyId(), "company-id") + ")";
    }

    /** The environment's API root, relative to the service root {@code hub.erp.bc.base-url} (the route's endpoint). */
    private String apiRoot() {
        return required(config.tenant(), "tenant") + "/" + config.environment() + "/api/v2.0";
    }

    private String companyUrl(String path) {
        return apiRoot() + "/" + companyPath() + path;
    }

    private static String filter(String field, String value) {
        String expression = field + " eq '" + value.replace("'", "''") + "'";
        return "?$filter=" + URLEncoder.encode(expression, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The one entity of {@code set} whose {@code field} equals {@code value}, or null. */
    private JsonNode findOne(String set, String field, String value) {
        JsonNode found = send("GET", companyUrl("/" + set) + filter(field, value), null).body().path("value");
        if (found.size() > 1) {
            LOG.warnf("Business Central holds %d %s with %s %s; using the first posted one", found.size(), set, field,
                    value);
            for (JsonNode e : found) {
                if (!"Draft".equals(e.path("status").asText("Draft"))) {
                    return e;
                }
            }
        }
        return found.size() == 0 ? null : found.get(0);
    }

    Reply send(String method, String url, JsonNode body) {
        return send(method, url, body, Map.of());
    }

    /**
     * One request, one attempt (plus one with a renewed token when BC refused the token): {@code url} is relative to
     * the service root, query included. A 4xx other than 429/408 is a non-retryable {@link ErpException}; the
     * retryable failures are thrown by {@link #answer} inside the route's circuit breaker, or stand for no answer.
     */
    Reply send(String method, String url, JsonNode body, Map<String, String> headers) {
        Reply reply = call(method, url, body, headers, false);
        if (reply.status() == 401) {
            reply = call(method, url, body, headers, true);
        }
        if (reply.status() >= 400) {
            JsonNode error = reply.body().path("error");
            throw new ErpException("Business Central answered " + reply.status() + " to " + method + " " + path(url)
                    + (error.isMissingNode() ? "" : " (" + error.path("code").asText() + "): "
                            + error.path("message").asText()), false, reply.status(), null);
        }
        return reply;
    }

    /**
     * Sends the request as a fresh exchange (no header of the posting's exchange reaches BC, the token never reaches
     * the posting's exchange) to route business-central-call, holding a permit of this BC user's gate.
     */
    private Reply call(String method, String url, JsonNode body, Map<String, String> headers, boolean renewToken) {
        String authorization = "Bearer " + bearerToken(renewToken);
        int query = url.indexOf('?');
        Exchange result;
        try {
            result = gate.call(account(), config.concurrencyLimit(), Duration.ofMillis(config.permitWaitMs()),
                    () -> producer.send(CALL, exchange -> {
                        exchange.setProperty(REQUEST, method + " " + path(url));
                        Message message = exchange.getMessage();
                        headers.forEach(message::setHeader);
                        message.setHeader("Authorization", authorization);
                        message.setHeader("Accept", "application/json");
                        message.setHeader(Exchange.HTTP_METHOD, method);
                        message.setHeader(Exchange.HTTP_PATH, query < 0 ? url : url.substring(0, query));
                        if (query >= 0) {
                            // Already encoded (filter): sent as it is.
                            message.setHeader(Exchange.HTTP_RAW_QUERY, url.substring(query + 1));
                        }
                        if (body != null) {
                            message.setHeader(Exchange.CONTENT_TYPE, "application/json");
                            message.setBody(body.toString());
                        } else {
                            message.setBody(null);
                        }
                    }));
        } catch (ErpException e) {
            throw e;
        } catch (Exception e) {
            throw new ErpException("calling Business Central failed: " + e, true, 0, null, e);
        }
        Exception failure = result.getException();
        if (failure instanceof ErpException e) {
            throw e;
        }
        if (failure != null) {
            // No answer (I/O error, the breaker's timeout or bulkhead, an open circuit): BC may have done the write;
            // the next attempt starts from the document's look-up.
            throw new ErpException("Business Central did not answer " + method + " " + path(url) + ": " + failure,
                    true, 0, null, failure);
        }
        return result.getMessage().getBody(Reply.class);
    }

    /**
     * The answer step of route business-central-call, inside its circuit breaker: 429, 5xx and 408 throw a retryable
     * {@link ErpException} with BC's Retry-After (so they count as failures of the breaker); any other answer is
     * returned for the caller to judge (a refused document is no sign of an outage).
     */
    public Reply answer(Exchange exchange) {
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        JsonNode json = parse(message.getBody(String.class));
        if (status == 429 || status >= 500 || status == 408) {
            String request = exchange.getProperty(REQUEST, "", String.class);
            JsonNode error = json.path("error");
            LOG.debugf("Business Central answered %d to %s", status, request);
            throw new ErpException("Business Central answered " + status + " to " + request
                    + (error.isMissingNode() ? "" : " (" + error.path("code").asText() + "): "
                            + error.path("message").asText()), true, status,
                    RetryAfter.parse(message.getHeader("Retry-After", String.class)));
        }
        return new Reply(status, json);
    }

    private JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return JSON.objectNode();
        }
        try {
            return mapper.readTree(text);
        } catch (IOException e) {
            return JSON.objectNode();
        }
    }

    /** The path of a request, for messages: never the query's values... they are only document keys, but stay short. */
    private static String path(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    /** The bearer token of a request; {@code renew}: BC refused the last one, fetch a new one. */
    private String bearerToken(boolean renew) {
        return token(renew);
    }

    /** A valid access token (client credentials, {@link BcTokens}); {@code renew} when BC refused the current one. */
    private String token(boolean renew) {
        return tokens.bearerToken(renew);
    }

    /** Serializes work on one document key in this process, so two callers cannot both create it. */
    private <T> T withLock(String key, Supplier<T> work) {
        ReentrantLock lock = documentLocks[Math.floorMod(key.hashCode(), documentLocks.length)];
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ bodies

    private static ArrayNode lines(List<BcSalesLine> lines) {
        ArrayNode out = JSON.arrayNode();
        for (BcSalesLine line : lines) {
            ObjectNode l = out.addObject();
            put(l, "lineType", line.lineType());
            if (line.lineObjectNumber() != null) {
                l.put("lineObjectNumber", code(line.lineObjectNumber(), 20, "lineObjectNumber"));
            }
            put(l, "description", line.description());
            if (line.quantity() != null) {
                l.put("quantity", line.quantity());
            }
            if (line.unitPrice() != null) {
                l.put("unitPrice", line.unitPrice());
            }
            if (line.discountAmount() != null) {
                l.put("discountAmount", line.discountAmount());
            }
            put(l, "unitOfMeasureCode", line.unitOfMeasureCode());
            put(l, "taxCode", line.taxCode());
        }
        return out;
    }

    private static void put(ObjectNode node, String field, Object value) {
        if (value instanceof LocalDate date) {
            node.put(field, date.toString());
        } else if (value != null) {
            node.put(field, value.toString());
        }
    }

    /** A BC Code field: upper-cased as BC stores it, not blank, at most {@code length} characters. */
    static String code(String value, int length, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        String code = value.trim().toUpperCase(Locale.ROOT);
        if (code.length() > length) {
            throw new IllegalArgumentException(what + " '" + code + "' is longer than " + length + " characters");
        }
        return code;
    }

    private static String required(java.util.Optional<String> value, String key) {
        return value.filter(v -> !v.isBlank()).orElseThrow(() -> new ErpException("hub.erp.bc." + key
                + " is not configured", false, 0, null));
    }
}
