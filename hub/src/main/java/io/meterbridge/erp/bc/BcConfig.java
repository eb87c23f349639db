package io.meterbridge.erp.bc;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Settings of the Business Central connector ({@code hub.erp.bc.*}), documented in docs/configuration.md. The default
 * run and the tests talk to the built-in sandbox on the hub's own port; prod takes every value from the environment.
 */
@ConfigMapping(prefix = "hub.erp.bc")
public interface BcConfig {

    /**
     * Service root without tenant: {@code https://api.businesscentral.dynamics.com/v2.0} (or the sandbox's), the http
     * endpoint of route business-central-call; requests add {tenant}/{environment}/api/v2.0/... to it.
     */
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

    /**
     * Timeout of one HTTP request in milliseconds (connect, and then the answer): the http endpoint's of route
     * business-central-call, and the token request's.
     */
    @WithDefault("30000")
    long timeoutMs();

    /** Concurrent requests to this BC account from the whole process (BC allows 5 per user). */
    @WithDefault("5")
    int concurrencyLimit();

    /**
     * How long a request waits for one of those permits before it fails retryable (the posting's row then schedules
     * the next attempt), in milliseconds.
     */
    @WithDefault("2000")
    long permitWaitMs();

    /**
     * Requests per second the route's throttle lets through: BC allows 6,000 per 5 minutes per user, 20 a second on
     * average; a steady rate keeps the throttle's wait under a second instead of parking a burst for minutes.
     */
    @WithDefault("20")
    int requestsPerSecond();

    /** Journal batch used when a BcJournalEntry names none (Code[10]; dedicate it to the hub). */
    @WithDefault("METERBRDG")
    String journalCode();
}
