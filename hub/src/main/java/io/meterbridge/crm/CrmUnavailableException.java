package io.meterbridge.crm;

/** The CRM could not take the request now (unreachable, timeout, 429, 5xx): route crm-connector redelivers it. */
public class CrmUnavailableException extends Exception {

    public CrmUnavailableException(String message) {
        super(message);
    }

    public CrmUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
