package io.meterbridge.sandbox.netsuite;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies NetSuite token-based authentication: an OAuth 1.0a {@code Authorization: OAuth ...} header signed with
 * HMAC-SHA256 (RFC 5849 §3.4), realm = account id. Written independently of the connector's signer, so that a bug in
 * one is not mirrored in the other. Nonces are remembered for the timestamp tolerance (a replayed nonce is refused).
 */
final class TbaVerifier {

    private static final Pattern PARAM = Pattern.compile("([A-Za-z_]+)\\s*=\\s*\"([^\"]*)\"");

    private final NetSuiteSandboxConfig config;
    private final Map<String, Long> nonces = new ConcurrentHashMap<>();

    TbaVerifier(NetSuiteSandboxConfig config) {
        this.config = config;
    }

    /** Null when the header is a valid signature for this request; otherwise why not (for the log, never the client). */
    String verify(String method, URI requestUri, String header) {
        Map<String, String> oauth = parse(header);
        if (!config.accountId().equalsIgnoreCase(oauth.getOrDefault("realm", ""))) {
            return "realm";
        }
        if (!"HMAC-SHA256".equals(oauth.get("oauth_signature_method"))) {
            return "signature method";
        }
        if (oauth.containsKey("oauth_version") && !"1.0".equals(oauth.get("oauth_version"))) {
            return "version";
        }
        if (!config.consumerKey().equals(oauth.get("oauth_consumer_key")) || !config.tokenId().equals(oauth.get("oauth_token"))) {
            return "consumer key or token";
        }
        long now = System.currentTimeMillis() / 1000;
        long timestamp;
        try {
            timestamp = Long.parseLong(oauth.getOrDefault("oauth_timestamp", ""));
        } catch (NumberFormatException e) {
            return "timestamp";
        }
        if (Math.abs(now - timestamp) > config.timestampTolerance().toSeconds()) {
            return "timestamp";
        }
        String nonce = oauth.get("oauth_nonce");
        String signature = oauth.get("oauth_signature");
        if (nonce == null || nonce.isEmpty() || signature == null) {
            return "nonce or signature missing";
        }
        String expected = sign(baseString(method, requestUri, oauth));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII))) {
            return "signature";
        }
        if (nonces.putIfAbsent(oauth.get("oauth_token") + ":" + nonce, now) != null) {
            return "nonce replayed";
        }
        if (nonces.size() > 10_000) {
            long oldest = now - config.timestampTolerance().toSeconds() - 1;
            nonces.values().removeIf(t -> t < oldest);
        }
        return null;
    }

    static boolean isOAuth(String header) {
        return header != null && header.regionMatches(true, 0, "OAuth ", 0, 6);
    }

    /** The header's parameters, percent-decoded. */
    static Map<String, String> parse(String header) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(header.substring(6));
        while (m.find()) {
            out.put(m.group(1), decode(m.group(2)));
        }
        return out;
    }

    /** RFC 5849 §3.4.1: METHOD & base URI & normalized parameters (oauth_* but realm and signature, plus the query). */
    static String baseString(String method, URI uri, Map<String, String> oauth) {
        List<String[]> params = new ArrayList<>();
        oauth.forEach((k, v) -> {
            if (!k.equals("realm") && !k.equals("oauth_signature")) {
                params.add(new String[] {encode(k), encode(v)});
            }
        });
        String query = uri.getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String k = eq < 0 ? pair : pair.substring(0, eq);
                String v = eq < 0 ? "" : pair.substring(eq + 1);
                params.add(new String[] {encode(decode(k)), encode(decode(v))});
            }
        }
        params.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder normalized = new StringBuilder();
        for (String[] p : params) {
            if (normalized.length() > 0) {
                normalized.append('&');
            }
            normalized.append(p[0]).append('=').append(p[1]);
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        String base = scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port)
                + uri.getRawPath();
        return method.toUpperCase(Locale.ROOT) + "&" + encode(base) + "&" + encode(normalized.toString());
    }

    private String sign(String baseString) {
        try {
            String key = encode(config.consumerSecret()) + "&" + encode(config.tokenSecret());
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(baseString.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 3986 percent-encoding of everything but unreserved characters (RFC 5849 §3.6). */
    static String encode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
