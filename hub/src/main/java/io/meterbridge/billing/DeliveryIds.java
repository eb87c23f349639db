package io.meterbridge.billing;

/**
 * Deterministic ids and idempotency keys: derived from what is sent (contract, period, line), never random, so a
 * retry, a replay or a second instance produces the same key and the platform applies the write once.
 */
public final class DeliveryIds {

    private DeliveryIds() {
    }

    /** Only [A-Za-z0-9_-], the alphabet every platform accepts in ids and external ids. */
    public static String safe(String value) {
        return value.replaceAll("[^A-Za-z0-9_-]", "_");
    }
}
