package io.meterbridge.erp.netsuite;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.meterbridge.erp.ErpCallGate;
import io.meterbridge.erp.ErpException;
import io.meterbridge.platform.RetryAfter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/**
 * The NetSuite system API: posts billing documents to NetSuite's REST record service v1 and returns their internal
 * ids. Every write is safe to repeat: customers, invoices and journal entries are upserts by external id
 * ({@code PUT /{record}/eid:{externalId}}); credit memos and customer payments, which can only be created, are looked
 * up by external id first, and a create answered "duplicate" (an earlier attempt's answer was lost) is resolved by
 * that look-up too.
 * <p>
 * Governance: every HTTP request holds a permit of the account's pool in {@link ErpCallGate} (shared by all callers
 * in the process), so the hub never has more than {@code concurrency-limit} requests in flight to the account. On 429 /
 * CONCURRENCY_LIMIT_EXCEEDED / "Request limit exceeded", 5xx and I/O errors the connector backs off (Retry-After, else
 * exponential with jitter; no permit held while waiting) and retries {@code max-retries} times, then throws a
 * retryable {@link ErpException}; a rejected request (other 4xx) throws a non-retryable one at once.
 * Secrets are never logged; the exception messages carry NetSuite's error detail only.
 */
@ApplicationScoped
@Named("netSuiteConnector")
public class NetSuiteConnector {

