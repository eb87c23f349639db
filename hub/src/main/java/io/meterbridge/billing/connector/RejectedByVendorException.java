package io.meterbridge.billing.connector;

/** The platform refused the request as invalid (4xx other than 409/429): retrying the same request cannot help. */
public class RejectedByVendorException extends VendorException {

    public RejectedByVendorException(String target, int status, String message) {
        super(target, status, false, null, message, null);
    }
}
