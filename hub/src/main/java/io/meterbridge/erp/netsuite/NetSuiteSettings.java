package io.meterbridge.erp.netsuite;

import java.time.Duration;
import java.util.Locale;

/**
 * Resolved settings of one NetSuite account, from {@link NetSuiteConfig} or built directly (tests, a second account).
 * {@link #toString()} masks every secret.
 */
public record NetSuiteSettings(String baseUrl, String accountId, Auth auth, String consumerKey, String consumerSecret,
        String tokenId, String tokenSecret, String tokenUrl, String clientId, String clientSecret, String scope,
        Duration timeout, int concurrencyLimit, Duration permitWait) {

    public enum Auth { TBA, OAUTH2 }

    public static NetSuiteSettings from(NetSuiteConfig c) {
        String base = c.baseUrl().map(NetSuiteSettings::stripSlash).orElse(null);
        Auth auth = switch (c.auth().trim().toLowerCase(Locale.ROOT)) {
            case "tba" -> Auth.TBA;
            case "oauth2" -> Auth.OAUTH2;
            default -> throw new IllegalArgumentException("hub.erp.netsuite.auth must be tba or oauth2, was " + c.auth());
        };
        String tokenUrl = c.tokenUrl().orElse(base == null ? null
                : base.replaceFirst("/record/v1$", "/auth/oauth2/v1/token"));
        return new NetSuiteSettings(base, c.accountId(), auth, c.consumerKey().orElse(null),
                c.consumerSecret().orElse(null), c.tokenId().orElse(null), c.tokenSecret().orElse(null), tokenUrl,
                c.clientId().orElse(null), c.clientSecret().orElse(null), c.scope(), Duration.ofMillis(c.timeoutMs()),
                c.concurrencyLimit(), Duration.ofMillis(c.permitWaitMs()));
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** The gate key: one concurrency pool per NetSuite account. */
    public String gateKey() {
        return "netsuite:" + accountId.toUpperCase(Locale.ROOT);
    }

    public NetSuiteSettings withAuth(Auth value) {
        return new NetSuiteSettings(baseUrl, accountId, value, consumerKey, consumerSecret, tokenId, tokenSecret,
                tokenUrl, clientId, clientSecret, scope, timeout, concurrencyLimit, permitWait);
    }

    public NetSuiteSettings withTbaSecrets(String newConsumerSecret, String newTokenSecret) {
        return new NetSuiteSettings(baseUrl, accountId, auth, consumerKey, newConsumerSecret, tokenId, newTokenSecret,
                tokenUrl, clientId, clientSecret, scope, timeout, concurrencyLimit, permitWait);
    }

    @Override
    public String toString() {
        return "NetSuiteSettings[baseUrl=" + baseUrl + ", accountId=" + accountId + ", auth=" + auth + ", consumerKey="
                + consumerKey + ", consumerSecret=****, tokenId=" + tokenId + ", tokenSecret=****, tokenUrl=" + tokenUrl
                + ", clientId=" + clientId + ", clientSecret=****, scope=" + scope + ", timeout=" + timeout
                + ", concurrencyLimit=" + concurrencyLimit + ", permitWait=" + permitWait + "]";
    }
}
