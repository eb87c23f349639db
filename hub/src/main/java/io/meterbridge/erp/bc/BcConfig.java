package io.meterbridge.erp.bc;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Settings of the Business Central connector ({@code hub.erp.bc.*}), documented in docs/configuration.md. The default
 * run and the tests talk to the built-in sandbox on the hub's own port; prod takes every value from the environment.
 */
@ConfigMapping(prefix = "hub.erp.bc")
public interface BcConfig {

    /** Service root without tenant: {@code https://api.businesscentral.dynamics.com/v2.0} (or the sandbox's). */
    @WithDefault("https://api.businesscentral.dynamics.com/v2.0")
    String baseUrl();

    /**
     * Entra ID tenant (id or domain) of the BC environment. This and the other optional keys are required once the
     * connector is called (a call without them fails, not the hub's start), so a hub that posts to no BC needs none.
     */
    Optional<String> tenant();

    /** BC environment name ("production", "sandbox"...). */
    @WithDefault("production")
    String environment();

    /** The company's id (GUID) in that environment. */
    Optional<String> companyId();

    /** OAuth 2.0 token endpoint (client credentials): https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token. */
    Optional<String> tokenUrl();

    /** The app registration's client id. BC's per-user limits count against it. */
    Optional<String> clientId();

    /** The app registration's client secret. SECRET: from a secret store in prod; never logged. */
    Optional<String> clientSecret();

    /** OAuth scope asked for. */
    @WithDefault("https://api.businesscentral.dynamics.com/.default")
    String scope();

    /** Timeout of one HTTP request (connect and answer). */
    @WithDefault("PT30S")
    Duration timeout();

    /** Concurrent requests to this BC account from the whole process (BC allows 5 per user). */
    @WithDefault("5")
    int concurrencyLimit();

    /** Requests allowed per {@link #rateWindow()} (BC: 6,000 per 5 minutes per user); the client waits beyond. */
    @WithDefault("6000")
    int requestsPerWindow();

    @WithDefault("PT5M")
    Duration rateWindow();

    /** Retries of one request after 429 (and of reads after 5xx) before a retryable ErpException is thrown. */
    @WithDefault("6")
    int maxRetries();

    /** First back-off when BC sends no Retry-After; doubled per attempt, with jitter, up to retry-max-delay. */
    @WithDefault("PT0.5S")
    Duration retryInitialDelay();

    @WithDefault("PT30S")
    Duration retryMaxDelay();

    /** How often a whole document operation starts over (look up, create, post) after a retryable failure. */
    @WithDefault("3")
    int documentAttempts();

    /** Journal batch used when a BcJournalEntry names none (Code[10]; dedicate it to the hub). */
    @WithDefault("METERBRDG")
    String journalCode();
}
