package io.meterbridge.erp.netsuite;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * NetSuite token-based authentication: the {@code Authorization: OAuth ...} header of one request, per OAuth 1.0a
 * (RFC 5849) with HMAC-SHA256 and realm = account id. The body is not signed (JSON bodies are not form parameters);
 * query parameters are. A fresh nonce and timestamp per request, so a retry is signed again.
 */
public final class TbaSigner {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] NONCE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private final String realm;
    private final String consumerKey;
    private final String consumerSecret;
    private final String tokenId;
    private final String tokenSecret;

    public TbaSigner(String realm, String consumerKey, String consumerSecret, String tokenId, String tokenSecret) {
        this.realm = realm;
        this.consumerKey = consumerKey;
        this.consumerSecret = consumerSecret;
        this.tokenId = tokenId;
        this.tokenSecret = tokenSecret;
    }

    public String header(String method, URI uri) {
        return header(method, uri, System.currentTimeMillis() / 1000, nonce());
    }

    /** The header for a given timestamp and nonce (for tests against known values). */
    public String header(String method, URI uri, long timestamp, String nonce) {
        List<String[]> oauth = List.of(
                new String[] {"oauth_consumer_key", consumerKey},
                new String[] {"oauth_token", tokenId},
                new String[] {"oauth_signature_method", "HMAC-SHA256"},
                new String[] {"oauth_timestamp", String.valueOf(timestamp)},
                new String[] {"oauth_nonce", nonce},
                new String[] {"oauth_version", "1.0"});
        String signature = signature(baseString(method, uri, oauth));
        StringBuilder h = new StringBuilder("OAuth realm=\"").append(encode(realm)).append('"');
        for (String[] p : oauth) {
            h.append(',').append(p[0]).append("=\"").append(encode(p[1])).append('"');
        }
        return h.append(",oauth_signature=\"").append(encode(signature)).append('"').toString();
    }

    /** RFC 5849 §3.4.1 signature base string. */
    static String baseString(String method, URI uri, List<String[]> oauth) {
        List<String[]> params = new ArrayList<>();
        for (String[] p : oauth) {
            params.add(new String[] {encode(p[0]), encode(p[1])});
        }
        String query = uri.getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                params.add(new String[] {encode(k), encode(v)});
            }
        }
        params.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder normalized = new StringBuilder();
        for (String[] p : params) {
            normalized.append(normalized.length() == 0 ? "" : "&").append(p[0]).append('=').append(p[1]);
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        String baseUri = scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port)
                + uri.getRawPath();
        return method.toUpperCase(Locale.ROOT) + "&" + encode(baseUri) + "&" + encode(normalized.toString());
    }

    private String signature(String baseString) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            String key = encode(consumerSecret) + "&" + encode(tokenSecret);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(baseString.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign with HMAC-SHA256", e);
        }
    }

    /** RFC 3986 unreserved characters kept, everything else %XX (RFC 5849 §3.6). */
    static String encode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private static String nonce() {
        char[] out = new char[20];
        for (int i = 0; i < out.length; i++) {
            out[i] = NONCE[RANDOM.nextInt(NONCE.length)];
        }
        return new String(out);
    }
}
