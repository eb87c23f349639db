package io.meterbridge.billing;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One document for one billing platform, written by period close into the billing_delivery outbox.
 *
 * @param id     deterministic: the root of every idempotency key its requests carry
 * @param target the billing system (stripe, chargebee): which connector sends it
 */
public record BillingDelivery(String id, String target, Kind kind, String contractKey, ObjectNode payload) {

    public enum Kind {
        /** Hub rates, Stripe: a draft invoice, one invoice item per charge line, then finalize. */
        STRIPE_INVOICE,
        /** Platform rates, Stripe: one meter event per usage summary, identifier = the summary's key. */
        STRIPE_METER_EVENTS,
        /** Hub rates, Chargebee: one invoice for the period's charges. */
        CHARGEBEE_INVOICE,
        /** Platform rates, Chargebee: one usage per summary, id = the summary's key. */
        CHARGEBEE_USAGES,
        /** Platform rates, Stripe: the prepaid credit drawn for the period, a negative item on its draft invoice. */
        STRIPE_CREDIT_ITEM
    }
}
