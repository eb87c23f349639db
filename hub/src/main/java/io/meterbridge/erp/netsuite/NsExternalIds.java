package io.meterbridge.erp.netsuite;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Deterministic NetSuite external ids: NetSuite accepts only {@code [A-Za-z0-9_-]}. {@link #of} joins the parts of a
 * business key with "-" and, when anything had to be replaced, appends a short hash of the original, so two different
 * keys never collapse to the same id ("a.b" and "a:b" differ).
 */
public final class NsExternalIds {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern INVALID_CHARS = Pattern.compile("[^A-Za-z0-9_-]");

    private NsExternalIds() {
    }

    /** An external id from the parts of a business key, e.g. {@code of("inv", "acme", "2026-11")}. */
    public static String of(String... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("an external id needs at least one part");
        }
        return sanitize(String.join("-", parts));
    }

    /** {@code raw} itself when valid; otherwise invalid characters replaced by "_" plus "-" and 10 hex of its SHA-256. */
    public static String sanitize(String raw) {
        if (raw == null || raw.isEmpty()) {
            throw new IllegalArgumentException("an external id must not be empty");
        }
        if (VALID.matcher(raw).matches()) {
            return raw;
        }
        return INVALID_CHARS.matcher(raw).replaceAll("_") + "-" + hash(raw);
    }

    public static boolean isValid(String externalId) {
        return externalId != null && VALID.matcher(externalId).matches();
    }

    /** Throws unless the id is in NetSuite's alphabet. */
    public static String require(String externalId) {
        if (!isValid(externalId)) {
            throw new IllegalArgumentException("NetSuite external ids may contain only [A-Za-z0-9_-], got '"
                    + externalId + "' (use NsExternalIds.sanitize)");
        }
        return externalId;
    }

    private static String hash(String raw) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(raw.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
