package io.meterbridge.platform;

import java.time.Duration;

/** A failure whose vendor said how long to wait (Retry-After) before the next attempt. */
public interface RetryAfterAware {

    /** The wait the vendor asked for, or null. */
    Duration retryAfter();
}
