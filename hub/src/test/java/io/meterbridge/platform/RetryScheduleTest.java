package io.meterbridge.platform;

import java.time.Duration;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The wait an outbox row gets after a failed attempt: exponential from the initial delay with +-15 % jitter, capped;
 * a vendor's Retry-After instead, plus up to 20 %, capped only at an hour; exhausted after the allowed redeliveries.
 */
class RetryScheduleTest {

    private final RetrySchedule schedule = new RetrySchedule(12, Duration.ofSeconds(1), Duration.ofMinutes(5));

    @RepeatedTest(20)
    void backoffDoublesWithJitterUpToTheCap() {
        assertThat(schedule.delay(1, null)).isBetween(Duration.ofMillis(850), Duration.ofMillis(1150));
        assertThat(schedule.delay(4, null)).isBetween(Duration.ofMillis(6_800), Duration.ofMillis(9_200));
        assertThat(schedule.delay(12, null)).isBetween(Duration.ofMillis(255_000), Duration.ofMinutes(5));
        assertThat(schedule.delay(60, null)).isLessThanOrEqualTo(Duration.ofMinutes(5));
    }

    @RepeatedTest(20)
    void retryAfterReplacesTheBackoffAndIsNotCappedByIt() {
        assertThat(schedule.delay(1, Duration.ofSeconds(30))).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(36));
        assertThat(schedule.delay(1, Duration.ofMinutes(20))).isBetween(Duration.ofMinutes(20), Duration.ofMinutes(24));
        assertThat(schedule.delay(1, Duration.ofDays(3))).isBetween(Duration.ofHours(1), Duration.ofMinutes(72));
    }

    @Test
    void exhaustedAfterTheFirstAttemptAndItsRedeliveries() {
        assertThat(schedule.exhausted(12)).isFalse();
        assertThat(schedule.exhausted(13)).isTrue();
        assertThat(new RetrySchedule(0, Duration.ZERO, Duration.ZERO).exhausted(1)).isTrue();
        assertThatThrownBy(() -> new RetrySchedule(3, Duration.ofSeconds(10), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
