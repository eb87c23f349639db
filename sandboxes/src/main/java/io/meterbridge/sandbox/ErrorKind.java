package io.meterbridge.sandbox;

/** The kinds of errors a sandbox answers; each vendor dialect maps them to its own error shape. */
public enum ErrorKind {
    /** Missing or wrong parameter (400). */
    INVALID_REQUEST,
    /** Missing or wrong credentials (401). */
    AUTHENTICATION,
    /** Too many requests (429, with Retry-After). */
    RATE_LIMIT,
    /** Same idempotency key, other parameters (400) or still executing (409). */
    IDEMPOTENCY,
    /** Unknown object (404). */
    NOT_FOUND,
    /** The object is not in a state that allows the request (already paid, not finalized...) (400). */
    INVALID_STATE,
    /** An object with that id already exists (400). */
    DUPLICATE,
    /** Internal error or outage (500, 503). */
    SERVER_ERROR
}
