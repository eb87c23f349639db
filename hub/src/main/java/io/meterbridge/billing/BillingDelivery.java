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
        /**
         * A correction's credit note on a Stripe invoice the hub issued (issue 12). Payload: contractKey,
         * correctionId, periodStart, periodEnd (epoch s), customer, currency, invoiceDeliveryId (the billing_delivery
         * whose external_id is the credited invoice), reason, and lines [{key, lineNo, metric, description,
         * amountMinor, amount}] with positive amounts: what is credited. A delta invoice (the customer owes more) is
         * a STRIPE_INVOICE whose payload has correctionId instead of closeId.
         */
        STRIPE_CREDIT_NOTE,
        /** The same for Chargebee (customerId, subscriptionId instead of customer); delta invoices: CHARGEBEE_INVOICE. */
        CHARGEBEE_CREDIT_NOTE,
        /** Platform rates, Stripe: the prepaid credit drawn for the period, a negative item on its draft invoice. */
        STRIPE_CREDIT_ITEM
    }
}
