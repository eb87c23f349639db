package io.meterbridge.sandbox;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Every request a sandbox received, in arrival order, with what it answered: what a newcomer or a test looks at to see
 * what a connector really sent. Bounded (oldest dropped). Credentials are masked before they are stored: the journal
 * is served over HTTP and must never hold a key.
 */
public final class RequestJournal {

    /** Headers worth keeping; anything else (cookies, proxies' headers) is not recorded. */
    private static final List<String> KEPT_HEADERS = List.of("authorization", "content-type", "idempotency-key",
            "chargebee-idempotency-key", "stripe-version", "stripe-account", "user-agent", "accept", "prefer",
            "x-netsuite-idempotency-key");

    /** One recorded request. {@code params} are the decoded form or query parameters, as nested JSON. */
    public record Entry(long seq, Instant at, String method, String path, String query, Map<String, String> headers,
            JsonNode params, String idempotencyKey, int status, boolean idempotentReplay, String fault) {
    }

    private final Deque<Entry> entries = new ArrayDeque<>();
    private final AtomicLong seq = new AtomicLong();
    private final int capacity;

    public RequestJournal(int capacity) {
        this.capacity = capacity;
    }

    public void record(SandboxRequest request, String idempotencyKey, SandboxResponse response, boolean replay,
            String fault) {
        Entry entry = new Entry(seq.incrementAndGet(), Instant.now(), request.method(), request.path(), request.query(),
                keptHeaders(request.headers()), request.params(), idempotencyKey, response.status(), replay, fault);
        synchronized (entries) {
            entries.addLast(entry);
            while (entries.size() > capacity) {
                entries.removeFirst();
            }
        }
    }

    public List<Entry> entries() {
        synchronized (entries) {
            return List.copyOf(entries);
        }
    }

    public void clear() {
        synchronized (entries) {
            entries.clear();
        }
    }

    private static Map<String, String> keptHeaders(Map<String, String> headers) {
        Map<String, String> kept = new TreeMap<>();
        headers.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (KEPT_HEADERS.contains(lower)) {
                kept.put(lower, lower.equals("authorization") ? maskAuthorization(value) : value);
            }
        });
        return kept;
    }

    /**
     * "Bearer sk_test_abc...xyz" to "Bearer sk_test_****": the scheme and the key's mode prefix tell which kind of key
     * was used, nothing that could be replayed is kept. Basic credentials are never decoded.
     */
    public static String maskAuthorization(String value) {
        if (value == null) {
            return null;
        }
        String[] parts = value.trim().split("\\s+", 2);
        if (parts.length < 2) {
            return "****";
        }
        if (parts[0].equalsIgnoreCase("bearer")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^((?:sk|rk|pk)_(?:test|live)_)").matcher(parts[1]);
            return parts[0] + " " + (m.find() ? m.group(1) : "") + "****";
        }
        return parts[0] + " ****";
    }
}
