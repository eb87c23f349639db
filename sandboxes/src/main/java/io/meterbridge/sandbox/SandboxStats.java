package io.meterbridge.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of one sandbox, served by GET _sandbox/stats. */
public final class SandboxStats {

    public final AtomicLong received = new AtomicLong();
    public final AtomicLong rejectedAuthentication = new AtomicLong();
    public final AtomicLong rejectedValidation = new AtomicLong();
    public final AtomicLong rateLimited = new AtomicLong();
    public final AtomicLong faultsInjected = new AtomicLong();
    public final AtomicLong idempotentReplays = new AtomicLong();
    public final AtomicLong idempotencyErrors = new AtomicLong();
    public final AtomicLong effects = new AtomicLong();
    /** Vendor-specific values added to the snapshot (e.g. NetSuite's highest concurrency), sorted by name. */
    private final Map<String, java.util.function.LongSupplier> gauges = new java.util.concurrent.ConcurrentSkipListMap<>();

    /** Adds a vendor-specific value to {@link #snapshot()}. */
    public void gauge(String name, java.util.function.LongSupplier value) {
        gauges.put(name, value);
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("received", received.get());
        out.put("rejectedAuthentication", rejectedAuthentication.get());
        out.put("rejectedValidation", rejectedValidation.get());
        out.put("rateLimited", rateLimited.get());
        out.put("faultsInjected", faultsInjected.get());
        out.put("idempotentReplays", idempotentReplays.get());
        out.put("idempotencyErrors", idempotencyErrors.get());
        out.put("effects", effects.get());
        gauges.forEach((name, value) -> out.put(name, value.getAsLong()));
        return out;
    }
}
