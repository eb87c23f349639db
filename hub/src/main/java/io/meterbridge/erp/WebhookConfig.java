package io.meterbridge.erp;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Billing documents coming back from the platforms ({@code hub.erp.webhooks.*}), docs/configuration.md. */
@ConfigMapping(prefix = "hub.erp.webhooks")
public interface WebhookConfig {

    /** Stripe's webhook endpoint signing secret (whsec_...). Secret: HUB_STRIPE_WEBHOOK_SECRET in prod, never logged. */
    String stripeSecret();

    /** How old a Stripe-Signature timestamp may be (Stripe's libraries use 5 minutes). */
    @WithDefault("PT5M")
    Duration stripeTolerance();

    /** Basic-auth user Chargebee's webhook is configured with. */
    String chargebeeUsername();

    /** Basic-auth password of Chargebee's webhook. Secret: HUB_CHARGEBEE_WEBHOOK_PASSWORD in prod, never logged. */
    String chargebeePassword();

    /** How often the polling fallback lists the platforms' events (billing-documents-poll). */
    @WithDefault("5m")
    String pollInterval();

    /** How far back the polling fallback lists platform events. */
    @WithDefault("P3D")
    Duration pollLookback();
}
