package io.meterbridge.billing.connector;

import org.apache.camel.Exchange;

/**
 * Told by the Stripe connector, before the error goes back to the route, that Stripe answered a POST 500 and saved
 * that answer under the call's idempotency key: the document code then moves its delivery to fresh keys. Defined
 * here, implemented by the document layer above (StripeDocuments), so the connector depends on nothing above it.
 */
public interface SavedServerErrors {

    void saved(Exchange exchange, String idempotencyKey) throws Exception;
}
