package io.meterbridge.billing;

import io.meterbridge.billing.connector.RejectedByVendorException;

/**
 * A Stripe meter events delivery whose period's invoice Stripe has finalized already (the period's end plus the
 * contract's finalization grace has passed): Stripe would take the events and bill them on no invoice. Not sent, not
 * retried: dead letter with the quantities, for finance to bill by hand. A rejection, like one from Stripe itself.
 */
public class MeterEventsPastFinalizationException extends RejectedByVendorException {

    public MeterEventsPastFinalizationException(String message) {
        super("stripe", 0, message);
    }
}
