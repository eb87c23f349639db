package io.meterbridge.crm;

import java.time.Duration;

import io.meterbridge.platform.RetryAfterAware;

/**
 * The CRM could not take the request now (unreachable, timeout, 429, 5xx): route crm-connector redelivers it, after
 * the Retry-After the CRM sent when there is one (platform RetryAfterRedelivery).
 */
public class CrmUnavailableException extends Exception implements RetryAfterAware {

    private final Duration retryAfter;

    public CrmUnavailableException(String message) {
        this(message, null, null);
    }

    public CrmUnavailableException(String message, Throwable cause) {
        this(message, null, cause);
    }

    public CrmUnavailableException(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    @Override
    public Duration retryAfter() {
        return retryAfter;
    }
}
