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
     * ({@code https://<account>.suitetalk.api.netsuite.com/services/rest/record/v1}): the http endpoint of route
     * netsuite-call, and the URL TBA signs. Unset: NetSuite is not configured, the route's endpoint names a host that
     * never resolves, and every call fails with a non-retryable {@code ErpException} before it is sent.
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

    /**
     * Timeout of one HTTP request in milliseconds (connect, and then the answer): the http endpoint's of route
     * netsuite-call, and the token request's.
     */
    @WithDefault("30000")
    long timeoutMs();

    /**
     * The account's concurrency pool as the hub uses it: never more requests in flight to this account (the gate's
     * permits, and the bulkhead of route netsuite-call).
     */
    @WithDefault("5")
    int concurrencyLimit();

    /** Requests per second the throttle of route netsuite-call lets through, per hub instance. */
    @WithDefault("25")
    int requestsPerSecond();

    /**
     * How long a call waits for one of the pool's permits before it fails retryable (the posting's row then schedules
     * the next attempt), in milliseconds.
     */
    @WithDefault("2000")
    long permitWaitMs();
}
