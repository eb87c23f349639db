package io.meterbridge.platform;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Camel redelivery that honours a vendor's Retry-After: used as {@code onExceptionOccurredRef} of an onException
 * clause, it runs after each failed attempt and before Camel computes the next delay. A failure carrying a
 * Retry-After ({@link RetryAfterAware}) sets {@code CamelRedeliveryDelay} to it, which replaces the policy's backoff for
 * that attempt; any other failure clears it, so an earlier attempt's wait does not stick.
 */
@ApplicationScoped
@Named("retryAfterRedelivery")
public class RetryAfterRedelivery implements Processor {

    @Override
    public void process(Exchange exchange) {
        Duration wait = null;
        Throwable error = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        for (Throwable t = error; t != null && wait == null; t = t.getCause()) {
            if (t instanceof RetryAfterAware aware) {
                wait = aware.retryAfter();
            }
        }
        if (wait == null) {
            exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
        } else {
            exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, wait.toMillis());
        }
    }
}
