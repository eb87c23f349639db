package io.meterbridge.ingest;

/**
 * Why an event or a request was turned away. The code is a low-cardinality metric tag; the detail names the field.
 */
public record RejectionReason(String code, String detail) {

    public static RejectionReason of(String code, String detail) {
        return new RejectionReason(code, detail);
    }

    @Override
    public String toString() {
        return detail;
    }
}
