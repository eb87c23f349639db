package io.meterbridge.billing.connector;

/**
 * The connector route's circuit breaker is open, so the call was not made. Camel's circuitBreaker EIP only flags such
 * an exchange as short-circuited (without a fallback it raises nothing), which would let a document count as sent;
 * the connector routes turn the flag into this exception, which billing-sync retries like any other outage.
 */
public class CircuitOpenException extends RuntimeException {

    public CircuitOpenException(String message) {
        super(message);
    }
}
