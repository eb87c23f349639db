package io.meterbridge.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * How producers' credentials rest in PostgreSQL. HMAC secrets must be readable by the hub (it recomputes the HMAC), so
 * they are encrypted (AES-256-GCM, key from the environment: {@code hub.sources.secret-key}); a database dump alone does
 * not reveal them. API keys only need to be recognised, so only their SHA-256 is stored.
 */
@ApplicationScoped
public class SourceSecrets {

    static final String PREFIX = "enc:v1:";
    static final String DEFAULT_RUN_KEY = "meterbridge-default-run-source-key";
    private static final int IV_BYTES = 12;

    @ConfigMapping(prefix = "hub.sources.secrets")
    public interface Settings {
        /** Key that encrypts the sources' HMAC secrets at rest (any string; its SHA-256 is the AES key). */
        @WithDefault(DEFAULT_RUN_KEY)
        String encryptionKey();

        /** Refuse the default-run or a short key at start-up: on in prod. */
        @WithDefault("false")
        boolean requireStrongKey();
    }

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    public SourceSecrets(Settings settings) {
        String configured = settings.encryptionKey();
        if (settings.requireStrongKey() && (configured.getBytes(StandardCharsets.UTF_8).length < 32
                || configured.equals(DEFAULT_RUN_KEY))) {
            throw new IllegalStateException("hub.sources.secrets.encryption-key (HUB_SOURCE_SECRETS_KEY) must be a random"
                    + " key of at least 32 bytes, not the default-run key");
        }
        key = new SecretKeySpec(sha256(configured.getBytes(StandardCharsets.UTF_8)), "AES");
    }

    public String encrypt(String secret) {
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(iv.length + sealed.length).put(iv)
                    .put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** Throws when the value was not sealed with this key (a changed key, or a value not written by the hub). */
    public String decrypt(String stored) {
        if (!stored.startsWith(PREFIX)) {
            throw new IllegalStateException("a source secret in the database is not encrypted");
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, bytes, 0, IV_BYTES));
            return new String(cipher.doFinal(bytes, IV_BYTES, bytes.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("a source secret cannot be decrypted with hub.sources.secrets.encryption-key", e);
        }
    }

    /** What is stored for an API key: its SHA-256, hex. API keys are long random strings, so no salt is needed. */
    public static String apiKeyHash(String apiKey) {
        return HexFormat.of().formatHex(sha256(apiKey.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
