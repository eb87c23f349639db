package io.meterbridge.sandbox.bc;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.meterbridge.sandbox.SandboxRequest;

/**
 * Access tokens of the sandbox's OAuth 2.0 client-credentials endpoint: opaque random strings (not JWTs) bound to the
 * client id, which is the "user" BC's per-user limits count against. Valid for 3,599 s, like Entra ID's.
 */
final class BcTokens {

    static final Duration LIFETIME = Duration.ofSeconds(3599);
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Issued(String clientId, long expiresAtMillis) {
    }

    private final Map<String, Issued> issued = new ConcurrentHashMap<>();

    /** A new token for {@code clientId}. */
    String issue(String clientId) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = "bcsbx." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        long now = System.currentTimeMillis();
        issued.put(token, new Issued(clientId, now + LIFETIME.toMillis()));
        if (issued.size() > 10_000) {
            issued.values().removeIf(i -> i.expiresAtMillis() <= now);
        }
        return token;
    }

    /** The client id a valid token was issued to, or null (unknown or expired). */
    String user(String token) {
        Issued i = issued.get(token);
        return i == null || i.expiresAtMillis() <= System.currentTimeMillis() ? null : i.clientId();
    }

    /** The user of the request's bearer token, or null. */
    String userOf(SandboxRequest request) {
        String header = request.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return user(header.substring(7).trim());
    }

    /** Forgets every token (tests of expiry). */
    void revokeAll() {
        issued.clear();
    }
}
