package io.meterbridge.erp.bc;

import java.time.Duration;

import io.meterbridge.erp.ErpException;
import io.meterbridge.platform.ClientCredentialTokens;
import io.quarkus.oidc.client.OidcClients;
import io.quarkus.oidc.client.runtime.OidcClientConfig;
import io.quarkus.oidc.common.runtime.config.OidcClientCommonConfig.Credentials.Secret.Method;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Business Central's access token: OAuth 2.0 client credentials against Entra ID ({@code hub.erp.bc.token-url},
 * client id and secret in the request body, as Entra ID expects), through the quarkus-oidc-client client
 * "business-central". Created at the first call, so a hub that posts to no BC needs no BC settings.
 */
@ApplicationScoped
public class BcTokens {

    /** Fetch a new token this long before the current one expires (Entra ID's live 3,599 s). */
    static final Duration REFRESH_SKEW = Duration.ofSeconds(120);

    private final ClientCredentialTokens tokens;
    private final BcConfig config;

    public BcTokens(BcConfig config, OidcClients clients) {
        this.config = config;
        this.tokens = new ClientCredentialTokens(clients, this::clientConfig, java.time.Duration.ofMillis(config.timeoutMs()));
    }

    /** A valid bearer token; {@code renew} after BC answered 401 to the current one. */
    public String bearerToken(boolean renew) {
        try {
            return tokens.bearerToken(renew);
        } catch (ClientCredentialTokens.TokenException e) {
            throw new ErpException("the OAuth token endpoint refused or failed the client credentials of client "
                    + config.clientId().orElse("?") + ": " + e.getMessage(), e.retryable(), e.status(), e.errorCode(), null, null);
        }
    }

    private OidcClientConfig clientConfig() {
        return OidcClientConfig.builder().id("business-central").discoveryEnabled(false)
                .tokenPath(required(config.tokenUrl().orElse(null), "token-url"))
                .clientId(required(config.clientId().orElse(null), "client-id"))
                .credentials().clientSecret(required(config.clientSecret().orElse(null), "client-secret"), Method.POST)
                .end()
                .scopes(config.scope())
                .connectionTimeout(java.time.Duration.ofMillis(config.timeoutMs()))
                .refreshTokenTimeSkew(REFRESH_SKEW)
                .grant(OidcClientConfig.Grant.Type.CLIENT)
                .build();
    }

    private static String required(String value, String key) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("Business Central is not configured: hub.erp.bc." + key + " is not set");
        }
        return value;
    }
}
