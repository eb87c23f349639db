package io.meterbridge.billing;

import io.meterbridge.billing.connector.RejectedByVendorException;

/**
 * A Stripe meter events delivery asked to go out again after Stripe stopped deduplicating its identifiers (24 h
 * after their first use). Stripe has no lookup of single meter events, so a resend could count usage twice: the
 * delivery is refused, not retried, and left to finance (dead letter). A rejection, like one from Stripe itself.
 */
public class MeterEventResendRefusedException extends RejectedByVendorException {

    public MeterEventResendRefusedException(String message) {
        super("stripe", 0, message);
    }
}
