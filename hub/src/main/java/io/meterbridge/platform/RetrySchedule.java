package io.meterbridge.platform;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When an outbox row (a billing delivery, an ERP posting) is attempted again after a retryable failure. The wait is
 * written on the row and the outbox relay publishes the row again when it is due, so no thread and no Kafka
 * consumer waits for it. A vendor's Retry-After takes precedence over the exponential backoff.
 *
 * @param maximumRedeliveries attempts after the first before the row is dead-lettered
 * @param initialDelay        the wait after the first failure; doubled after each further one
 * @param maximumDelay        the cap of the exponential backoff (not of a vendor's Retry-After)
 */
public record RetrySchedule(int maximumRedeliveries, Duration initialDelay, Duration maximumDelay) {

    /** A Retry-After longer than this is taken as this: a misconfigured vendor must not park a row for days. */
    static final Duration LONGEST_RETRY_AFTER = Duration.ofHours(1);

    public RetrySchedule {
        if (maximumRedeliveries < 0 || initialDelay.isNegative() || maximumDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("retry schedule needs redeliveries >= 0 and 0 <= initial <= maximum delay");
        }
    }

    /** True when a row that has failed {@code attempts} times may not be attempted again. */
    public boolean exhausted(int attempts) {
        return attempts > maximumRedeliveries;
    }

    /**
     * The wait after the {@code attempts}-th failed attempt (1 for the first): the vendor's Retry-After plus up to 20 %
     * (so rows throttled together do not come back together), else initial x 2^(attempts-1), capped, with +-15 %
     * jitter.
     */
    public Duration delay(int attempts, Duration retryAfter) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (retryAfter != null && !retryAfter.isNegative()) {
            long wait = Math.min(retryAfter.toMillis(), LONGEST_RETRY_AFTER.toMillis());
            return Duration.ofMillis(wait + (long) (wait * 0.2 * random.nextDouble()));
        }
        int doublings = Math.min(Math.max(attempts, 1) - 1, 30);
        long exponential = Math.min(initialDelay.toMillis() * (1L << doublings), maximumDelay.toMillis());
        long jittered = (long) (exponential * (0.85 + 0.3 * random.nextDouble()));
        return Duration.ofMillis(Math.min(jittered, maximumDelay.toMillis()));
    }
}
