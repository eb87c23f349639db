package io.meterbridge.sandbox;

import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The fault switches of one sandbox (PUT _sandbox/faults) and the per-request decision. Counters ("next N requests")
 * are consumed one per request that reaches the fault stage; {@code down} and the rates apply until switched off.
 */
public final class SandboxFaults {

    /**
     * The switch set, as JSON. {@code faultAfterEffect}: injected 5xx and timeouts happen after the request took effect
     * (the vendor stored the object, then the answer was lost), otherwise before any effect. {@code dropWebhooks}:
     * events created while it is on are stored and listed (GET events) but never delivered by webhook, unless resent
     * through the control API: a client's polling fallback can be tested with it. {@code rateLimitRate}: that share
     * of requests (0..1) answers 429 with {@code retryAfterSeconds}, a lasting 429 storm (bin/chaos uses it).
     * {@code passNext}: that many requests pass untouched before the other switches apply, so a fault can strike the
     * third request of a look-up-then-create sequence.
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Settings(boolean down, int rateLimitNext, double rateLimitRate, int retryAfterSeconds,
            int serverErrorNext, double serverErrorRate, int serverErrorStatus, long delayMs, int timeoutNext,
            Long timeoutMs, boolean faultAfterEffect, boolean dropWebhooks, int passNext) {

        public static Settings none() {
            return new Settings(false, 0, 0.0, 1, 0, 0.0, 500, 0, 0, null, false, false, 0);
        }

        /** Fills unset values (a PUT may send only some switches) and checks ranges. */
        public Settings normalized() {
            if (rateLimitNext < 0 || serverErrorNext < 0 || timeoutNext < 0 || delayMs < 0 || passNext < 0
                    || (timeoutMs != null && timeoutMs < 0)) {
                throw new IllegalArgumentException("counts and durations must not be negative");
            }
            if (rateLimitRate < 0 || rateLimitRate > 1) {
                throw new IllegalArgumentException("rateLimitRate must be between 0 and 1");
            }
            if (serverErrorRate < 0 || serverErrorRate > 1) {
                throw new IllegalArgumentException("serverErrorRate must be between 0 and 1");
            }
            int status = serverErrorStatus == 0 ? 500 : serverErrorStatus;
            if (status < 500 || status > 599) {
                throw new IllegalArgumentException("serverErrorStatus must be a 5xx status");
            }
            return new Settings(down, rateLimitNext, rateLimitRate, Math.max(1, retryAfterSeconds), serverErrorNext,
                    serverErrorRate, status, delayMs, timeoutNext, timeoutMs, faultAfterEffect, dropWebhooks, passNext);
        }
    }

    /** What to do with one request. {@code kind} NONE still may carry a delay. */
    public record Decision(Kind kind, long delayMs, int status, int retryAfterSeconds, boolean afterEffect) {
        public enum Kind { NONE, DOWN, RATE_LIMIT, SERVER_ERROR, TIMEOUT }

        public boolean injected() {
            return kind != Kind.NONE;
        }
    }

    private Settings settings = Settings.none();

    public synchronized Settings settings() {
        return settings;
    }

    public synchronized void set(Settings next) {
        settings = next.normalized();
    }

    /** Decides for one request and consumes a counter if one fires: the order is down, 429, 5xx, timeout. */
    public synchronized Decision decide() {
        Settings s = settings;
        if (s.passNext() > 0) {
            settings = new Settings(s.down(), s.rateLimitNext(), s.rateLimitRate(), s.retryAfterSeconds(),
                    s.serverErrorNext(), s.serverErrorRate(), s.serverErrorStatus(), s.delayMs(), s.timeoutNext(),
                    s.timeoutMs(), s.faultAfterEffect(), s.dropWebhooks(), s.passNext() - 1);
            return new Decision(Decision.Kind.NONE, s.delayMs(), 0, 0, false);
        }
        if (s.down()) {
            return new Decision(Decision.Kind.DOWN, s.delayMs(), 503, 0, false);
        }
        boolean randomRateLimit = s.rateLimitRate() > 0 && ThreadLocalRandom.current().nextDouble() < s.rateLimitRate();
        if (s.rateLimitNext() > 0 || randomRateLimit) {
            settings = with(s, Math.max(0, s.rateLimitNext() - 1), s.serverErrorNext(), s.timeoutNext());
            return new Decision(Decision.Kind.RATE_LIMIT, s.delayMs(), 429, s.retryAfterSeconds(), false);
        }
        if (s.serverErrorNext() > 0 || (s.serverErrorRate() > 0 && ThreadLocalRandom.current().nextDouble() < s.serverErrorRate())) {
            settings = with(s, s.rateLimitNext(), Math.max(0, s.serverErrorNext() - 1), s.timeoutNext());
            return new Decision(Decision.Kind.SERVER_ERROR, s.delayMs(), s.serverErrorStatus(), 0, s.faultAfterEffect());
        }
        if (s.timeoutNext() > 0) {
            settings = with(s, s.rateLimitNext(), s.serverErrorNext(), s.timeoutNext() - 1);
            return new Decision(Decision.Kind.TIMEOUT, s.delayMs(), 500, 0, s.faultAfterEffect());
        }
        return new Decision(Decision.Kind.NONE, s.delayMs(), 0, 0, false);
    }

    private static Settings with(Settings s, int rateLimitNext, int serverErrorNext, int timeoutNext) {
        return new Settings(s.down(), rateLimitNext, s.rateLimitRate(), s.retryAfterSeconds(), serverErrorNext,
                s.serverErrorRate(), s.serverErrorStatus(), s.delayMs(), timeoutNext, s.timeoutMs(), s.faultAfterEffect(),
                s.dropWebhooks(), s.passNext());
    }
}
