package io.meterbridge.crm;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The CRM system API ({@code hub.crm.*}, documented in docs/configuration.md). A mapping of its own next to
 * {@code HubConfig}: SmallRye checks unknown {@code hub.*} keys against all mappings together.
 */
@ConfigMapping(prefix = "hub.crm")
public interface CrmConfig {

    /** Base URL of the CRM's REST API, without {@code /services/data/...}. */
    String baseUrl();

    /** Secret: the OAuth bearer token sent as {@code Authorization: Bearer ...}. Never logged. */
    String accessToken();

    /** Most Task requests per {@link #rateLimitPeriodMs()} (throttle of route crm-call). */
    @WithDefault("10")
    int rateLimit();

    @WithDefault("1000")
    long rateLimitPeriodMs();

    /** Connect and response timeout of one CRM request in ms (route crm-call's http endpoint). */
    @WithDefault("10000")
    int requestTimeoutMs();

    /** The circuit breaker of route crm-call (vendor-call template). */
    CircuitBreaker circuitBreaker();

    interface CircuitBreaker {
        /** Calls in the rolling window before the breaker may open (at half of them failed). */
        @WithDefault("20")
        int requestVolume();

        /** How long the breaker stays open before a trial call, in ms. */
        @WithDefault("5000")
        long delayMs();

        /** The longest a call may take, answer included, in ms. */
        @WithDefault("15000")
        long timeoutMs();
    }

    /** Redeliveries of a failed CRM request within one dispatch (route configuration crm-connector-errors). */
    @WithDefault("5")
    int maxRedeliveries();

    /** First redelivery delay in ms; doubled each time, with jitter, up to {@link #maxRedeliveryDelayMs()}. */
    @WithDefault("1000")
    long redeliveryDelayMs();

    @WithDefault("30000")
    long maxRedeliveryDelayMs();

    /** Longest Retry-After of a 429 the redelivery waits for; longer ones are capped to this. */
    @WithDefault("PT60S")
    Duration maxRetryAfter();
}
