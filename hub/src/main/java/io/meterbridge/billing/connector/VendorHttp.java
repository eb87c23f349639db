package io.meterbridge.billing.connector;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meterbridge.platform.RetryAfter;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.jboss.logging.Logger;

/**
 * The HTTP part shared by the billing-platform connectors. A call is one exchange sent to the vendor's
 * {@code direct:<vendor>-call} route (routes/platform/vendor-call.yaml: throttle, circuit breaker, Camel's http
 * component), and the route hands the answer back to {@link #answer} for classification. The exchange is a fresh one
 * per call, so only the request's own headers reach the vendor. Credentials are passed in as a header value and never
 * logged: log lines carry method, path, status and idempotency key only.
 */
final class VendorHttp {

    private static final Logger LOG = Logger.getLogger(VendorHttp.class);

    /** The call an exchange of a vendor-call route carries, for {@link #answer}. */
    static final String CALL = "meterbridgeVendorCall";

    private final String target;
    private final String endpoint;
    private final ProducerTemplate producer;
    private final ObjectMapper mapper;
    private final ErrorReader errors;

    VendorHttp(String target, ProducerTemplate producer, ObjectMapper mapper, ErrorReader errors) {
        this.target = target;
        this.endpoint = "direct:" + target + "-call";
        this.producer = producer;
        this.mapper = mapper;
        this.errors = errors;
    }

    /** Sends the call through the vendor's route; 2xx gives the JSON body, anything else a {@link VendorException}. */
    JsonNode send(VendorCall call, Map<String, String> headers) {
        Exchange result = producer.send(endpoint, exchange -> {
            exchange.setProperty(CALL, call);
            var message = exchange.getMessage();
            headers.forEach(message::setHeader);
            message.setHeader("Accept", "application/json");
            message.setHeader(Exchange.HTTP_METHOD, call.method());
            int query = call.path().indexOf('?');
            String path = query < 0 ? call.path() : call.path().substring(0, query);
            // Relative to the endpoint's base URL: the http component appends it (a leading slash would be taken as
            // an absolute path to be matched against a consumer's base path).
            message.setHeader(Exchange.HTTP_PATH, path.startsWith("/") ? path.substring(1) : path);
            if (query >= 0) {
                message.setHeader(Exchange.HTTP_RAW_QUERY, call.path().substring(query + 1));
            }
            if (call.method().equals("GET")) {
                message.setBody(null);
            } else {
                message.setHeader(Exchange.CONTENT_TYPE, "application/x-www-form-urlencoded");
                message.setBody(FormEncoding.encode(call.params()));
            }
        });
        Exception failure = result.getException();
        if (failure == null) {
            return result.getMessage().getBody(JsonNode.class);
        }
        throw unavailable(call, failure);
    }

    /** The route's classification step: the answer of the http endpoint as JSON, or the vendor's refusal. */
    JsonNode answer(Exchange exchange) {
        VendorCall call = exchange.getProperty(CALL, VendorCall.class);
        Integer code = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        int status = code == null ? 0 : code;
        String raw = exchange.getMessage().getBody(String.class);
        LOG.debugf("%s %s %s -> %d (idempotency key %s)", target, call.method(), call.path(), status, call.idempotencyKey());
        JsonNode body = parse(raw);
        if (status >= 200 && status < 300) {
            return body;
        }
        String message = call.method() + " " + call.path() + " answered " + status + ": " + errors.message(body, raw);
        if (status == 429 || status == 409 || status >= 500) {
            throw new VendorException(target, status, true,
                    RetryAfter.parse(exchange.getMessage().getHeader("Retry-After", String.class)), message, null);
        }
        throw new RejectedByVendorException(target, status, message);
    }

    /** A failure the answer did not classify (no answer at all, the breaker's timeout or open circuit) as it is. */
    private RuntimeException unavailable(VendorCall call, Exception failure) {
        if (failure instanceof RuntimeException runtime) {
            return runtime;
        }
        if (failure instanceof SocketTimeoutException || failure instanceof InterruptedIOException) {
            return new VendorException(target, 0, true, null, call.method() + " " + call.path() + " timed out: " + failure,
                    failure);
        }
        return new VendorException(target, 0, true, null, call.method() + " " + call.path() + " failed: " + failure, failure);
    }

    private JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? mapper.createObjectNode() : mapper.readTree(body);
        } catch (IOException e) {
            return mapper.createObjectNode().put("raw", body.length() > 500 ? body.substring(0, 500) : body);
        }
    }

    /** Reads the platform's error shape into one line. */
    interface ErrorReader {
        String message(JsonNode body, String raw);
    }
}
