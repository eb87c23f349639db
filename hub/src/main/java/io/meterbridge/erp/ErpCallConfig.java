package io.meterbridge.erp;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The circuit breaker of the ERP calls ({@code hub.erp.circuit-breaker.*}, docs/configuration.md), read by the
 * vendor-call instances netsuite-call and business-central-call (routes/erp/*-call.yaml); declared here so a misspelt
 * key or a bad value fails, and checked by the connectors against their http timeouts.
 */
@ConfigMapping(prefix = "hub.erp.circuit-breaker")
public interface ErpCallConfig {

    /** Calls the breaker looks at before it may open (it opens when half of them failed). */
    @WithDefault("10")
    int requestVolume();

    /** How long the breaker stays open before a trial call, in ms. */
    @WithDefault("5000")
    long delayMs();

    /** The longest one call may take, answer included, in ms: longer than the http endpoints' timeouts. */
    @WithDefault("40000")
    long timeoutMs();

    /**
     * The breaker's timeout must leave the http endpoint its own: otherwise every slow answer is cut by the breaker
     * (and counted as its failure) before the endpoint's timeout could say what happened.
     */
    default void requireLongerThan(long httpTimeoutMs, String key) {
        if (timeoutMs() <= httpTimeoutMs) {
            throw new IllegalStateException("hub.erp.circuit-breaker.timeout-ms (" + timeoutMs()
                    + ") must be longer than " + key + " (" + httpTimeoutMs + ")");
        }
    }
}
