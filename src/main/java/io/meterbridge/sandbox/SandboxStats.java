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
        return out;
    }
}
