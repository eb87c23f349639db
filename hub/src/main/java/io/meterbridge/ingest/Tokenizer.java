package io.meterbridge.ingest;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.meterbridge.platform.HubConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Replaces personal values with keyed tokens: {@code tok_<key id>_} + base64url HMAC-SHA256 under the current key. The
 * same value always gives the same token under one key, so unique counts still work, but the value cannot be read back
 * or guessed without the key. The key id lets the key be rotated: new tokens use the new key, and the data owner can
 * still find a person's old tokens ({@link #tokensUnderEveryKey}) under the keys rotated out.
 */
@ApplicationScoped
public class Tokenizer {

    public static final String PREFIX = "tok_";
    /** The key of the default run (application.properties); never acceptable in prod. */
    static final String DEFAULT_RUN_KEY = "meterbridge-default-run-token-key";
    static final int MIN_KEY_BYTES = 32;
    private static final Pattern KEY_ID = Pattern.compile("[a-z0-9]{1,8}");
    /** tok_<kid>_<43 base64url chars>, or the shape before key ids (tok_<43>), which replayed dead letters may hold. */
    private static final Pattern TOKEN_SHAPE = Pattern.compile("tok_(?:[a-z0-9]{1,8}_)?[A-Za-z0-9_-]{43}");

    private final String keyId;
    private final String prefix;
    /** Mac.getInstance + init per value was a measurable share of ingestion: one initialised Mac per thread. */
    private final ThreadLocal<Mac> macs;
    private final Map<String, SecretKeySpec> everyKey = new LinkedHashMap<>();

    public Tokenizer(HubConfig config) {
        HubConfig.Pii pii = config.pii();
        checkKey(pii.keyId(), pii.tokenKey(), pii.requireStrongKey());
        keyId = pii.keyId();
        prefix = PREFIX + keyId + "_";
        SecretKeySpec key = spec(pii.tokenKey());
        everyKey.put(keyId, key);
        pii.previousKeys().forEach((kid, secret) -> {
            checkKey(kid, secret, false);
            everyKey.putIfAbsent(kid, spec(secret));
        });
        this.macs = ThreadLocal.withInitial(() -> mac(key));
    }

    /** Refuses a malformed key id, and where a strong key is required (prod) a short or the default-run key. */
    static void checkKey(String keyId, String key, boolean requireStrong) {
        if (keyId == null || !KEY_ID.matcher(keyId).matches()) {
            throw new IllegalStateException("hub.pii.key-id: '" + keyId + "' must be 1-8 lower-case letters or digits");
        }
        if (key == null || key.isEmpty()) {
            throw new IllegalStateException("hub.pii.token-key: no key for key id " + keyId);
        }
        if (requireStrong && (key.getBytes(StandardCharsets.UTF_8).length < MIN_KEY_BYTES || key.equals(DEFAULT_RUN_KEY))) {
            throw new IllegalStateException("hub.pii.token-key (HUB_PII_TOKEN_KEY) must be a random key of at least "
                    + MIN_KEY_BYTES + " bytes, not the default-run key (generate one: openssl rand -base64 32)");
        }
    }

    public static boolean isToken(String value) {
        return value.length() >= 47 && value.length() <= 56 && value.startsWith(PREFIX) && TOKEN_SHAPE.matcher(value).matches();
    }

    public String keyId() {
        return keyId;
    }

    public String token(String value) {
        if (isToken(value)) {
            return value; // already a token: a replayed dead letter must keep its token, or unique counts drift
        }
        byte[] digest = macs.get().doFinal(value.getBytes(StandardCharsets.UTF_8));
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    /** The value's token under the current key and under every key rotated out, by key id (for the data owner). */
    public Map<String, String> tokensUnderEveryKey(String value) {
        Map<String, String> tokens = new LinkedHashMap<>();
        everyKey.forEach((kid, key) -> tokens.put(kid, PREFIX + kid + "_" + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac(key).doFinal(value.getBytes(StandardCharsets.UTF_8)))));
        return tokens;
    }

    private static SecretKeySpec spec(String key) {
        return new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    private static Mac mac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}
