package io.meterbridge.platform;

import java.time.Duration;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.quarkus.oidc.client.OidcClient;
import io.quarkus.oidc.client.OidcClients;
import io.quarkus.oidc.client.Tokens;
import io.quarkus.oidc.client.runtime.OidcClientConfig;

/**
 * The access token of one vendor's OAuth 2.0 client-credentials client, held by a quarkus-oidc-client {@link OidcClient}
 * instead of a hand-written cache: fetched on first use, fetched again {@code refreshSkew} before it expires, and on
 * demand when the vendor answered 401 ({@code renew}).
 * <p>
 * The client is created lazily from its configuration, so a hub that never calls the vendor needs none of its settings
 * and still starts. Client credentials have no refresh token: "refresh" is a new client-credentials grant. The
 * callers run on worker threads (connectors called from routes), so waiting for the token endpoint here is fine.
 * Neither the secret, the signing key nor the token is ever part of a message of this class.
 */
public final class ClientCredentialTokens {

    private static final Pattern ERROR = Pattern.compile("\"error\"\\s*:\\s*\"([a-z_]{1,40})\"");

    /**
     * Why a token could not be had. {@code status} is 0: quarkus-oidc-client does not pass the HTTP status on; the
     * OAuth {@link #errorCode()} tells a refusal (invalid_client, invalid_grant...) from a failure worth retrying.
     */
    public static final class TokenException extends RuntimeException {
        private final int status;
        private final boolean retryable;
        private final String errorCode;

        TokenException(String message, int status, boolean retryable, String errorCode) {
            super(message);
            this.status = status;
            this.retryable = retryable;
            this.errorCode = errorCode;
        }

        /** The endpoint's OAuth error code ("invalid_client", "invalid_grant"), or null. */
        public String errorCode() {
            return errorCode;
        }

        public int status() {
            return status;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final OidcClients clients;
    private final Supplier<OidcClientConfig> config;
    private final Duration timeout;
    private OidcClient client; // guarded by this
    private volatile Tokens current;

    /**
     * @param config  the client's configuration, built at first use (it may throw {@link IllegalStateException} when a
     *                required setting is missing: a non-retryable {@link TokenException})
     * @param timeout longest wait for the token endpoint
     */
    public ClientCredentialTokens(OidcClients clients, Supplier<OidcClientConfig> config, Duration timeout) {
        this.clients = clients;
        this.config = config;
        this.timeout = timeout;
    }

    /** A valid bearer token; {@code renew}: the vendor refused the last one (401), fetch a new one now. */
    public String bearerToken(boolean renew) {
        Tokens tokens = current;
        if (!renew && fresh(tokens)) {
            return tokens.getAccessToken();
        }
        synchronized (this) {
            tokens = current;
            if (!renew && fresh(tokens)) {
                return tokens.getAccessToken();
            }
            current = null;
            Tokens fetched = fetch();
            current = fetched;
            return fetched.getAccessToken();
        }
    }

    /** Forgets the token (the next call fetches one). */
    public void forget() {
        current = null;
    }

    private static boolean fresh(Tokens tokens) {
        return tokens != null && !tokens.isAccessTokenExpired() && !tokens.isAccessTokenWithinRefreshInterval();
    }

    private Tokens fetch() {
        OidcClient oidc;
        try {
            oidc = client();
        } catch (IllegalStateException e) {
            throw new TokenException(e.getMessage(), 0, false, null); // a missing setting: no retry helps
        } catch (RuntimeException e) {
            throw new TokenException("the OAuth client cannot be created (" + e.getClass().getSimpleName() + ")", 0,
                    false, null);
        }
        try {
            Tokens tokens = oidc.getTokens().await().atMost(timeout);
            if (tokens == null || tokens.getAccessToken() == null) {
                throw new TokenException("the token endpoint answered without an access token", 0, false, null);
            }
            return tokens;
        } catch (TokenException e) {
            throw e;
        } catch (RuntimeException e) {
            // quarkus-oidc-client reports a refused grant as an OidcClientException whose message is the endpoint's
            // answer body, without the HTTP status: the OAuth error code (RFC 6749 5.2) says whether it was refused
            // for good. Only the code is kept: the request, which holds the secret or the assertion, is never shown.
            String error = errorCode(String.valueOf(e.getMessage()));
            boolean retryable = error == null || "server_error".equals(error) || "temporarily_unavailable".equals(error);
            throw new TokenException("the token endpoint " + (error == null ? "failed ("
                    + e.getClass().getSimpleName() + ")" : "refused the client: " + error), 0, retryable, error);
        }
    }

    /** The OAuth error code ("invalid_client") of a refused grant's text, if it names one. */
    private static String errorCode(String text) {
        Matcher m = ERROR.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private synchronized OidcClient client() {
        if (client == null) {
            client = clients.newClient(config.get()).await().atMost(timeout);
        }
        return client;
    }
}