    private static final Logger LOG = Logger.getLogger(NetSuiteConnector.class);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN).build();

    private final NetSuiteSettings settings;
    private final ErpCallGate gate;
    private final HttpClient http;
    private final TbaSigner signer;
    private final NetSuiteTokens tokens;

    @Inject
    public NetSuiteConnector(NetSuiteConfig config, ErpCallGate gate, NetSuiteTokens tokens) {
        this(NetSuiteSettings.from(config), gate, tokens);
    }

    /** A connector for given settings (a second account, tests); shares the gate, so the pool is per account. */
    public NetSuiteConnector(NetSuiteSettings settings, ErpCallGate gate) {
        this(settings, gate, CDI.current().select(NetSuiteTokens.class).get());
    }

    /** As above, with the token source given (OAuth 2.0 and M2M tokens per account settings). */
    public NetSuiteConnector(NetSuiteSettings settings, ErpCallGate gate, NetSuiteTokens tokens) {
        this.settings = settings;
        this.gate = gate;
        this.tokens = tokens;
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).version(HttpClient.Version.HTTP_1_1)
                .build();
        this.signer = settings.auth() == NetSuiteSettings.Auth.TBA ? new TbaSigner(settings.accountId(),
                nonNull(settings.consumerKey()), nonNull(settings.consumerSecret()), nonNull(settings.tokenId()),
                nonNull(settings.tokenSecret())) : null;
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    public NetSuiteSettings settings() {
        return settings;
    }

    // ---- the system API

    /** Creates or updates the customer with this external id; its internal id. */
    public String upsertCustomer(NsCustomer customer) {
        return upsert("customer", customer.externalId(), NsJson.customer(customer));
    }

    /** Creates or updates the invoice with this external id (lines replaced); its internal id. */
    public String upsertInvoice(NsInvoice invoice) {
        return upsert("invoice", invoice.externalId(), NsJson.invoice(invoice));
    }

    /**
     * A credit memo transformed from the invoice with {@code invoiceExternalId} (same customer, currency, subsidiary;
     * the invoice's lines unless {@code memo.items()} is set); its internal id. Repeating the call returns the
     * existing credit memo with {@code memo.externalId()}.
     */
    public String creditMemoFromInvoice(String invoiceExternalId, NsCreditMemo memo) {
        NsExternalIds.require(invoiceExternalId);
        Optional<String> existing = findInternalId("creditMemo", memo.externalId());
        if (existing.isPresent()) {
            return existing.get();
        }
        String invoiceId = findInternalId("invoice", invoiceExternalId).orElseThrow(() -> new ErpException(
                "NetSuite has no invoice with external id " + invoiceExternalId, false, 404, "NONEXISTENT_ID", null, null));
        return createOnce("creditMemo", memo.externalId(), "/invoice/" + invoiceId + "/!transform/creditMemo",
                NsJson.creditMemo(memo));
    }

    /** Creates the customer payment (or finds the one with its external id); its internal id. */
    public String createCustomerPayment(NsPayment payment) {
        Optional<String> existing = findInternalId("customerPayment", payment.externalId());
        if (existing.isPresent()) {
            return existing.get();
        }
        List<String> invoiceIds = new ArrayList<>();
        for (NsPayment.Application application : payment.apply()) {
            NsRef invoice = application.invoice();
            invoiceIds.add(invoice.id() != null ? invoice.id() : findInternalId("invoice", invoice.externalId())
                    .orElseThrow(() -> new ErpException("NetSuite has no invoice with external id "
                            + invoice.externalId(), false, 404, "NONEXISTENT_ID", null, null)));
        }
        return createOnce("customerPayment", payment.externalId(), "/customerPayment", NsJson.payment(payment, invoiceIds));
    }

    /** Creates or updates the journal entry with this external id; its internal id. */
    public String createJournalEntry(NsJournalEntry entry) {
        return upsert("journalEntry", entry.externalId(), NsJson.journalEntry(entry));
    }

    /** The internal id of the record of this type with this external id, if NetSuite has one. */
    public Optional<String> findInternalId(String recordType, String externalId) {
        NsExternalIds.require(externalId);
        Answer answer = send("GET", "/" + recordType + "/eid:" + externalId, null, true);
        if (answer.status() == 404) {
            return Optional.empty();
        }
        return Optional.of(answer.body().path("id").asText());
    }

    /** The record as NetSuite returns it (GET), if it exists. */
    public Optional<JsonNode> get(String recordType, String idOrEid) {
        Answer answer = send("GET", "/" + recordType + "/" + idOrEid, null, true);
        return answer.status() == 404 ? Optional.empty() : Optional.of(answer.body());
    }

    // ---- writes

    private String upsert(String type, String externalId, JsonNode body) {
        Answer answer = send("PUT", "/" + type + "/eid:" + NsExternalIds.require(externalId), body, false);
        return idFromLocation(answer, type);
    }

    /** POST that must not create twice: a duplicate answer means an earlier attempt succeeded; look it up. */
    private String createOnce(String type, String externalId, String path, JsonNode body) {
        try {
            return idFromLocation(send("POST", path, body, false), type);
        } catch (ErpException e) {
            if ("DUP_RCRD".equals(e.errorCode())) {
                return findInternalId(type, externalId).orElseThrow(() -> e);
            }
            throw e;
        }
    }

    private static String idFromLocation(Answer answer, String type) {
        String location = answer.location();
        if (location == null || location.isEmpty()) {
            throw new ErpException("NetSuite answered " + answer.status() + " without a Location for the " + type,
                    false, answer.status());
        }
        return location.substring(location.lastIndexOf('/') + 1);
    }

    // ---- HTTP, governance and retries

    private record Answer(int status, JsonNode body, String location) {
    }

    /**
     * One logical request: each attempt runs inside the account's gate; retries on throttling, 5xx and I/O errors.
     * {@code allow404}: a 404 is an answer (look-ups), not an error.
     */
    private Answer send(String method, String path, JsonNode body, boolean allow404) {
        if (settings.baseUrl() == null) {
            throw new ErpException("NetSuite is not configured (hub.erp.netsuite.base-url)", false, 0);
        }
        URI uri = URI.create(settings.baseUrl() + path);
        String payload = body == null ? null : write(body);
        ErpException last = null;
        for (int attempt = 0; attempt <= settings.maxRetries(); attempt++) {
            if (attempt > 0) {
                Duration wait = last.retryAfter() != null ? last.retryAfter() : backoff(attempt);
                if (wait.compareTo(settings.maxBackoff()) > 0) {
                    break; // a long Retry-After is the caller's redelivery to wait for, not a blocked thread
                }
                sleep(wait);
            }
            HttpResponse<String> response;
            try {
                HttpRequest request = request(method, uri, payload);
                response = gate.call(settings.gateKey(), settings.concurrencyLimit(),
                        () -> http.send(request, HttpResponse.BodyHandlers.ofString()));
            } catch (IOException e) {
                last = new ErpException("NetSuite " + method + " " + path + " failed: " + e, true, 0, null, null, e);
                LOG.debugf("NetSuite %s %s attempt %d: %s", method, path, attempt + 1, e.toString());
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ErpException("interrupted calling NetSuite", true, 0, null, null, e);
            } catch (ErpException e) {
                throw e;
            } catch (Exception e) {
                throw new ErpException("NetSuite " + method + " " + path + " failed: " + e, true, 0, null, null, e);
            }
            int status = response.statusCode();
            JsonNode answer = read(response.body());
            String code = answer.path("o:errorDetails").path(0).path("o:errorCode").asText(null);
            String detail = answer.path("o:errorDetails").path(0).path("detail").asText("");
            if (status < 300 || (status == 404 && allow404)) {
                return new Answer(status, answer, response.headers().firstValue("Location").orElse(null));
            }
            String message = "NetSuite " + method + " " + path + " answered " + status + (code == null ? "" : " " + code)
                    + (detail.isEmpty() ? "" : ": " + detail);
            boolean throttled = status == 429 || "CONCURRENCY_LIMIT_EXCEEDED".equals(code)
                    || detail.contains("Request limit exceeded");
            if (status == 401 && settings.auth() != NetSuiteSettings.Auth.TBA && attempt == 0) {
                forgetToken(); // expired or revoked token: fetch a new one and try once more
                last = new ErpException(message, false, status, code, Duration.ZERO, null);
                continue;
            }
            if (throttled || status >= 500 || status == 408) {
                last = new ErpException(message, true, status, code, retryAfter(response).orElse(null), null);
                LOG.debugf("NetSuite %s %s attempt %d: %d %s", method, path, attempt + 1, status, code);
                continue;
            }
            throw new ErpException(message, false, status, code, null, null);
        }
        throw new ErpException(last.getMessage() + " (after " + (settings.maxRetries() + 1) + " attempts at most)",
                last.retryable(), last.status(), last.errorCode(),
                last.retryAfter(), last.getCause());
    }

    private HttpRequest request(String method, URI uri, String payload) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(settings.timeout())
                .header("Accept", "application/json")
                .method(method, payload == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8));
        if (payload != null) {
            b.header("Content-Type", "application/json");
        }
        b.header("Authorization", settings.auth() == NetSuiteSettings.Auth.TBA ? signer.header(method, uri)
                : "Bearer " + token());
        return b.build();
    }

    /** Exponential back-off with jitter: between half and all of initial x 2^(attempt-1), at most max-backoff. */
    private Duration backoff(int attempt) {
        long base = settings.initialBackoff().toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, settings.maxBackoff().toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    /** The answer's Retry-After (platform's one parser: seconds or an HTTP date). */
    static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return Optional.ofNullable(RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null)));
    }

    // ---- OAuth 2.0 client credentials and M2M (NetSuiteTokens, quarkus-oidc-client)

    private String token() {
        return tokens.bearerToken(settings, false);
    }

    /** NetSuite refused the token (expired or revoked): a new one is fetched now, for the one more attempt. */
    private void forgetToken() {
        tokens.bearerToken(settings, true);
    }

    // ---- JSON

    private static String write(JsonNode body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(String body) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ErpException("interrupted while backing off", true, 0, null, null, e);
        }
    }
}
