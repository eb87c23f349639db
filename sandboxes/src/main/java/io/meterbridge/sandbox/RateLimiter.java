package io.meterbridge.sandbox;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * Sliding-window log per key (e.g. "sk_test_..:operations"): at most {@code limit} calls in any window of the given
 * length. A sliding log, not a fixed window, so that a burst cannot pass twice the limit across a window boundary and a
 * test that sends limit+1 calls quickly always sees a 429. Memory is one timestamp per call in the window (at most
 * {@code limit}), fine for the published limits (1,000/s at most).
 */
public final class RateLimiter {

    private final ConcurrentMap<String, Deque<Long>> windows = new ConcurrentHashMap<>();
    private final LongSupplier clockMillis;

    public RateLimiter() {
        this(System::currentTimeMillis);
    }

    public RateLimiter(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    /**
     * Counts one call for {@code key}. Empty when allowed; otherwise the whole seconds (at least 1) after which a call
     * would be allowed again, for the Retry-After header. A refused call is not counted.
     */
    public OptionalLong tryAcquire(String key, int limit, Duration window) {
        long now = clockMillis.getAsLong();
        long length = window.toMillis();
        Deque<Long> calls = windows.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (calls) {
            while (!calls.isEmpty() && calls.peekFirst() <= now - length) {
                calls.pollFirst();
            }
            if (calls.size() < limit) {
                calls.addLast(now);
                return OptionalLong.empty();
            }
            long waitMillis = calls.peekFirst() + length - now;
            return OptionalLong.of(Math.max(1, (waitMillis + 999) / 1000));
        }
    }

    /** Forgets every window (e.g. after a limit was changed). */
    public void clear() {
        windows.clear();
    }
}
