package io.meterbridge.security;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * A tiny OpenID Connect provider for tests: a discovery document and a JWKS served on a loopback port, and signed
 * access tokens with Keycloak-style roles ({@code realm_access.roles}). It stands in for the identity provider that
 * prod trusts; the hub under test checks its tokens exactly as it would a real provider's.
 */
public final class LocalTokenIssuer {

    public static final String AUDIENCE = "meterbridge";
    private static LocalTokenIssuer instance;

    private final HttpServer server;
    private final RsaJsonWebKey key;
    private final RsaJsonWebKey strangerKey;
    private final String issuer;

    private LocalTokenIssuer() throws IOException, JoseException {
        key = RsaJwkGenerator.generateJwk(2048);
        key.setKeyId("hub-test-1");
        strangerKey = RsaJwkGenerator.generateJwk(2048);
        strangerKey.setKeyId("hub-test-1"); // same kid, other key: a forged token
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/meterbridge";
        server.createContext("/realms/meterbridge/.well-known/openid-configuration", exchange -> json(exchange, """
                {"issuer":"%1$s","jwks_uri":"%1$s/protocol/openid-connect/certs",
                 "token_endpoint":"%1$s/protocol/openid-connect/token",
                 "authorization_endpoint":"%1$s/protocol/openid-connect/auth",
                 "id_token_signing_alg_values_supported":["RS256"]}""".formatted(issuer)));
        server.createContext("/realms/meterbridge/protocol/openid-connect/certs",
                exchange -> json(exchange, new JsonWebKeySet(key).toJson()));
        server.start();
    }

    public static synchronized LocalTokenIssuer get() {
        if (instance == null) {
            try {
                instance = new LocalTokenIssuer();
            } catch (IOException | JoseException e) {
                throw new IllegalStateException("cannot start the local token issuer", e);
            }
        }
        return instance;
    }

    public String issuer() {
        return issuer;
    }

    /** A valid access token for {@code user} with these roles, for five minutes. */
    public String token(String user, String... roles) {
        return sign(claims(user, roles, 5), key);
    }

    /** A token that expired ten minutes ago. */
    public String expiredToken(String user, String... roles) {
        return sign(claims(user, roles, -10), key);
    }

    /** A well-formed token signed by a key the issuer never published. */
    public String forgedToken(String user, String... roles) {
        return sign(claims(user, roles, 5), strangerKey);
    }

    private JwtClaims claims(String user, String[] roles, int minutes) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setAudience(AUDIENCE);
        claims.setSubject("sub-" + user);
        claims.setClaim("preferred_username", user);
        claims.setClaim("realm_access", java.util.Map.of("roles", List.of(roles)));
        long now = System.currentTimeMillis() / 1000;
        claims.setIssuedAt(NumericDate.fromSeconds(minutes < 0 ? now - 3600 : now));
        claims.setExpirationTime(NumericDate.fromSeconds(now + minutes * 60L));
        return claims;
    }

    private static String sign(JwtClaims claims, RsaJsonWebKey signingKey) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(signingKey.getPrivateKey());
        jws.setKeyIdHeaderValue(signingKey.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void json(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
