package io.meterbridge.masterdata;

import java.time.Instant;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BillingPeriodTest {

    @Test
    void monthlyPeriodsAreHalfOpenAndStartAtLocalMidnightOfTheAnchorDay() {
        ZoneId newYork = ZoneId.of("America/New_York");
        BillingPeriod period = BillingPeriod.monthly(Instant.parse("2026-11-20T12:00:00Z"), newYork, 15);
        assertThat(period.start()).isEqualTo(Instant.parse("2026-11-15T05:00:00Z")); // EST, UTC-5
        assertThat(period.end()).isEqualTo(Instant.parse("2026-12-15T05:00:00Z"));
        assertThat(period.contains(period.start())).isTrue();
        assertThat(period.contains(period.end())).isFalse();

        // 04:59Z on the 15th is still the 14th in New York: the previous period
        BillingPeriod before = BillingPeriod.monthly(Instant.parse("2026-11-15T04:59:59Z"), newYork, 15);
        assertThat(before.start()).isEqualTo(Instant.parse("2026-10-15T04:00:00Z")); // EDT, UTC-4
        assertThat(before.end()).isEqualTo(period.start());
    }

    @Test
    void anAnchorDayPastTheEndOfAShortMonthFallsOnItsLastDay() {
        BillingPeriod february = BillingPeriod.monthly(Instant.parse("2027-02-28T10:00:00Z"), ZoneId.of("UTC"), 31);
        assertThat(february.start()).isEqualTo(Instant.parse("2027-02-28T00:00:00Z"));
        assertThat(february.end()).isEqualTo(Instant.parse("2027-03-31T00:00:00Z"));
        BillingPeriod january = BillingPeriod.monthly(Instant.parse("2027-02-27T10:00:00Z"), ZoneId.of("UTC"), 31);
        assertThat(january.start()).isEqualTo(Instant.parse("2027-01-31T00:00:00Z"));
        assertThat(january.end()).isEqualTo(february.start());
    }

    @Test
    void calendarMonthsForAnchorDayOne() {
        BillingPeriod period = BillingPeriod.monthly(Instant.parse("2026-12-31T23:59:59Z"), ZoneId.of("UTC"), 1);
        assertThat(period.start()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(period.end()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
    }
}
