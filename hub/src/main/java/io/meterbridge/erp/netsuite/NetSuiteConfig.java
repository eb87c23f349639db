package io.meterbridge.erp.netsuite;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The NetSuite system API's settings ({@code hub.erp.netsuite.*}, docs/configuration.md). Secrets (consumer secret,
 * token secret, client secret) come from the environment in prod and are never logged.
 */
@ConfigMapping(prefix = "hub.erp.netsuite")
public interface NetSuiteConfig {

    /**
     * Record service base URL, up to and including {@code /services/rest/record/v1}
     * ({@code https://<account>.suitetalk.api.netsuite.com/services/rest/record/v1}). Unset: NetSuite is not configured
     * and every call fails with a non-retryable {@code ErpException}.
     */
    Optional<String> baseUrl();

    /** Account id as NetSuite writes it in the OAuth realm ("1234567_SB1"); also keys the concurrency gate. */
    @WithDefault("unset")
    String accountId();

    /**
     * {@code tba} (OAuth 1.0a token-based authentication, HMAC-SHA256), {@code oauth2} (client credentials with the
     * client secret) or {@code m2m} (OAuth 2.0 machine-to-machine: client credentials, the client authenticated by a
     * JWT signed with the integration's private key).
     */
    @WithDefault("tba")
    String auth();

    /** TBA: the integration record's consumer key. */
    Optional<String> consumerKey();

    /** TBA: the integration record's consumer secret. SECRET. */
    Optional<String> consumerSecret();

    /** TBA: the access token's id. */
    Optional<String> tokenId();

    /** TBA: the access token's secret. SECRET. */
    Optional<String> tokenSecret();

    /** OAuth 2.0: token endpoint; default: base URL with /record/v1 replaced by /auth/oauth2/v1/token. */
    Optional<String> tokenUrl();

    /** OAuth 2.0: client id. */
    Optional<String> clientId();

    /** OAuth 2.0: client secret. SECRET. */
    Optional<String> clientSecret();

    /** M2M: the certificate id NetSuite shows for the certificate uploaded to the integration (the JWT's kid). */
    Optional<String> certificateId();

    /** M2M: the private key of that certificate, a PEM file (PKCS#8). SECRET: mount it from a secret store in prod. */
    Optional<String> privateKeyFile();

    /** M2M: the same key inline (PEM text) instead of a file. SECRET. */
    Optional<String> privateKey();

    /** M2M: JWT signature algorithm (NetSuite: PS256, PS384, PS512 with an RSA key; ES256, ES384, ES512 with EC). */
    @WithDefault("PS256")
    String signatureAlgorithm();

    /** M2M: lifetime of one client assertion (NetSuite refuses more than one hour). */
    @WithDefault("PT5M")
    Duration assertionLifetime();

    /** OAuth 2.0 and M2M: scope asked for. */
    @WithDefault("rest_webservices")
    String scope();

    /** Timeout of one HTTP request (connect and answer). */
    @WithDefault("PT30S")
    Duration timeout();

    /** The account's concurrency pool as the hub uses it: never more requests in flight to this account. */
    @WithDefault("5")
    int concurrencyLimit();

    /** Retries inside the connector on 429/request-limit, 5xx and I/O errors before a retryable ErpException. */
    @WithDefault("4")
    int maxRetries();

    /** First back-off (doubled per retry, with jitter) when NetSuite sends no Retry-After. */
    @WithDefault("PT0.5S")
    Duration initialBackoff();

    /** Longest back-off inside the connector; a longer Retry-After is left to the caller's redelivery. */
    @WithDefault("PT10S")
    Duration maxBackoff();
}
