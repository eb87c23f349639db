package io.meterbridge.ingest;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.meterbridge.platform.HubConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Replaces personal values with keyed tokens ({@code tok_} + base64url HMAC-SHA256). The same value always gives
 * the same token under one key, so unique counts still work, but the value cannot be read back or guessed
 * without the key.
 */
@ApplicationScoped
public class Tokenizer {

    public static final String PREFIX = "tok_";

    /** Mac.getInstance + init per value was a measurable share of ingestion: one initialised Mac per thread. */
    private final ThreadLocal<Mac> macs;

    public Tokenizer(HubConfig config) {
        SecretKeySpec key = new SecretKeySpec(config.pii().tokenKey().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HMAC-SHA256 unavailable", e);
            }
        });
    }

    private static final java.util.regex.Pattern TOKEN_SHAPE = java.util.regex.Pattern.compile("tok_[A-Za-z0-9_-]{43}");

    public static boolean isToken(String value) {
        return value.length() == 47 && TOKEN_SHAPE.matcher(value).matches();
    }

    public String token(String value) {
        if (isToken(value)) {
            return value; // already a token: a replayed dead letter must keep its token, or unique counts drift
        }
        byte[] digest = macs.get().doFinal(value.getBytes(StandardCharsets.UTF_8));
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }
}
