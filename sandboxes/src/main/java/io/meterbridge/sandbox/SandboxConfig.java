package io.meterbridge.sandbox;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Settings of the built-in vendor sandboxes ({@code hub.sandbox.*}), documented in docs/configuration.md. A mapping of
 * its own (not part of {@code HubConfig}) so that sandboxes can be added without touching the hub's settings.
 */
@ConfigMapping(prefix = "hub.sandbox")
public interface SandboxConfig {

    /** Serve the sandboxes under /sandbox/...; off in prod, where every sandbox path answers 404. */
    @WithDefault("true")
    boolean enabled();

    /** How long idempotency keys (and Stripe meter event identifiers) are remembered: the vendors keep them 24 h. */
    @WithDefault("PT24H")
    Duration idempotencyRetention();

    /** How long an injected timeout holds a request before it answers 500: longer than a client waits. */
    @WithDefault("PT30S")
    Duration timeoutHold();

    /** Most requests kept by each sandbox's request journal (oldest dropped first). */
    @WithDefault("10000")
    int journalSize();

    /** Delivery attempts per webhook (the first one included) before it is marked failed. Stripe retries for 3 days. */
    @WithDefault("5")
    int webhookAttempts();

    /** Wait before the first retry of a failed webhook; doubled at each further retry. */
    @WithDefault("PT2S")
    Duration webhookBackoff();

    /** Connect and response timeout of one webhook delivery. */
    @WithDefault("PT10S")
    Duration webhookTimeout();

    Stripe stripe();

    Chargebee chargebee();

    Crm crm();

    interface Crm {
        /** Secret: the OAuth bearer token the CRM sandbox accepts (the hub sends it as hub.crm.access-token). */
        @WithDefault("meterbridge-crm-sandbox-token")
        String accessToken();
    }

    interface Stripe {
        /** Stripe's published overall limit: 25 operations/s in sandbox (test) mode, 100 in live mode. */
        @WithDefault("25")
        int operationsPerSecond();

        /** Stripe's published limit of POST /v1/billing/meter_events. */
        @WithDefault("1000")
        int meterEventsPerSecond();

        /** When set, only this secret key is accepted; otherwise any well-formed sk_test_/sk_live_ key. */
        Optional<String> apiKey();

        /** Where events are POSTed (the hub's Stripe webhook endpoint); none: events are only listed. */
        Optional<String> webhookUrl();

        /** Secret: the endpoint's signing secret ({@code Stripe-Signature} HMAC key). Never logged. */
        @WithDefault("whsec_meterbridge_sandbox")
        String webhookSecret();
    }

    interface Chargebee {
        /** Chargebee's published limit by plan: 150 (starter), 1000 or 3500 calls per minute. */
        @WithDefault("150")
        int callsPerMinute();

        /** When set, only this API key is accepted; otherwise any non-empty key (basic auth user, empty password). */
        Optional<String> apiKey();

        /** Where events are POSTed (the hub's Chargebee webhook endpoint); none: events are only listed. */
        Optional<String> webhookUrl();

        /** User name of the webhook's HTTP basic auth, as configured on a Chargebee webhook. */
        @WithDefault("meterbridge")
        String webhookUsername();

        /** Secret: password of the webhook's HTTP basic auth. Never logged. */
        @WithDefault("chargebee-webhook-secret")
        String webhookPassword();
    }
}
