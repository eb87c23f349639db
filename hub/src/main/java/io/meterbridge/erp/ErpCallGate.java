package io.meterbridge.erp;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * One concurrency limit per ERP account, shared by every caller in the process: ERPs govern concurrent requests per
 * account (NetSuite's account concurrency pool, Business Central's per-environment limits), so the hub must never have
 * more calls in flight to one account than its limit, however many routes, threads or connectors call it.
 * <p>
 * A fair {@link Semaphore} per account key: callers queue in arrival order and each holds a permit while its call runs.
 * Connectors call {@link #call} once per HTTP request (one exchange through their vendor-call route). A caller waits
 * for a permit only a short, bounded time: when the account stays busy longer, the call fails retryable and the
 * posting's outbox row schedules the next attempt, so no route thread is parked behind a congested account. The
 * template's bulkhead cannot replace this gate: it counts per route, the gate per ERP account across every route and
 * connector instance of the process. The limit of an account is fixed by the first call for that key; a later call
 * with another limit uses the existing one (configuration is per account, not per caller). Keys should name the
 * system and the account, e.g. {@code "netsuite:1234567_SB1"}, {@code "bc:tenant/environment"}.
 */
@ApplicationScoped
public class ErpCallGate {

    private static final class Account {
        final int limit;
        final Semaphore permits;
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();

        Account(int limit) {
            this.limit = limit;
            this.permits = new Semaphore(limit, true);
        }
    }

    private final Map<String, Account> accounts = new ConcurrentHashMap<>();

    /**
     * Runs {@code call} while holding one of the account's {@code limit} permits, waiting (fairly) at most
     * {@code maxWait} for one if all are taken. Exceptions of the call pass through unchanged.
     *
     * @throws ErpException (retryable) when no permit became free within {@code maxWait}, or the wait was interrupted
     */
    public <T> T call(String account, int limit, Duration maxWait, Callable<T> call) throws Exception {
        Account a = account(account, limit);
        boolean permitted;
        try {
            permitted = a.permits.tryAcquire(maxWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ErpException("interrupted while waiting for a call permit of " + account, true, 0, null, null, e);
        }
        if (!permitted) {
            throw ErpException.throttled("all " + a.limit + " call permits of " + account + " stayed taken for "
                    + maxWait.toMillis() + " ms", 0, "CALL_GATE_BUSY", null);
        }
        try {
            int now = a.inFlight.incrementAndGet();
            a.maxInFlight.accumulateAndGet(now, Math::max);
            return call.call();
        } finally {
            a.inFlight.decrementAndGet();
            a.permits.release();
        }
    }

    /** Calls in flight for the account right now. */
    public int inFlight(String account) {
        Account a = accounts.get(account);
        return a == null ? 0 : a.inFlight.get();
    }

    /** The highest number of calls ever in flight at once for the account (since start or {@link #resetMax}). */
    public int maxInFlight(String account) {
        Account a = accounts.get(account);
        return a == null ? 0 : a.maxInFlight.get();
    }

    /** The limit in force for the account, or 0 if it was never called. */
    public int limit(String account) {
        Account a = accounts.get(account);
        return a == null ? 0 : a.limit;
    }

    /** Callers waiting for a permit (an estimate, for metrics). */
    public int waiting(String account) {
        Account a = accounts.get(account);
        return a == null ? 0 : a.permits.getQueueLength();
    }

    /** Resets the high-water mark to the current in-flight count (for tests). */
    public void resetMax(String account) {
        Account a = accounts.get(account);
        if (a != null) {
            a.maxInFlight.set(a.inFlight.get());
        }
    }

    private Account account(String key, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("concurrency limit must be at least 1, was " + limit);
        }
        return accounts.computeIfAbsent(key, k -> new Account(limit));
    }
}
