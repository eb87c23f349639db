package io.meterbridge.platform;

import java.time.Instant;

import org.jboss.logging.MDC;

/**
 * The business keys of the work a thread is doing, on every log line it writes (MDC keys {@code contract},
 * {@code period}, {@code delivery}; in prod's JSON logs they are fields of each line, beside Camel's
 * {@code camel.routeId} and {@code camel.exchangeId}). Camel clears only its own MDC keys, so whoever puts these
 * removes them when the work ends ({@link #clear()}); a consumer also clears them before each message, so a key can
 * never name the previous message's delivery.
 */
public final class LogContext {

    public static final String CONTRACT = "contract";
    public static final String PERIOD = "period";
    public static final String DELIVERY = "delivery";

    private LogContext() {
    }

    public static void contract(String contractKey, Instant periodStart) {
        put(CONTRACT, contractKey);
        put(PERIOD, periodStart == null ? null : periodStart.toString());
    }

    public static void delivery(String deliveryId, String contractKey, Instant periodStart) {
        contract(contractKey, periodStart);
        put(DELIVERY, deliveryId);
    }

    public static void clear() {
        MDC.remove(CONTRACT);
        MDC.remove(PERIOD);
        MDC.remove(DELIVERY);
    }

    private static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
