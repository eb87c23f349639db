package io.meterbridge.crm;

/**
 * The CRM refused the request (invalid session, validation error) or it cannot be made (no CRM account): a
 * redelivery would get the same answer, so the alert is recorded as failed at once and tried again on a later tick.
 */
public class CrmRejectedException extends Exception {

    public CrmRejectedException(String message) {
        super(message);
    }
}
