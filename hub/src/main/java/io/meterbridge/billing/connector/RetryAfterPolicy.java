package io.meterbridge.billing.connector;

import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Called by the billing-sync and erp-sync error handlers as soon as a call fails (onExceptionOccurred): when the platform
 * said how long to wait (429 with Retry-After), the next redelivery waits that long plus up to 20 % jitter, instead
 * of the exponential backoff. Camel reads the delay from the {@code CamelRedeliveryDelay} header.
 */
@Named("retryAfterPolicy")
@ApplicationScoped
public class RetryAfterPolicy implements Processor {

    private static final long MAX_WAIT_MS = 60_000;

    @Override
    public void process(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (error == null) {
            error = exchange.getException();
        }
        java.time.Duration retryAfter = retryAfter(error);
        if (retryAfter != null) {
            // Capped: a platform asking for minutes would hold the consumer past Kafka's poll interval.
            long wait = Math.min(retryAfter.toMillis(), MAX_WAIT_MS);
            long jitter = (long) (wait * 0.2 * ThreadLocalRandom.current().nextDouble());
            exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, wait + jitter);
        } else {
            exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
        }
    }

    private static java.time.Duration retryAfter(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof VendorException vendor) {
                return vendor.retryAfter();
            }
            if (t instanceof io.meterbridge.erp.ErpException erp) {
                return erp.retryAfter();
            }
        }
        return null;
    }
}
