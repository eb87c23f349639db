package io.meterbridge.billing.connector;

import java.time.Duration;

/**
 * A billing platform did not accept a call. {@link #retryable()} tells the route's error handler whether another
 * attempt can succeed (429, 409 in progress, 5xx, timeouts) or not (a request the platform rejects as invalid).
 */
public class VendorException extends RuntimeException implements io.meterbridge.platform.ThrottledCall.Aware {

    private final String target;
    private final int status;
    private final boolean retryable;
    private final Duration retryAfter;

    public VendorException(String target, int status, boolean retryable, Duration retryAfter, String message,
            Throwable cause) {
        super(target + ": " + message, cause);
        this.target = target;
        this.status = status;
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    public String target() {
        return target;
    }

    /** The HTTP status, or 0 when no answer came (timeout, connection refused). */
    public int status() {
        return status;
    }

    public boolean retryable() {
        return retryable;
    }

    /** The platform turned the call away for its rate limit (429). */
    @Override
    public boolean throttled() {
        return status == 429;
    }

    /** What the platform asked us to wait (Retry-After), or null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** The first VendorException in a cause chain, or null. */
    public static VendorException find(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof VendorException vendor) {
                return vendor;
            }
        }
        return null;
    }
}
