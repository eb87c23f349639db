package io.meterbridge.producer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Meterbridge signature: {@code Meterbridge-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>}, keyed with the
 * source's secret. Structured mode signs {@code "<t>." + body}; binary mode signs {@code "<t>."}, each attribute as
 * {@code name:value\n} in name order, an empty line, then the body (docs/api/ingest.md#signature).
 */
public final class Signer {

    public static final String HEADER = "Meterbridge-Signature";

    private final byte[] secret;

    public Signer(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("secret is required");
        }
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    /** The header value for a structured-mode body. */
    public String sign(long unixSeconds, byte[] body) {
        return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(hmac(unixSeconds, body));
    }

    /** The header value for a binary-mode message: {@code attributes} without prefix (id, source, ...). */
    public String signBinary(long unixSeconds, Map<String, String> attributes, byte[] body) {
        ByteArrayOutputStream signed = new ByteArrayOutputStream();
        new TreeMap<>(attributes).forEach((name, value) ->
                signed.writeBytes((name + ":" + value + "\n").getBytes(StandardCharsets.UTF_8)));
        signed.write('\n');
        signed.writeBytes(body);
        return sign(unixSeconds, signed.toByteArray());
    }

    private byte[] hmac(long unixSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((unixSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
