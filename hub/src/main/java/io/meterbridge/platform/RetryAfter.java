package io.meterbridge.platform;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The one reader of an HTTP {@code Retry-After} header for every vendor (RFC 9110: delay-seconds or an HTTP date).
 * The wait it gives is written on the outbox row ({@link RetrySchedule}) or used as a redelivery delay.
 */
public final class RetryAfter {

    private RetryAfter() {
    }

    /** The wait the header asks for (never negative), or null when the header is absent or unreadable. */
    public static Duration parse(String value) {
        return parse(value, Instant.now());
    }

    static Duration parse(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(text)));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration wait = Duration.between(now, ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (RuntimeException notADate) {
                return null;
            }
        }
    }
}
