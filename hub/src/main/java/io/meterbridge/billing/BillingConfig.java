package io.meterbridge.billing;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Rating and billing sync settings ({@code hub.billing.*}), documented in docs/configuration.md. Values the routes
 * read as {@code {{placeholders}}} (intervals, limits, retry policy) are set in application.properties too.
 */
@ConfigMapping(prefix = "hub.billing")
public interface BillingConfig {

    /** Folder of the price books (currency rules and price versions). */
    @WithDefault("${hub.mappings-dir}/price-books")
    String priceBooksDir();

    /** How often the period-close route looks for periods past their end and grace period. */
    @WithDefault("1m")
    String closeInterval();

    /**
     * How long a close waits for metering to commit every event accepted before the close started; past it the close
     * is deferred (the scheduler tries again at its next tick, a manual close answers 409).
     */
    @WithDefault("PT10S")
    Duration closeMeteringWait();

    /** How often the late-usage-corrections route looks for late usage of closed periods. */
    @WithDefault("5m")
    String lateUsageInterval();

    /** How often the usage-report route sends ended days of platform-rated contracts. */
    @WithDefault("5m")
    String usageReportInterval();

    /** How long after a day ends it is reported (events of the day still arriving). */
    @WithDefault("PT1H")
    Duration usageReportDelay();

    /** How far back unreported days are looked for (Stripe takes meter events up to 35 days old). */
    @WithDefault("P30D")
    Duration usageReportLookback();

    /** How often route correction-issue issues APPROVED corrections as delta documents (billing deliveries). */
    @WithDefault("5s")
    String correctionInterval();

    /** How often the outbox publishes deliveries written by period close. */
    @WithDefault("1s")
    String outboxInterval();

    /** A published delivery still undelivered after this long is published again (safe: every write is idempotent). */
    @WithDefault("PT10M")
    Duration republishAfter();

    /** Kafka consumer group of the billing-sync route. */
    @WithDefault("meterbridge-billing-sync")
    String consumerGroup();

    Retry retry();

    CircuitBreaker circuitBreaker();

    /** One circuit breaker per platform (connector route), SmallRye Fault Tolerance. */
    interface CircuitBreaker {
        /** Calls in the rolling window; it opens when half of them failed. */
        @WithDefault("10")
        int requestVolume();

        /** How long it stays open before a trial call. */
        @WithDefault("5000")
        long delayMs();

        /** A call running longer than this counts as failed. */
        @WithDefault("15000")
        long timeoutMs();
    }

    Stripe stripe();

    Chargebee chargebee();

    /** Retries of a call to a billing platform: exponential backoff with jitter; a Retry-After answer takes precedence. */
    interface Retry {
        @WithDefault("8")
        int maximumRedeliveries();

        @WithDefault("500")
        long initialDelayMs();

        @WithDefault("30000")
        long maximumDelayMs();
    }

    interface Stripe {
        /** Stripe's API base (https://api.stripe.com in prod; the built-in sandbox in the default run and tests). */
        String baseUrl();

        /** Secret API key (sk_...). Secret: from HUB_STRIPE_API_KEY in prod, never logged. */
        String apiKey();

        /** Stripe-Version header the connector pins. */
        @WithDefault("2024-04-10")
        String apiVersion();

        /** Operations per second the throttle lets through (Stripe: 100 live, 25 in sandbox mode). */
        @WithDefault("25")
        int requestsPerSecond();

        /** Connect and response timeout of one call, in ms (read by the stripe-call route as its http endpoint's). */
        @WithDefault("10000")
        int timeoutMs();
    }

    interface Chargebee {
        /** Chargebee API base, https://{site}.chargebee.com in prod. */
        String baseUrl();

        /** API key, sent as the basic-auth user name. Secret: from HUB_CHARGEBEE_API_KEY in prod, never logged. */
        String apiKey();

        /** Calls per minute of the site's plan (150, 1,000 or 3,500). */
        @WithDefault("150")
        int requestsPerMinute();

        /** Connect and response timeout of one call, in ms (read by the chargebee-call route). */
        @WithDefault("10000")
        int timeoutMs();
    }
}
