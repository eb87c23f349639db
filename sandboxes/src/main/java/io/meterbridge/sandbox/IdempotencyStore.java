package io.meterbridge.sandbox;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Idempotency keys as the vendors keep them: key to the fingerprint of the first request's parameters and its saved
 * response, for a retention period (24 h). A key is reserved when its request starts executing, so a concurrent request
 * with the same key is told so instead of running twice; results are saved only once execution started (a request
 * refused by validation saves nothing, as at Stripe).
 */
public final class IdempotencyStore {

    public enum State { NEW, REPLAY, MISMATCH, IN_FLIGHT }

    /** What {@link #begin} found. {@code saved} is set for REPLAY. */
    public record Outcome(State state, SandboxResponse saved) {
    }

    private record Entry(String fingerprint, SandboxResponse response, long createdMillis) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final LongSupplier clockMillis;
    private final java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();
    private final Duration retention;

    public IdempotencyStore(Duration retention) {
        this(retention, System::currentTimeMillis);
    }

    public IdempotencyStore(Duration retention, LongSupplier clockMillis) {
        this.retention = retention;
        this.clockMillis = clockMillis;
    }

    /** Looks the key up and reserves it when it is new (or expired). */
    public Outcome begin(String key, String fingerprint) {
        long now = clockMillis.getAsLong();
        Outcome[] outcome = new Outcome[1];
        entries.compute(key, (k, entry) -> {
            if (entry == null || entry.createdMillis() + retention.toMillis() <= now) {
                outcome[0] = new Outcome(State.NEW, null);
                return new Entry(fingerprint, null, now);
            }
            if (!entry.fingerprint().equals(fingerprint)) {
                outcome[0] = new Outcome(State.MISMATCH, null);
            } else if (entry.response() == null) {
                outcome[0] = new Outcome(State.IN_FLIGHT, null);
            } else {
                outcome[0] = new Outcome(State.REPLAY, entry.response());
            }
            return entry;
        });
        if (calls.incrementAndGet() % 1000 == 0) {
            purge(now); // expired keys go on the next use or here, so memory stays bounded by a day of keys
        }
        return outcome[0];
    }

    /** Saves the response of a reserved key; later requests with the key and the same parameters get it back. */
    public void complete(String key, SandboxResponse response) {
        entries.computeIfPresent(key, (k, entry) -> new Entry(entry.fingerprint(), response, entry.createdMillis()));
    }

    /** Releases a reserved key whose request ended before any effect (the retry is then a first attempt). */
    public void abandon(String key) {
        entries.computeIfPresent(key, (k, entry) -> entry.response() == null ? null : entry);
    }

    private void purge(long now) {
        entries.values().removeIf(e -> e.createdMillis() + retention.toMillis() <= now);
    }

    public void clear() {
        entries.clear();
    }
}
