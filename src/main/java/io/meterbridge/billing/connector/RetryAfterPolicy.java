package io.meterbridge.billing.connector;

import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Called by the connector routes' error handler as soon as a call fails (onExceptionOccurred): when the platform
 * said how long to wait (429 with Retry-After), the next redelivery waits that long plus up to 20 % jitter, instead
 * of the exponential backoff. Camel reads the delay from the {@code CamelRedeliveryDelay} header.
 */
@Named("retryAfterPolicy")
@ApplicationScoped
public class RetryAfterPolicy implements Processor {

    @Override
    public void process(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (error == null) {
            error = exchange.getException();
        }
        VendorException vendor = VendorException.find(error);
        if (vendor != null && vendor.retryAfter() != null) {
            long wait = vendor.retryAfter().toMillis();
            long jitter = (long) (wait * 0.2 * ThreadLocalRandom.current().nextDouble());
            exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, wait + jitter);
        } else {
            exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
        }
    }
}
