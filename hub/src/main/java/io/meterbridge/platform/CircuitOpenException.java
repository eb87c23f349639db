package io.meterbridge.platform;

/**
 * The connector route's circuit breaker is open, so the call was not made. Camel's circuitBreaker EIP only flags such
 * an exchange as short-circuited (without a fallback it raises nothing), which would let a document count as sent;
 * the vendor-call template (routes/platform/vendor-call.yaml) turns the flag into this exception, which the outbox
 * row schedules like any other outage.
 */
public class CircuitOpenException extends RuntimeException {

    public CircuitOpenException(String message) {
        super(message);
    }
}
