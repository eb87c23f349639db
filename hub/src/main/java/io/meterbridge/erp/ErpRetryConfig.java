package io.meterbridge.erp;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Re-attempts of a failed ERP posting ({@code hub.erp.retry.*}, docs/configuration.md): written on the posting's row
 * and published again by the outbox relay when due, so no wait holds the erp-sync consumer. An ERP's Retry-After
 * takes precedence over the backoff.
 */
@ConfigMapping(prefix = "hub.erp.retry")
public interface ErpRetryConfig {

    /** Attempts after the first before the posting is FAILED. */
    @WithDefault("12")
    int maximumRedeliveries();

    @WithDefault("1000")
    long initialDelayMs();

    /** Cap of the exponential backoff (a Retry-After may ask for longer). */
    @WithDefault("300000")
    long maximumDelayMs();
}
