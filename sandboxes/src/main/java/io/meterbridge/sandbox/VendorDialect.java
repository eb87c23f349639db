package io.meterbridge.sandbox;

import java.time.Duration;
import java.util.Optional;

/**
 * What differs between vendors in the common pipeline: credentials, the error shape, the idempotency headers and the
 * rate limits. One implementation per sandbox (Stripe, Chargebee, a CRM...).
 */
public interface VendorDialect {

    /** A rate-limit bucket: calls of the same key share {@code limit} per {@code window}. */
    record Limit(String key, int limit, Duration window) {
    }

    /** Short name, for logs ("stripe"). */
    String name();

    /** Empty when the request carries valid credentials; otherwise the 401 to answer (vendor shape). */
    Optional<SandboxResponse> authenticate(SandboxRequest request);

    /** An error in the vendor's shape. {@code code} and {@code param} may be null. */
    SandboxResponse error(int status, ErrorKind kind, String code, String message, String param);

    /** Request header carrying the idempotency key, or null when the vendor has none. */
    String idempotencyHeader();

    /** Response header set on a replayed response. */
    String replayedHeader();

    /**
     * Whether a 500 answered while a keyed request executes is saved under its idempotency key and replayed for that
     * key, as Stripe does (other statuses, 429 and outages save nothing). Vendors that do not document it: false.
     */
    default boolean savesServerErrors() {
        return false;
    }

    /** Longest accepted idempotency key. */
    default int maxIdempotencyKeyLength() {
        return 255;
    }

    /** The buckets this request counts against (all must allow it). */
    java.util.List<Limit> limits(SandboxRequest request, Operation operation);

    /** Headers added to every response (e.g. a request id). */
    default SandboxResponse decorate(SandboxResponse response) {
        return response;
    }
}
