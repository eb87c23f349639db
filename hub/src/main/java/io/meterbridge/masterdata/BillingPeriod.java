package io.meterbridge.masterdata;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * A billing period, half-open [start, end), computed in the contract's time zone. Monthly cycles start on the
 * anchor day at local midnight; in months shorter than the anchor day the period starts on the month's last day.
 */
public record BillingPeriod(Instant start, Instant end) {

    public static BillingPeriod monthly(Instant instant, ZoneId zone, int anchorDay) {
        ZonedDateTime local = instant.atZone(zone);
        YearMonth month = YearMonth.from(local);
        ZonedDateTime start = startIn(month, anchorDay, zone);
        if (start.isAfter(local)) {
            month = month.minusMonths(1);
            start = startIn(month, anchorDay, zone);
        }
        ZonedDateTime end = startIn(month.plusMonths(1), anchorDay, zone);
        return new BillingPeriod(start.toInstant(), end.toInstant());
    }

    private static ZonedDateTime startIn(YearMonth month, int anchorDay, ZoneId zone) {
        LocalDate day = month.atDay(Math.min(anchorDay, month.lengthOfMonth()));
        return day.atStartOfDay(zone);
    }

    public boolean contains(Instant instant) {
        return !instant.isBefore(start) && instant.isBefore(end);
    }
}
