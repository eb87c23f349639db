package io.meterbridge.billing;

import java.time.Duration;
import java.time.Instant;

import io.meterbridge.masterdata.BillingPeriod;
import io.meterbridge.masterdata.MasterData.BillingMode;
import io.meterbridge.masterdata.MasterData.Contract;

/**
 * When a platform-rated contract's usage must reach Stripe. Stripe bills a period's meter events on the invoice it
 * creates when the period ends and finalizes {@code finalizationGrace} later (1 h by default, up to 72 h): an event
 * that arrives after that is on no invoice at all. So for a Stripe PLATFORM_RATES contract the last day's report and
 * the close (which sends late corrections and the metrics that do not add up: peak, distinct, latest) both happen
 * within the first half of the grace, leaving the other half for retries, whatever the contract's own grace period
 * for late events says. Other contracts keep their grace period and the configured report delay.
 */
final class PlatformTiming {

    private PlatformTiming() {
    }

    static boolean stripeMeters(Contract contract) {
        return contract.billingMode() == BillingMode.PLATFORM_RATES && "stripe".equalsIgnoreCase(contract.billingSystem());
    }

    /** How long after a period's end the scheduler closes it. */
    static Duration closeDelay(Contract contract) {
        return stripeMeters(contract) ? min(contract.gracePeriod(), half(contract)) : contract.gracePeriod();
    }

    /** How long after a day's end the daily report sends it. */
    static Duration reportDelay(Contract contract, Duration configured) {
        return stripeMeters(contract) ? min(configured, half(contract)) : configured;
    }

    /** The moment the platform finalizes the period's invoice: usage sent later is billed nowhere. */
    static Instant billableUntil(Contract contract, BillingPeriod period) {
        return period.end().plus(contract.invoicing().finalizationGrace());
    }

    private static Duration half(Contract contract) {
        return contract.invoicing().finalizationGrace().dividedBy(2);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
