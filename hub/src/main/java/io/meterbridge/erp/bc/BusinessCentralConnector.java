package io.meterbridge.erp.bc;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.erp.ErpCallGate;
import io.meterbridge.erp.ErpException;
import io.meterbridge.platform.RetryAfter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

/**
 * The Business Central system API: customers, sales invoices, corrective credit memos and journal entries through BC's
 * API v2.0 (OAuth 2.0 client credentials, java.net.http).
 * <p>
 * Idempotency: every write is preceded by a look-up of the document's own key (invoice and memo: externalDocumentNumber;
 * journal: documentNumber in ledger entries and journal lines; customer: number), so calling again after a lost answer
 * finds what was made instead of making it twice. A retryable failure in the middle of a document starts the document
 * over from the look-up ({@code hub.erp.bc.document-attempts}), never replays a create blindly.
 * <p>
 * Governance: every HTTP exchange with BC holds a permit of the process-wide {@link ErpCallGate} for this BC user
 * ({@code hub.erp.bc.concurrency-limit}, BC allows 5), and a client-side sliding window keeps to 6,000 requests per
 * 5 minutes. A 429 is retried after Retry-After (else exponential back-off with jitter) up to
 * {@code hub.erp.bc.max-retries} times, outside the gate, then surfaces as a retryable {@link ErpException}.
 * The client secret and the access token are never logged.
 */
@ApplicationScoped
@Named("businessCentralConnector")
public class BusinessCentralConnector {

    private static final Logger LOG = Logger.getLogger(BusinessCentralConnector.class);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    static final int MAX_BATCH_OPERATIONS = 100;

    private final BcConfig config;
    private final ErpCallGate gate;
    private final ObjectMapper mapper;
    private final HttpClient http;
    private final SlidingWindow window;
    private final ReentrantLock[] documentLocks = new ReentrantLock[64];
    private final Map<String, ReentrantLock> journalLocks = new ConcurrentHashMap<>();
    private final BcTokens tokens;

    /** An answer of BC. */
    record Reply(int status, JsonNode body) {
    }

