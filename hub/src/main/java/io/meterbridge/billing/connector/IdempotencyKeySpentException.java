package io.meterbridge.billing.connector;

/**
 * Stripe answered a POST with 500. Stripe saves that answer under the request's idempotency key and replays it for
 * every retry with the key (for 24 h), so retrying with the same key cannot succeed: the caller raises the key
 * generation of its delivery and looks up what exists before writing again. Retryable.
 */
public class IdempotencyKeySpentException extends VendorException {

    private final String idempotencyKey;

    public IdempotencyKeySpentException(VendorException answer, String idempotencyKey) {
        super(answer.target(), answer.status(), true, answer.retryAfter(),
                stripTarget(answer) + " (idempotency key " + idempotencyKey + " now holds this 500)", answer);
        this.idempotencyKey = idempotencyKey;
    }

    public String idempotencyKey() {
        return idempotencyKey;
    }

    private static String stripTarget(VendorException answer) {
        String prefix = answer.target() + ": ";
        String message = answer.getMessage();
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }
}
