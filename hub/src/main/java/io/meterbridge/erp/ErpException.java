package io.meterbridge.erp;

import java.time.Duration;

import io.meterbridge.platform.RetryAfterAware;

/**
 * A failed ERP call, thrown by every ERP connector (NetSuite, Business Central...). {@link #retryable()} tells the
 * caller (a Camel route) whether attempting the same request later may succeed: true for throttling (429, the ERP's
 * request-limit errors), 5xx, I/O failures, timeouts and an open circuit (connectors make one attempt; the posting's
 * outbox row schedules the next, honouring {@link #retryAfter()}); false for a request the ERP rejected (4xx other
 * than 429/408), which needs a fix, not a retry.
 */
public class ErpException extends RuntimeException implements RetryAfterAware, io.meterbridge.platform.ThrottledCall.Aware {

    private final boolean retryable;
    private final int status;
    private final Duration retryAfter;
    private final String errorCode;
    private final boolean throttled;

    /**
     * @param status     the HTTP status of the last answer, 0 when none came (I/O failure, timeout)
     * @param errorCode  the ERP's own error code (e.g. NetSuite's {@code o:errorCode}), may be null
     * @param retryAfter how long the ERP asked to wait (Retry-After), may be null
     */
    public ErpException(String message, boolean retryable, int status, String errorCode, Duration retryAfter,
            Throwable cause) {
        this(message, retryable, status, errorCode, retryAfter, cause, status == 429);
    }

    private ErpException(String message, boolean retryable, int status, String errorCode, Duration retryAfter,
            Throwable cause, boolean throttled) {
        super(message, cause);
        this.retryable = retryable;
        this.status = status;
        this.errorCode = errorCode;
        this.retryAfter = retryAfter;
        this.throttled = throttled;
    }

    /**
     * The ERP (or the hub's gate on its concurrency pool) turned the call away for its limits, whatever the status:
     * retryable, and classified as a throttle by the one who saw the answer (the connector or the gate).
     */
    public static ErpException throttled(String message, int status, String errorCode, Duration retryAfter) {
        return new ErpException(message, true, status, errorCode, retryAfter, null, true);
    }

    public ErpException(String message, boolean retryable, int status) {
        this(message, retryable, status, null, null, null);
    }

    public ErpException(String message, boolean retryable, int status, Duration retryAfter) {
        this(message, retryable, status, null, retryAfter, null);
    }

    public ErpException(String message, boolean retryable, int status, Duration retryAfter, Throwable cause) {
        this(message, retryable, status, null, retryAfter, cause);
    }

    public boolean retryable() {
        return retryable;
    }

    /** HTTP status of the last answer, 0 when no answer came. */
    public int status() {
        return status;
    }

    /** The wait the ERP asked for, or null. */
    @Override
    public Duration retryAfter() {
        return retryAfter;
    }

    /** The ERP's error code, or null. */
    public String errorCode() {
        return errorCode;
    }

    /** A 429, or what the connector or the gate classified as a throttle ({@link #throttled(String, int, String, Duration)}). */
    @Override
    public boolean throttled() {
        return throttled;
    }
}
