package io.meterbridge.erp.netsuite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.meterbridge.erp.ErpException;
import io.meterbridge.platform.ClientCredentialTokens;
import io.quarkus.oidc.client.OidcClients;
import io.quarkus.oidc.client.runtime.OidcClientConfig;
import io.quarkus.oidc.common.runtime.config.OidcClientCommonConfig.Credentials.Secret.Method;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * NetSuite's OAuth 2.0 access tokens through quarkus-oidc-client, for {@code hub.erp.netsuite.auth} = {@code oauth2}
 * (client credentials, the client id and secret as HTTP basic) or {@code m2m} (client credentials, the client
 * authenticated by a JWT assertion: header kid = certificate id, claims iss = client id, scope, aud = token URL, iat,
 * exp, signed with the integration's private key by the oidc-client's JWT credentials). TBA needs no token.
 * <p>
 * One client per account settings (the configured account, and others built by tests or for a second account),
 * created at its first token, so a hub in TBA mode or without NetSuite needs none of these settings.
 */
@ApplicationScoped
public class NetSuiteTokens {

    /** Fetch a new token this long before the current one expires (NetSuite's live 60 minutes). */
    static final Duration REFRESH_SKEW = Duration.ofSeconds(60);

    private final OidcClients clients;
    private final Map<Key, ClientCredentialTokens> byAccount = new ConcurrentHashMap<>();

    public NetSuiteTokens(OidcClients clients) {
        this.clients = clients;
    }

    /** A valid bearer token for the account of {@code settings}; {@code renew} after NetSuite answered 401. */
    public String bearerToken(NetSuiteSettings settings, boolean renew) {
        ClientCredentialTokens tokens = byAccount.computeIfAbsent(Key.of(settings),
                k -> new ClientCredentialTokens(clients, () -> clientConfig(settings), settings.timeout()));
        try {
            return tokens.bearerToken(renew);
        } catch (ClientCredentialTokens.TokenException e) {
            throw new ErpException("NetSuite token endpoint: " + e.getMessage(), e.retryable(), e.status(),
                    e.errorCode(), null, null);
        }
    }

    /** The client's settings; secrets are in it but never in its toString (the Key's neither). */
    private static OidcClientConfig clientConfig(NetSuiteSettings s) {
        String tokenUrl = required(s.tokenUrl(), "token-url (or base-url)");
        String clientId = required(s.clientId(), "client-id");
        var builder = OidcClientConfig.builder().id("netsuite-" + s.auth().name().toLowerCase())
                .discoveryEnabled(false).tokenPath(tokenUrl).clientId(clientId).connectionTimeout(s.timeout())
                .refreshTokenTimeSkew(REFRESH_SKEW).grant(OidcClientConfig.Grant.Type.CLIENT);
        if (s.auth() == NetSuiteSettings.Auth.M2M) {
            NetSuiteSettings.M2m m2m = s.m2m();
            long lifetime = m2m.assertionLifetime().toSeconds();
            // NetSuite reads the scope from the assertion, not from the form
            builder.credentials().jwt().key(privateKey(m2m)).tokenKeyId(required(m2m.certificateId(), "certificate-id"))
                    .signatureAlgorithm(m2m.signatureAlgorithm()).audience(tokenUrl).lifespan((int) lifetime)
                    .claim("scope", s.scope()).end().end();
        } else {
            builder.credentials().clientSecret(required(s.clientSecret(), "client-secret"), Method.BASIC).end()
                    .scopes(s.scope());
        }
        return builder.build();
    }

    private static String privateKey(NetSuiteSettings.M2m m2m) {
        if (m2m.privateKey() != null && !m2m.privateKey().isBlank()) {
            return m2m.privateKey();
        }
        String file = required(m2m.privateKeyFile(), "private-key-file (or private-key)");
        try {
            return Files.readString(Path.of(file), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            // the path only, never the content
            throw new IllegalStateException("NetSuite M2M private key file cannot be read: " + file);
        }
    }

    private static String required(String value, String key) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("NetSuite is not configured: hub.erp.netsuite." + key + " is not set");
        }
        return value;
    }

    /** What makes two settings the same OAuth client; compared, never printed with its secrets. */
    private record Key(NetSuiteSettings.Auth auth, String tokenUrl, String clientId, String clientSecret, String scope,
            NetSuiteSettings.M2m m2m) {

        static Key of(NetSuiteSettings s) {
            return new Key(s.auth(), s.tokenUrl(), s.clientId(), s.clientSecret(), s.scope(),
                    s.auth() == NetSuiteSettings.Auth.M2M ? s.m2m() : null);
        }

        @Override
        public String toString() {
            return "Key[" + auth + ", " + tokenUrl + ", " + clientId + "]";
        }
    }
}
