package io.meterbridge.sandbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The events of one sandbox and their webhook deliveries: every event is stored (listed by the vendor's events API,
 * newest first) and POSTed as JSON to the endpoint, asynchronously on a small executor. A delivery that fails (a
 * status other than 2xx, a connection error or a timeout) is retried with exponential backoff until
 * {@code hub.sandbox.webhook-attempts} attempts were made. The vendor's {@link Signer} adds its authentication
 * (Stripe-Signature, basic auth); header values are never logged nor shown by the control API.
 * <p>
 * The stored event trees belong to this class: they are read and changed only under its lock (the vendor's
 * {@link StatusListener} updates e.g. {@code pending_webhooks} there), and callers get copies.
 */
public final class WebhookDispatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);

    /** The vendor's authentication of one delivery attempt: extra headers for this payload, signed now. */
    @FunctionalInterface
    public interface Signer {
        Map<String, String> headers(String payload);
    }

    /** Lets the vendor reflect the delivery status in its event object (Stripe pending_webhooks, Chargebee webhook_status). */
    @FunctionalInterface
    public interface StatusListener {
        void changed(ObjectNode event, Status status);
    }

    public enum Status {
        /** The first attempt is scheduled. */
        PENDING,
        /** An attempt failed; another is scheduled. */
        RETRYING,
        /** The endpoint answered 2xx. */
        DELIVERED,
        /** Every attempt failed. */
        FAILED,
        /** Created while the fault switch dropWebhooks was on: listed, never delivered (unless resent). */
        DROPPED,
        /** No endpoint configured: listed only. */
        NO_ENDPOINT
    }

    /** One delivery attempt: when, where, and the HTTP status or the error. */
    public record Attempt(int number, Instant at, String url, Integer httpStatus, String error) {
    }

    /** The delivery of one event, as the control API shows it. */
    public record Delivery(String eventId, String type, Instant createdAt, String status, int attempts,
            Integer lastHttpStatus, String lastError, Instant deliveredAt, Instant nextAttemptAt,
            List<Attempt> history) {
    }

    private final class Stored {
        final String id;
        final String type;
        final ObjectNode event;
        final Instant createdAt = Instant.now();
        String payload;
        Status status;
        int attempts;
        /** Attempts allowed in the current round (the first delivery, or a resend). */
        int attemptLimit;
        Instant deliveredAt;
        Instant nextAttemptAt;
        ScheduledFuture<?> next;
        final List<Attempt> history = new ArrayList<>();

        Stored(String id, String type, ObjectNode event) {
            this.id = id;
            this.type = type;
            this.event = event;
        }

        Delivery view() {
            Attempt last = history.isEmpty() ? null : history.get(history.size() - 1);
            return new Delivery(id, type, createdAt, status.name().toLowerCase(java.util.Locale.ROOT), attempts,
                    last == null ? null : last.httpStatus(), last == null ? null : last.error(), deliveredAt,
                    nextAttemptAt, List.copyOf(history));
        }
    }

    private final String vendor;
    private final Optional<String> configuredUrl;
    private final Signer signer;
    private final StatusListener listener;
    private final BooleanSupplier dropWebhooks;
    private final ObjectMapper mapper;
    private final int maxAttempts;
    private final Duration backoff;
    private final Duration timeout;
    private final int capacity;
    private final HttpClient http;
    private final ScheduledExecutorService executor;
    /** Insertion order = creation order; the events API lists them reversed (newest first). */
    private final LinkedHashMap<String, Stored> events = new LinkedHashMap<>();
    private String endpointOverride;
    private boolean overridden;

    public WebhookDispatcher(String vendor, Optional<String> configuredUrl, Signer signer, StatusListener listener,
            BooleanSupplier dropWebhooks, ObjectMapper mapper, SandboxConfig config) {
        this.vendor = vendor;
        this.configuredUrl = configuredUrl.filter(u -> !u.isBlank());
        this.signer = signer;
        this.listener = listener;
        this.dropWebhooks = dropWebhooks;
        this.mapper = mapper;
        this.maxAttempts = Math.max(1, config.webhookAttempts());
        this.backoff = config.webhookBackoff();
        this.timeout = config.webhookTimeout();
        this.capacity = config.journalSize();
        // HTTP/1.1 as the vendors send: the default would add an h2c upgrade (Connection: Upgrade, HTTP2-Settings)
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "sandbox-" + vendor + "-webhooks-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Stores a new event and schedules its delivery. The listener sets the event's delivery fields first; the payload
     * sent is the event as it is then (later attempts send the same bytes, signed anew).
     */
    public synchronized void emit(String id, String type, ObjectNode event) {
        Stored stored = new Stored(id, type, event);
        if (endpoint() == null) {
            stored.status = Status.NO_ENDPOINT;
        } else if (dropWebhooks.getAsBoolean()) {
            stored.status = Status.DROPPED;
        } else {
            stored.status = Status.PENDING;
        }
        listener.changed(event, stored.status);
        stored.payload = serialize(event);
        events.put(id, stored);
        while (events.size() > capacity) {
            Stored oldest = events.values().iterator().next();
            if (oldest.next != null) {
                oldest.next.cancel(false);
            }
            events.remove(oldest.id);
        }
        if (stored.status == Status.PENDING) {
            stored.attemptLimit = maxAttempts;
            schedule(stored, Duration.ZERO);
        }
    }

    /** Copies of the stored events, newest first. */
    public synchronized List<ObjectNode> events() {
        List<ObjectNode> out = new ArrayList<>(events.size());
        events.values().forEach(s -> out.add(s.event.deepCopy()));
        Collections.reverse(out);
        return out;
    }

    public synchronized Optional<ObjectNode> event(String id) {
        Stored stored = events.get(id);
        return stored == null ? Optional.empty() : Optional.of(stored.event.deepCopy());
    }

    /** Every delivery, oldest first. */
    public synchronized List<Delivery> deliveries() {
        return events.values().stream().map(Stored::view).toList();
    }

    /**
     * Delivers the event again (a new round of up to webhook-attempts attempts), also when it was dropped or had no
     * endpoint at the time. Empty when the event is unknown; otherwise the delivery as it is now.
     */
    public synchronized Optional<Delivery> resend(String id) {
        Stored stored = events.get(id);
        if (stored == null) {
            return Optional.empty();
        }
        if (endpoint() == null) {
            throw new IllegalStateException("no webhook endpoint configured");
        }
        if (stored.next != null) {
            stored.next.cancel(false);
        }
        stored.attemptLimit = stored.attempts + maxAttempts;
        stored.status = Status.PENDING;
        listener.changed(stored.event, stored.status);
        schedule(stored, Duration.ZERO);
        return Optional.of(stored.view());
    }

    /** The endpoint events go to now: the one set through the control API, else the configured one; null: none. */
    public synchronized String endpoint() {
        return overridden ? endpointOverride : configuredUrl.orElse(null);
    }

    /** Sets the endpoint (an absolute http or https URL); null goes back to the configured one. */
    public synchronized void setEndpoint(String url) {
        if (url == null) {
            overridden = false;
            endpointOverride = null;
            return;
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: " + url);
        }
        if (!uri.isAbsolute() || uri.getHost() == null
                || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
            throw new IllegalArgumentException("the webhook endpoint must be an absolute http or https URL");
        }
        overridden = true;
        endpointOverride = url;
    }

    private void schedule(Stored stored, Duration delay) {
        stored.nextAttemptAt = Instant.now().plus(delay);
        stored.next = executor.schedule(() -> attempt(stored), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void attempt(Stored stored) {
        String url;
        String payload;
        int number;
        synchronized (this) {
            if (events.get(stored.id) != stored || stored.status == Status.DELIVERED) {
                return;
            }
            url = endpoint();
            payload = stored.payload;
            number = ++stored.attempts;
            stored.nextAttemptAt = null;
        }
        Integer status = null;
        String error = null;
        if (url == null) {
            error = "no webhook endpoint configured";
        } else {
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                        .header("Content-Type", "application/json; charset=utf-8")
                        .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8));
                signer.headers(payload).forEach(request::header);
                HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
                status = response.statusCode();
                if (status < 200 || status > 299) {
                    error = "HTTP " + status;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
        }
        synchronized (this) {
            stored.history.add(new Attempt(number, Instant.now(), url, status, error));
            if (events.get(stored.id) != stored) {
                return;
            }
            if (error == null) {
                stored.status = Status.DELIVERED;
                stored.deliveredAt = Instant.now();
                listener.changed(stored.event, stored.status);
                LOG.debugf("%s sandbox: event %s (%s) delivered to %s", vendor, stored.id, stored.type, url);
            } else if (stored.attempts < stored.attemptLimit) {
                stored.status = Status.RETRYING;
                listener.changed(stored.event, stored.status);
                int retry = stored.attempts - (stored.attemptLimit - maxAttempts);
                Duration delay = backoff.multipliedBy(1L << Math.min(20, Math.max(0, retry - 1)));
                LOG.debugf("%s sandbox: webhook of event %s to %s failed (%s), attempt %d, next in %d ms", vendor,
                        stored.id, url, error, stored.attempts, delay.toMillis());
                schedule(stored, delay);
            } else {
                stored.status = Status.FAILED;
                listener.changed(stored.event, stored.status);
                LOG.infof("%s sandbox: webhook of event %s (%s) to %s failed after %d attempts: %s", vendor,
                        stored.id, stored.type, url, stored.attempts, error);
            }
        }
    }

    private String serialize(ObjectNode event) {
        try {
            return mapper.writeValueAsString(event);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
