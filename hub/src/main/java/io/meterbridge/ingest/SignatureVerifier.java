package io.meterbridge.ingest;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks {@code Meterbridge-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">}. Several v1 values
 * may be present while a source rotates its secret; one matching any of the source's secrets is enough.
 */
public final class SignatureVerifier {

    public static final String HEADER = "Meterbridge-Signature";

    private SignatureVerifier() {
    }

    public record Signature(long timestamp, List<byte[]> candidates) {
    }

    /** Parses the header, or throws a 401 naming what is wrong with it. */
    public static Signature parse(String header) {
        if (header == null || header.isBlank()) {
            throw RequestRejectedException.unauthorized("missing " + HEADER + " header");
        }
        Long timestamp = null;
        List<byte[]> candidates = new ArrayList<>();
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw RequestRejectedException.unauthorized(HEADER + " is malformed: expected t=<unix seconds>,v1=<hex>");
            }
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            try {
                if (key.equals("t")) {
                    timestamp = Long.parseLong(value);
                } else if (key.equals("v1")) {
                    candidates.add(HexFormat.of().parseHex(value));
                }
            } catch (IllegalArgumentException e) {
                throw RequestRejectedException.unauthorized(HEADER + " has an unreadable " + key + " value");
            }
        }
        if (timestamp == null) {
            throw RequestRejectedException.unauthorized(HEADER + " has no t=<unix seconds>");
        }
        if (candidates.isEmpty()) {
            throw RequestRejectedException.unauthorized(HEADER + " has no v1=<hex HMAC-SHA256>");
        }
        return new Signature(timestamp, candidates);
    }

    /** Throws a 401 when the signature is older or newer than the tolerance allows. */
    public static void checkFreshness(Signature signature, Instant reference, Duration tolerance) {
        long skew = Math.abs(reference.getEpochSecond() - signature.timestamp());
        if (skew > tolerance.toSeconds()) {
            throw RequestRejectedException.unauthorized(
                    "signature timestamp is " + skew + " s away from the hub's clock (tolerance " + tolerance.toSeconds() + " s)");
        }
    }

    /** True when one of the signature's v1 values is the HMAC of the payload under one of the secrets. */
    public static boolean matches(Signature signature, byte[] body, List<String> secrets) {
        for (String secret : secrets) {
            byte[] expected = hmac(secret, signature.timestamp(), body);
            for (byte[] candidate : signature.candidates()) {
                if (MessageDigest.isEqual(expected, candidate)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The header value a Java producer sends (bin/send-events computes the same with openssl). */
    public static String sign(String secret, long timestamp, byte[] body) {
        return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(hmac(secret, timestamp, body));
    }

    static byte[] hmac(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}
