package io.meterbridge.billing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Deterministic ids and idempotency keys: derived from what is sent (contract, period, line), never random, so a
 * retry, a replay or a second instance produces the same key and the platform applies the write once.
 * <p>
 * The derivation is injective: a value already in the id alphabet (and not too long) is kept as it is, so the ids
 * of existing rows stay what they were; any other value gets its characters replaced AND a hash of the original
 * appended, so {@code acme.eu} ({@code acme_eu-<hash>}) never shares an id with {@code acme_eu} ({@code acme_eu}).
 */
public final class DeliveryIds {

    /** Longest value kept as it is; longer ones are shortened to a readable prefix plus the hash. */
    static final int MAX_PART = 64;
    /** Longest metric segment (usage identifiers must stay within Stripe's 100 characters). */
    static final int MAX_SEGMENT = 40;
    private static final int HASH = 10;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_]+");

    private DeliveryIds() {
    }

    /**
     * A value (a contract key, an ERP customer id, a platform document id) as one part of an id, in
     * [A-Za-z0-9_-], the alphabet every platform accepts in ids and external ids. Only one part of a composite id may
     * contain "-" (the others are {@link #segment}s or fixed-width), so the composite stays unambiguous.
     */
    public static String safe(String value) {
        return encode(value, ID, MAX_PART, "-");
    }

    /**
     * A value as a segment that never contains "-" ([A-Za-z0-9_]): for a name that sits between "-" separators next
     * to a {@link #safe} part, e.g. the metric in {@code mb-<contract>-<metric>-}.
     */
    public static String segment(String value) {
        return encode(value, SEGMENT, MAX_SEGMENT, "_");
    }

    private static String encode(String value, Pattern alphabet, int max, String separator) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("an id part must not be empty");
        }
        if (alphabet.matcher(value).matches() && value.length() <= max) {
            return value;
        }
        String readable = value.replaceAll(alphabet == ID ? "[^A-Za-z0-9_-]" : "[^A-Za-z0-9_]", "_");
        int keep = max - HASH - separator.length();
        return (readable.length() > keep ? readable.substring(0, keep) : readable) + separator + hash(value);
    }

    private static String hash(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
