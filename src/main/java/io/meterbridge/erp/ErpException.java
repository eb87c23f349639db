package io.meterbridge.erp;

import java.time.Duration;

/**
 * A call to an ERP that failed. {@link #retryable()} tells the caller whether the same call may succeed later (throttled,
 * ERP unavailable, timeout, transport error) or needs a change first (rejected document, bad credentials).
 * {@link #status()} is the ERP's HTTP status (0 when no answer came); {@link #retryAfter()} what the ERP asked to wait,
 * or null.
 */
public class ErpException extends RuntimeException {

    private final boolean retryable;
    private final int status;
    private final Duration retryAfter;

    public ErpException(String message, boolean retryable, int status, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public ErpException(String message, boolean retryable, int status, Duration retryAfter) {
        this(message, retryable, status, retryAfter, null);
    }

    public boolean retryable() {
        return retryable;
    }

    public int status() {
        return status;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