    public BusinessCentralConnector(BcConfig config, ErpCallGate gate, ObjectMapper mapper, BcTokens tokens) {
        this.config = config;
        this.tokens = tokens;
        this.gate = gate;
        this.mapper = mapper;
        this.http = HttpClient.newBuilder().connectTimeout(config.timeout()).version(HttpClient.Version.HTTP_1_1)
                .build();
        this.window = new SlidingWindow(config.requestsPerWindow(), config.rateWindow());
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
        return withLock("customer:" + number, () -> attempts("customer " + number, () -> {
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
            JsonNode created = send("POST", companyUrl("/customers"), body, false).body();
            return new BcCustomerRef(created.path("id").asText(), created.path("number").asText(), true);
        }));
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
        return withLock("invoice:" + key, () -> attempts("sales invoice " + key, () -> {
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
                doc = send("POST", companyUrl("/salesInvoices"), body, false).body();
                created = true;
            }
            return postIfDraft("salesInvoices", doc, created);
        }));
    }

    /**
     * A corrective credit memo for a posted invoice (found by its externalDocumentNumber), linked to it through
     * invoiceId so BC applies it; once per memo externalDocumentNumber; posted. Empty lines: all the invoice's lines.
     */
    public BcDocument correctiveCreditMemo(BcCreditMemo memo) {
        String key = code(memo.externalDocumentNumber(), 35, "externalDocumentNumber");
        String invoiceKey = code(memo.invoiceExternalDocumentNumber(), 35, "invoiceExternalDocumentNumber");
        return withLock("memo:" + key, () -> attempts("credit memo " + key, () -> {
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
                            + ")/salesInvoiceLines"), null, true).body().path("value");
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
                doc = send("POST", companyUrl("/salesCreditMemos"), body, false).body();
                created = true;
            }
            return postIfDraft("salesCreditMemos", doc, created);
        }));
    }

    private BcDocument postIfDraft(String set, JsonNode doc, boolean created) {
        String id = doc.path("id").asText();
        if ("Draft".equals(doc.path("status").asText())) {
            send("POST", companyUrl("/" + set + "(" + id + ")/Microsoft.NAV.post"), null, false);
        }
        JsonNode now = send("GET", companyUrl("/" + set + "(" + id + ")"), null, true).body();
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
            return attempts("journal document " + doc, () -> {
                JsonNode posted = send("GET", companyUrl("/generalLedgerEntries") + filter("documentNumber", doc), null,
                        true).body().path("value");
                JsonNode journal = findOne("journals", "code", journalCode);
                if (posted.size() > 0) {
                    return new BcJournalResult(journal == null ? null : journal.path("id").asText(), journalCode, doc,
                            entry.lines().size(), true);
                }
                if (journal == null) {
                    ObjectNode body = JSON.objectNode();
                    body.put("code", journalCode);
                    body.put("displayName", "Meterbridge postings");
                    journal = send("POST", companyUrl("/journals"), body, false).body();
                }
                String journalId = journal.path("id").asText();
                String linesUrl = "/journals(" + journalId + ")/journalLines";
                int present = send("GET", companyUrl(linesUrl) + filter("documentNumber", doc), null, true).body()
                        .path("value").size();
                List<ObjectNode> missing = new ArrayList<>();
                for (int i = present; i < entry.lines().size(); i++) {
                    missing.add(journalLine(entry, doc, entry.lines().get(i)));
                }
                if (missing.size() == 1) {
                    send("POST", companyUrl(linesUrl), missing.get(0), false);
                } else {
                    for (int from = 0; from < missing.size(); from += MAX_BATCH_OPERATIONS) {
                        batch(companyPath() + linesUrl, missing.subList(from,
                                Math.min(missing.size(), from + MAX_BATCH_OPERATIONS)));
                    }
                }
                send("POST", companyUrl("/journals(" + journalId + ")/Microsoft.NAV.post"), null, false);
                return new BcJournalResult(journalId, journalCode, doc, entry.lines().size(), false);
            });
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
        JsonNode responses = send("POST", apiRoot() + "/$batch", batch, false, Map.of("Isolation", "snapshot"))
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

    private String apiRoot() {
        return config.baseUrl().replaceAll("/+$", "") + "/" + required(config.tenant(), "tenant") + "/"
                + config.environment() + "/api/v2.0";
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
        JsonNode found = send("GET", companyUrl("/" + set) + filter(field, value), null, true).body().path("value");
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

    Reply send(String method, String url, JsonNode body, boolean retryServerErrors) {
        return send(method, url, body, retryServerErrors, Map.of());
    }

    /**
     * One request with BC's limits kept: the client-side window, then a gate permit for the exchange itself. 429 is
     * always retried (BC did nothing); 5xx and transport errors only when {@code retryServerErrors} (reads), because
     * a create may have taken effect before its answer was lost: the caller starts the document over instead.
     */
    Reply send(String method, String url, JsonNode body, boolean retryServerErrors, Map<String, String> headers) {
        boolean refreshed = false;
        for (int attempt = 0;; attempt++) {
            window.acquire();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(config.timeout())
                    .header("Authorization", "Bearer " + token(false)).header("Accept", "application/json");
            headers.forEach(request::header);
            if (body != null) {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response;
            try {
                response = gate.call(account(), config.concurrencyLimit(),
                        () -> http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
            } catch (IOException e) {
                if (retryServerErrors && attempt < config.maxRetries()) {
                    sleep(backoff(attempt, null));
                    continue;
                }
                throw new ErpException("Business Central did not answer " + method + " " + path(url) + ": " + e,
                        true, 0, null, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ErpException("interrupted while calling Business Central", true, 0, null, e);
            } catch (ErpException e) {
                throw e;
            } catch (Exception e) {
                throw new ErpException("calling Business Central failed: " + e, true, 0, null, e);
            }
            int status = response.statusCode();
            if (status == 401 && !refreshed) {
                refreshed = true;
                token(true);
                attempt--;
                continue;
            }
            Duration retryAfter = retryAfter(response);
            if (status == 429 || (status >= 500 && retryServerErrors)) {
                if (attempt < config.maxRetries()) {
                    Duration wait = backoff(attempt, retryAfter);
                    LOG.debugf("Business Central answered %d to %s %s; retry %d in %d ms", status, method, path(url),
                            attempt + 1, wait.toMillis());
                    sleep(wait);
                    continue;
                }
            }
            JsonNode json = parse(response.body());
            if (status >= 400) {
                JsonNode error = json.path("error");
                boolean retryable = status == 429 || status >= 500 || status == 408;
                throw new ErpException("Business Central answered " + status + " to " + method + " " + path(url)
                        + (error.isMissingNode() ? "" : " (" + error.path("code").asText() + "): "
                                + error.path("message").asText()), retryable, status, retryAfter);
            }
            return new Reply(status, json);
        }
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

    /** The path of a URL, for messages: never the query's values... they are only document keys, but stay short. */
    private static String path(String url) {
        return URI.create(url).getRawPath();
    }

    /** A valid access token (client credentials, {@link BcTokens}); {@code renew} when BC refused the current one. */
    private String token(boolean renew) {
        return tokens.bearerToken(renew);
    }

    /** The answer's Retry-After (platform's one parser: seconds or an HTTP date), or null. */
    private static Duration retryAfter(HttpResponse<?> response) {
        return RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null));
    }

    /** Retry-After when BC sent one (capped at retry-max-delay), else exponential with equal jitter. */
    private Duration backoff(int attempt, Duration retryAfter) {
        long max = config.retryMaxDelay().toMillis();
        if (retryAfter != null) {
            return Duration.ofMillis(Math.min(max, retryAfter.toMillis()));
        }
        long exp = Math.min(max, config.retryInitialDelay().toMillis() << Math.min(attempt, 20));
        return Duration.ofMillis(exp / 2 + ThreadLocalRandom.current().nextLong(exp / 2 + 1));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ErpException("interrupted while backing off", true, 0, null, e);
        }
    }

    /** Runs a whole document operation again from its look-up after a retryable failure, a bounded number of times. */
    private <T> T attempts(String what, Supplier<T> once) {
        for (int attempt = 1;; attempt++) {
            try {
                return once.get();
            } catch (ErpException e) {
                if (!e.retryable() || attempt >= config.documentAttempts()) {
                    throw e;
                }
                LOG.infof("Business Central: %s failed (%s), starting over (attempt %d of %d)", what, e.status(),
                        attempt + 1, config.documentAttempts());
                sleep(backoff(attempt - 1, e.retryAfter()));
            }
        }
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

    /** Sliding-window log of request times: at most {@code limit} in any {@code window}; acquire waits for room. */
    static final class SlidingWindow {
        private final int limit;
        private final long windowMillis;
        private final java.util.ArrayDeque<Long> calls = new java.util.ArrayDeque<>();

        SlidingWindow(int limit, Duration window) {
            this.limit = limit;
            this.windowMillis = window.toMillis();
        }

        void acquire() {
            while (true) {
                long wait;
                synchronized (calls) {
                    long now = System.currentTimeMillis();
                    while (!calls.isEmpty() && calls.peekFirst() <= now - windowMillis) {
                        calls.pollFirst();
                    }
                    if (calls.size() < limit) {
                        calls.addLast(now);
                        return;
                    }
                    wait = calls.peekFirst() + windowMillis - now;
                }
                sleep(Duration.ofMillis(Math.max(1, wait)));
            }
        }
    }
}
