package io.meterbridge.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The time one sandbox lives in: real time plus an offset that the control API moves forward ({@code POST
 * _sandbox/clock/advance}) and resets ({@code DELETE _sandbox/clock}). What a vendor forgets after a while (idempotency
 * keys, Stripe meter event identifiers) is measured on it, so a test can step over a 24 h horizon without waiting a
 * day. It only moves forward between resets: a vendor's clock does not run backwards.
 */
public final class SandboxClock {

    private final AtomicLong offsetMillis = new AtomicLong();

    public long millis() {
        return System.currentTimeMillis() + offsetMillis.get();
    }

    public Instant now() {
        return Instant.ofEpochMilli(millis());
    }

    public Duration offset() {
        return Duration.ofMillis(offsetMillis.get());
    }

    /** Moves the clock forward; a negative or zero step is refused. */
    public void advance(Duration step) {
        if (step.isNegative() || step.isZero()) {
            throw new IllegalArgumentException("the clock only moves forward: seconds must be positive");
        }
        offsetMillis.addAndGet(step.toMillis());
    }

    /** Back to real time. */
    public void reset() {
        offsetMillis.set(0);
    }
}
