package io.meterbridge.billing.connector;

import java.util.Map;

/**
 * One HTTP request to a billing platform, built by a document route and sent by that platform's connector.
 *
 * @param params         form parameters as nested maps and lists (encoded with bracket notation); empty for GET
 * @param idempotencyKey deterministic key of the write (null for reads)
 */
public record VendorCall(String method, String path, Map<String, Object> params, String idempotencyKey) {

    public static VendorCall post(String path, Map<String, Object> params, String idempotencyKey) {
        return new VendorCall("POST", path, params, idempotencyKey);
    }

    /** A read; {@code pathAndQuery} carries its query string, already encoded. */
    public static VendorCall get(String pathAndQuery) {
        return new VendorCall("GET", pathAndQuery, Map.of(), null);
    }
}
