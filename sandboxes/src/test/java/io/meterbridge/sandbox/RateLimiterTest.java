package io.meterbridge.sandbox;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The sliding window, on a clock of the test's own (e.g. Stripe's 1,000 meter events/s without sending 1,000). */
class RateLimiterTest {

    @Test
    void refusesAboveTheLimitWithinTheWindowAndSaysWhenToRetry() {
        AtomicLong clock = new AtomicLong(1_000_000);
        RateLimiter limiter = new RateLimiter(clock::get);
        for (int i = 0; i < 1000; i++) {
            assertThat(limiter.tryAcquire("k:meter_events", 1000, Duration.ofSeconds(1))).isEmpty();
            clock.addAndGet(i % 2); // 1,000 calls within half a second
        }
        assertThat(limiter.tryAcquire("k:meter_events", 1000, Duration.ofSeconds(1))).hasValue(1);
        assertThat(limiter.tryAcquire("other:meter_events", 1000, Duration.ofSeconds(1))).isEmpty();
        clock.addAndGet(1000);
        assertThat(limiter.tryAcquire("k:meter_events", 1000, Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void retryAfterCountsWholeSecondsUntilTheOldestCallLeavesTheWindow() {
        AtomicLong clock = new AtomicLong(0);
        RateLimiter limiter = new RateLimiter(clock::get);
        for (int i = 0; i < 150; i++) {
            assertThat(limiter.tryAcquire("cb", 150, Duration.ofMinutes(1))).isEmpty();
        }
        clock.set(10_500);
        assertThat(limiter.tryAcquire("cb", 150, Duration.ofMinutes(1))).hasValue(50);
    }
}
