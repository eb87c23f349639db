package io.meterbridge.sandbox.netsuite;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Settings of the NetSuite sandbox ({@code hub.sandbox.netsuite.*}, docs/configuration.md): the one simulated account
 * and the credentials it accepts. The secrets here are sandbox-only values of the default run and the tests (the
 * sandbox is off in prod); they are never logged or journaled.
 */
@ConfigMapping(prefix = "hub.sandbox.netsuite")
public interface NetSuiteSandboxConfig {

    /** The simulated account id: the OAuth 1.0 realm must name it ("1234567_SB1"). */
    @WithDefault("1234567_SB1")
    String accountId();

    /** NetSuite's account concurrency pool: requests in flight beyond it get 429 CONCURRENCY_LIMIT_EXCEEDED. */
    @WithDefault("5")
    int concurrencyLimit();

    /** TBA integration record: consumer key and (secret) consumer secret. */
    @WithDefault("meterbridge-sandbox-consumer-key")
    String consumerKey();

    @WithDefault("meterbridge-sandbox-consumer-secret")
    String consumerSecret();

    /** TBA access token: token id and (secret) token secret. */
    @WithDefault("meterbridge-sandbox-token-id")
    String tokenId();

    @WithDefault("meterbridge-sandbox-token-secret")
    String tokenSecret();

    /** OAuth 2.0 client of the sandbox's client-credentials token endpoint: id and (secret) client secret. */
    @WithDefault("meterbridge-sandbox-client-id")
    String clientId();

    @WithDefault("meterbridge-sandbox-client-secret")
    String clientSecret();

    /**
     * OAuth 2.0 machine-to-machine: the certificate id NetSuite gave the certificate uploaded for the integration
     * (client id above); a client assertion's {@code kid} must name it.
     */
    @WithDefault("meterbridge-demo-m2m-certificate")
    String m2mCertificateId();

    /**
     * That certificate (X.509 PEM), a classpath resource or a file. The default is the demo certificate whose private
     * key is devrun/demo/netsuite/m2m-demo-private-key.pem (sandbox and default run only).
     */
    @WithDefault("sandbox/netsuite/m2m-demo-certificate.pem")
    String m2mCertificate();

    /** Lifetime of an issued OAuth 2.0 access token (NetSuite's are valid 60 minutes). */
    @WithDefault("PT60M")
    Duration accessTokenLifetime();

    /** Largest accepted difference between oauth_timestamp and the sandbox clock. */
    @WithDefault("PT5M")
    Duration timestampTolerance();
}
