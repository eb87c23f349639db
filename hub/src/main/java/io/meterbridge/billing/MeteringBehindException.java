package io.meterbridge.billing;

import java.time.Duration;

/**
 * A close that cannot start yet: metering has not committed every event accepted before the close started, or the
 * accepted topic's offsets could not be read. Nothing was written; the scheduler tries again at its next tick, and a
 * manual close answers 409 with this reason.
 */
public class MeteringBehindException extends RuntimeException {

    private final Duration retryAfter;

    public MeteringBehindException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
