package io.meterbridge.erp.netsuite;

import java.time.Duration;
import java.util.Locale;

/**
 * Resolved settings of one NetSuite account, from {@link NetSuiteConfig} or built directly (tests, a second account).
 * {@link #toString()} masks every secret.
 */
public record NetSuiteSettings(String baseUrl, String accountId, Auth auth, String consumerKey, String consumerSecret,
        String tokenId, String tokenSecret, String tokenUrl, String clientId, String clientSecret, String scope,
        Duration timeout, int concurrencyLimit, Duration permitWait, M2m m2m) {

    public enum Auth { TBA, OAUTH2, M2M }

    /**
     * Machine-to-machine client authentication: the certificate id (JWT kid), the private key as PEM text
     * ({@code privateKey}, SECRET) or a PEM file, the signature algorithm and the assertion's lifetime.
     */
    public record M2m(String certificateId, String privateKey, String privateKeyFile, String signatureAlgorithm,
            Duration assertionLifetime) {

        @Override
        public String toString() {
            return "M2m[certificateId=" + certificateId + ", privateKey=****, privateKeyFile=" + privateKeyFile
                    + ", signatureAlgorithm=" + signatureAlgorithm + ", assertionLifetime=" + assertionLifetime + "]";
        }
    }

    public static NetSuiteSettings from(NetSuiteConfig c) {
        String base = c.baseUrl().map(NetSuiteSettings::stripSlash).orElse(null);
        Auth auth = switch (c.auth().trim().toLowerCase(Locale.ROOT)) {
            case "tba" -> Auth.TBA;
            case "oauth2" -> Auth.OAUTH2;
            case "m2m" -> Auth.M2M;
            default -> throw new IllegalArgumentException("hub.erp.netsuite.auth must be tba, oauth2 or m2m, was "
                    + c.auth());
        };
        String tokenUrl = c.tokenUrl().orElse(base == null ? null
                : base.replaceFirst("/record/v1$", "/auth/oauth2/v1/token"));
        return new NetSuiteSettings(base, c.accountId(), auth, c.consumerKey().orElse(null),
                c.consumerSecret().orElse(null), c.tokenId().orElse(null), c.tokenSecret().orElse(null), tokenUrl,
                c.clientId().orElse(null), c.clientSecret().orElse(null), c.scope(), Duration.ofMillis(c.timeoutMs()),
                c.concurrencyLimit(), Duration.ofMillis(c.permitWaitMs()), new M2m(c.certificateId().orElse(null),
                        c.privateKey().orElse(null), c.privateKeyFile().orElse(null), c.signatureAlgorithm(),
                        c.assertionLifetime()));
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
                tokenUrl, clientId, clientSecret, scope, timeout, concurrencyLimit, permitWait, m2m);
    }

    public NetSuiteSettings withTbaSecrets(String newConsumerSecret, String newTokenSecret) {
        return new NetSuiteSettings(baseUrl, accountId, auth, consumerKey, newConsumerSecret, tokenId, newTokenSecret,
                tokenUrl, clientId, clientSecret, scope, timeout, concurrencyLimit, permitWait, m2m);
    }

    /** The same account with another M2M key or assertion lifetime (tests of refused assertions). */
    public NetSuiteSettings withM2m(M2m value) {
        return new NetSuiteSettings(baseUrl, accountId, Auth.M2M, consumerKey, consumerSecret, tokenId, tokenSecret,
                tokenUrl, clientId, clientSecret, scope, timeout, concurrencyLimit, permitWait, value);
    }

    @Override
    public String toString() {
        return "NetSuiteSettings[baseUrl=" + baseUrl + ", accountId=" + accountId + ", auth=" + auth + ", consumerKey="
                + consumerKey + ", consumerSecret=****, tokenId=" + tokenId + ", tokenSecret=****, tokenUrl=" + tokenUrl
                + ", clientId=" + clientId + ", clientSecret=****, scope=" + scope + ", timeout=" + timeout
                + ", concurrencyLimit=" + concurrencyLimit + ", permitWait=" + permitWait + ", m2m=" + m2m + "]";
    }
}
