package io.meterbridge.platform;

/** A decision on a request that is no longer pending (decided already, by whom and when is in the message). */
public class ApprovalConflictException extends RuntimeException {

    public ApprovalConflictException(String message) {
        super(message);
    }
}
