package io.meterbridge.platform;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Retry-After as vendors send it: seconds, an HTTP date, or something unreadable (then no wait is imposed). */
class RetryAfterTest {

    private static final Instant NOW = Instant.parse("2026-12-03T07:00:00Z");

    @Test
    void secondsAreTheWait() {
        assertThat(RetryAfter.parse(" 7 ", NOW)).isEqualTo(Duration.ofSeconds(7));
        assertThat(RetryAfter.parse("-3", NOW)).isEqualTo(Duration.ZERO);
    }

    @Test
    void anHttpDateIsTheWaitUntilThen() {
        assertThat(RetryAfter.parse("Thu, 03 Dec 2026 07:01:30 GMT", NOW)).isEqualTo(Duration.ofSeconds(90));
        assertThat(RetryAfter.parse("Thu, 03 Dec 2026 06:59:00 GMT", NOW)).isEqualTo(Duration.ZERO);
    }

    @Test
    void absentOrUnreadableGivesNoWait() {
        assertThat(RetryAfter.parse(null, NOW)).isNull();
        assertThat(RetryAfter.parse("", NOW)).isNull();
        assertThat(RetryAfter.parse("soon", NOW)).isNull();
    }
}
