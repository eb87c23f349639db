package io.meterbridge.platform;

/**
 * Whether a failed attempt was turned away rather than failed: the vendor throttled it (429, a busy concurrency
 * pool). Such an attempt says nothing about the document, so it does not use
 * up the document's attempt budget (billing and ERP outboxes); it still waits, for the Retry-After or the backoff.
 * Under a lasting share of 429s a delivery therefore keeps going instead of being dead-lettered after a few unlucky
 * attempts (bin/chaos showed it: each attempt makes several calls, so a 20 % share of 429s ended whole invoices).
 */
public final class ThrottledCall {

    private ThrottledCall() {
    }

    /** A vendor failure that may say it was a throttle. */
    public interface Aware {
        boolean throttled();
    }

    public static boolean in(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            // An open circuit is not a throttle: a lasting outage must still end in the dead letter.
            if (t instanceof Aware aware && aware.throttled()) {
                return true;
            }
        }
        return false;
    }
}
