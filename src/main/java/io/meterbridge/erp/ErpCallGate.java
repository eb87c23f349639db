package io.meterbridge.erp;

import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * One concurrency limit per ERP account, shared by every caller in the process (routes, connectors, retries): ERPs
 * count concurrent requests per account or user (Business Central: 5 per user; NetSuite: one pool per account), so two
 * connectors or two routes must not each think they own the whole budget.
 * <p>
 * A fair {@link Semaphore} per account key is held while the call runs, so waiting callers are served in arrival order
 * and none starves. The first limit given for an account wins; later calls with another limit share that semaphore.
 * Callers should hold the gate only for the HTTP exchange itself, never while they back off.
 */
@ApplicationScoped
public class ErpCallGate {

    private static final class Account {
        final Semaphore permits;
        final int limit;
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();

        Account(int limit) {
            this.limit = limit;
            this.permits = new Semaphore(limit, true);
        }
    }

    private final ConcurrentMap<String, Account> accounts = new ConcurrentHashMap<>();

    /** Runs {@code call} once a permit of {@code account} is free; waits (interruptibly) otherwise. */
    public <T> T call(String account, int limit, Callable<T> call) throws Exception {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        Account a = accounts.computeIfAbsent(account, k -> new Account(limit));
        a.permits.acquire();
        try {
            int now = a.inFlight.incrementAndGet();
            a.maxInFlight.accumulateAndGet(now, Math::max);
            return call.call();
        } finally {
            a.inFlight.decrementAndGet();
            a.permits.release();
        }
    }

    /** Calls of {@code account} running right now. */
    public int inFlight(String account) {
        Account a = accounts.get(account);
        return a == null ? 0 : a.inFlight.get();
    }

    /** The most calls of {@code account} that ever ran at once in this process. */
    public int maxInFlight(String account) {
        Account a = accounts.get(account);
        return a == null ? 0 : a.maxInFlight.get();
    }
}
