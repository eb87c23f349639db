package io.meterbridge.erp.netsuite;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.meterbridge.erp.ErpCallConfig;
import io.meterbridge.erp.ErpCallGate;
import io.meterbridge.erp.ErpException;
import io.meterbridge.platform.RetryAfter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;

/**
 * The NetSuite system API: posts billing documents to NetSuite's REST record service v1 and returns their internal
 * ids. Every write is safe to repeat: customers, invoices and journal entries are upserts by external id
 * ({@code PUT /{record}/eid:{externalId}}); credit memos, customer payments and refunds, which can only be created, are looked
 * up by external id first, and a create answered "duplicate" (an earlier attempt's answer was lost) is resolved by
 * that look-up too.
 * <p>
 * Transport: every HTTP request is one exchange sent to route netsuite-call (routes/erp/netsuite-call.yaml, the
 * vendor-call template: throttle, circuit breaker with timeout and bulkhead, Camel's http component on
 * {@code hub.erp.netsuite.base-url}), whose answer step is {@link #answer}. One attempt per request: 429 /
 * CONCURRENCY_LIMIT_EXCEEDED / "Request limit exceeded", 5xx, 408, I/O errors, timeouts and an open circuit throw a
 * retryable {@link ErpException} (with NetSuite's Retry-After, read by the platform's one parser), and the posting's
 * outbox row schedules the next attempt (erp-retry, {@code hub.erp.retry.*}); a rejected request (other 4xx) throws
 * a non-retryable one. Because every write is an upsert by external id or a create guarded by a look-up, the next
 * attempt of a multi-request operation that failed half-way finds what the first one made.
 * <p>
 * Governance: every HTTP request holds a permit of the account's pool in {@link ErpCallGate} (shared by all callers
 * in the process), so the hub never has more than {@code concurrency-limit} requests in flight to the account; a
 * request that gets no permit within {@code permit-wait-ms} fails retryable instead of parking the route's thread.
 * Secrets are never logged; the exception messages carry NetSuite's error detail only.
 */
@ApplicationScoped
@Named("netSuiteConnector")
public class NetSuiteConnector {

