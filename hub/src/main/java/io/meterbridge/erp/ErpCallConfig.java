package io.meterbridge.erp;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The circuit breaker of the ERP calls ({@code hub.erp.circuit-breaker.*}, docs/configuration.md), read by the
 * vendor-call instances netsuite-call and business-central-call (routes/erp/*-call.yaml); declared here so a misspelt
 * key or a bad value fails the start.
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
}
