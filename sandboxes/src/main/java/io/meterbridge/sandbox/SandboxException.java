package io.meterbridge.sandbox;

/**
 * A business error raised by a sandbox's effect (not found, duplicate, wrong state), answered in the vendor's error
 * shape by {@link VendorDialect#error}. Thrown before the effect changes anything.
 */
public class SandboxException extends RuntimeException {

    private final int status;
    private final ErrorKind kind;
    private final String param;
    private final String code;

    public SandboxException(int status, ErrorKind kind, String code, String message, String param) {
        super(message, null, false, false);
        this.status = status;
        this.kind = kind;
        this.code = code;
        this.param = param;
    }

    public int status() {
        return status;
    }

    public ErrorKind kind() {
        return kind;
    }

    public String param() {
        return param;
    }

    /** The vendor's error code ("resource_missing", "duplicate_entry"...), or null. */
    public String code() {
        return code;
    }
}