    private static final Logger LOG = Logger.getLogger(NetSuiteConnector.class);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN).build();

    /** The route every NetSuite request goes through (routes/erp/netsuite-call.yaml). */
    static final String CALL = "direct:netsuite-call";
    /** Exchange property of a call: its method and path, for the answer's messages. */
    private static final String REQUEST = "meterbridgeNetSuiteRequest";

    private final NetSuiteSettings settings;
    private final ErpCallGate gate;
    private final ProducerTemplate producer;
    private final TbaSigner signer;
    private final NetSuiteTokens tokens;

    @Inject
    public NetSuiteConnector(NetSuiteConfig config, ErpCallConfig calls, ErpCallGate gate, ProducerTemplate producer,
            NetSuiteTokens tokens) {
        this(NetSuiteSettings.from(config), gate, producer, tokens);
        calls.requireLongerThan(config.timeoutMs(), "hub.erp.netsuite.timeout-ms");
    }

    /** A connector for given settings (a second set of credentials, tests), with the hub's route and token source. */
    public NetSuiteConnector(NetSuiteSettings settings, ErpCallGate gate) {
        this(settings, gate, CDI.current().select(ProducerTemplate.class).get());
    }

    /** As above, with the producer given. */
    public NetSuiteConnector(NetSuiteSettings settings, ErpCallGate gate, ProducerTemplate producer) {
        this(settings, gate, producer, CDI.current().select(NetSuiteTokens.class).get());
    }

    /**
     * A connector for given settings; shares the gate, so the pool is per account. Its requests go through the same
     * route, so its base URL must be the route's ({@code hub.erp.netsuite.base-url}). OAuth 2.0 and M2M tokens come
     * from {@code tokens}, per account settings.
     */
    public NetSuiteConnector(NetSuiteSettings settings, ErpCallGate gate, ProducerTemplate producer,
            NetSuiteTokens tokens) {
        this.settings = settings;
        this.gate = gate;
        this.producer = producer;
        this.tokens = tokens;
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

    /** Creates the customer refund (or finds the one with its external id); its internal id. */
    public String createCustomerRefund(NsRefund refund) {
        Optional<String> existing = findInternalId("customerRefund", refund.externalId());
        if (existing.isPresent()) {
            return existing.get();
        }
        List<String> paymentIds = new ArrayList<>();
        for (NsRefund.Application application : refund.apply()) {
            NsRef payment = application.payment();
            paymentIds.add(payment.id() != null ? payment.id() : findInternalId("customerPayment", payment.externalId())
                    .orElseThrow(() -> new ErpException("NetSuite has no customer payment with external id "
                            + payment.externalId(), false, 404, "NONEXISTENT_ID", null, null)));
        }
        return createOnce("customerRefund", refund.externalId(), "/customerRefund", NsJson.refund(refund, paymentIds));
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

    // ---- HTTP: one exchange per request through route netsuite-call

    /** An answer of NetSuite that is not a retryable failure (a 2xx, or a refusal the caller classifies). */
    public record Answer(int status, JsonNode body, String location) {
    }

    /**
     * One request, one attempt (plus one with a renewed token when an OAuth 2.0 token was refused).
     * {@code allow404}: a 404 is an answer (look-ups), not an error.
     */
    private Answer send(String method, String path, JsonNode body, boolean allow404) {
        if (settings.baseUrl() == null) {
            throw new ErpException("NetSuite is not configured (hub.erp.netsuite.base-url)", false, 0);
        }
        String payload = body == null ? null : write(body);
        Answer answer = call(method, path, payload, false);
        if (answer.status() == 401 && settings.auth() != NetSuiteSettings.Auth.TBA) {
            answer = call(method, path, payload, true); // expired or revoked token: the same request with a new one
        }
        if (answer.status() < 300 || (answer.status() == 404 && allow404)) {
            return answer;
        }
        String code = errorCode(answer.body());
        throw new ErpException(message(method + " " + path, answer.status(), code, answer.body()), false,
                answer.status(), code, null, null);
    }

    /**
     * Sends the request as a fresh exchange (so no header of the posting's exchange reaches NetSuite) to route
     * netsuite-call, holding a permit of the account's pool. TBA signs the URL the route's http endpoint calls:
     * the base URL (the same key as the endpoint's) plus the request's path.
     */
    private Answer call(String method, String path, String payload, boolean renewToken) {
        String authorization = settings.auth() == NetSuiteSettings.Auth.TBA
                ? signer.header(method, URI.create(settings.baseUrl() + path))
                : "Bearer " + bearerToken(renewToken);
        Exchange result;
        try {
            result = gate.call(settings.gateKey(), settings.concurrencyLimit(), settings.permitWait(),
                    () -> producer.send(CALL, exchange -> {
                        exchange.setProperty(REQUEST, method + " " + path);
                        Message message = exchange.getMessage();
                        message.setHeader("Authorization", authorization);
                        message.setHeader("Accept", "application/json");
                        message.setHeader(Exchange.HTTP_METHOD, method);
                        // Relative to the endpoint's base URL, which the http component joins with a slash.
                        message.setHeader(Exchange.HTTP_PATH, path.substring(1));
                        if (payload != null) {
                            message.setHeader(Exchange.CONTENT_TYPE, "application/json");
                        }
                        message.setBody(payload);
                    }));
        } catch (ErpException e) {
            throw e;
        } catch (Exception e) {
            throw new ErpException("NetSuite " + method + " " + path + " failed: " + e, true, 0, null, null, e);
        }
        Exception failure = result.getException();
        if (failure instanceof ErpException e) {
            throw e;
        }
        if (failure != null) {
            // No answer: I/O error, the breaker's timeout or bulkhead, an open circuit. NetSuite may have done the
            // write; the next attempt's upsert or look-up finds it.
            LOG.debugf("NetSuite %s %s: %s", method, path, failure.toString());
            throw new ErpException("NetSuite " + method + " " + path + " failed: " + failure, true, 0, null, null,
                    failure);
        }
        return result.getMessage().getBody(Answer.class);
    }

    /**
     * The answer step of route netsuite-call, inside its circuit breaker: throttling (429, CONCURRENCY_LIMIT_EXCEEDED,
     * "Request limit exceeded"), 5xx and 408 throw a retryable {@link ErpException} with NetSuite's Retry-After, so
     * they count as failures of the breaker; any other answer is returned for the caller to judge (a 404 of a
     * look-up is an answer, and a refused document is no sign of an outage).
     */
    public Answer answer(Exchange exchange) {
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        JsonNode body = read(message.getBody(String.class));
        String code = errorCode(body);
        boolean throttled = status == 429 || "CONCURRENCY_LIMIT_EXCEEDED".equals(code)
                || detail(body).contains("Request limit exceeded");
        if (throttled || status >= 500 || status == 408) {
            String request = exchange.getProperty(REQUEST, "", String.class);
            LOG.debugf("NetSuite %s: %d %s", request, status, code);
            Duration retryAfter = RetryAfter.parse(message.getHeader("Retry-After", String.class));
            throw throttled ? ErpException.throttled(message(request, status, code, body), status, code, retryAfter)
                    : new ErpException(message(request, status, code, body), true, status, code, retryAfter, null);
        }
        return new Answer(status, body, message.getHeader("Location", String.class));
    }

    private static String errorCode(JsonNode body) {
        return body.path("o:errorDetails").path(0).path("o:errorCode").asText(null);
    }

    private static String detail(JsonNode body) {
        return body.path("o:errorDetails").path(0).path("detail").asText("");
    }

    private static String message(String request, int status, String code, JsonNode body) {
        String detail = detail(body);
        return "NetSuite " + request + " answered " + status + (code == null ? "" : " " + code)
                + (detail.isEmpty() ? "" : ": " + detail);
    }

    // ---- OAuth 2.0 client credentials and M2M (NetSuiteTokens, quarkus-oidc-client)

    /** The bearer token of a request (OAuth 2.0 or M2M); {@code renew}: NetSuite refused the last one, fetch a new one. */
    private String bearerToken(boolean renew) {
        return tokens.bearerToken(settings, renew);
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
}
