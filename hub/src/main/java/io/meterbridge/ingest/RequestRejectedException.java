package io.meterbridge.ingest;

/** A whole request turned away before any event in it was looked at; the route configuration answers it. */
public class RequestRejectedException extends RuntimeException {

    private final int status;
    private final RejectionReason reason;
    /** False for failed authentication: an unauthenticated request must not be able to write anything. */
    private final boolean deadLettered;

    public RequestRejectedException(int status, RejectionReason reason, boolean deadLettered) {
        super(reason.detail(), null, false, false);
        this.status = status;
        this.reason = reason;
        this.deadLettered = deadLettered;
    }

    public static RequestRejectedException unauthorized(String detail) {
        return new RequestRejectedException(401, RejectionReason.of("signature", detail), false);
    }

    public int status() {
        return status;
    }

    public RejectionReason reason() {
        return reason;
    }

    public boolean deadLettered() {
        return deadLettered;
    }
}
