package io.meterbridge.billing;

/**
 * A credit note whose invoice (the period's invoice delivery) is not delivered yet: the attempt fails and the
 * delivery is retried on its row (billing-retry), like any other failed attempt, until the invoice exists.
 */
public class CreditedInvoiceNotDeliveredException extends RuntimeException {

    public CreditedInvoiceNotDeliveredException(String message) {
        super(message);
    }
}
