package io.meterbridge.producer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends batches of usage events to a Meterbridge hub ({@code POST /api/v1/events}). Each attempt is signed afresh
 * with the source's secret (HMAC, the default and stronger way) or carries its API key. A 503 (nothing was accepted)
 * or a 429 is retried after the {@code Retry-After} the hub sent, else with exponential backoff, up to
 * {@link Builder#maxAttempts}; I/O errors are retried the same way. Retrying is safe: the hub counts each
 * {@code (source, id)} once.
 *
 * <pre>{@code
 * MeterbridgeClient client = MeterbridgeClient.builder(URI.create("https://hub.example.com"))
 *         .source("api-gateway").secret(System.getenv("METERBRIDGE_SECRET")).build();
 * Result result = client.send(List.of(event));
 * }</pre>
 */
public final class MeterbridgeClient {

    public static final String BATCH = "application/cloudevents-batch+json";
    private static final Pattern COUNT = Pattern.compile("\"(accepted|duplicates)\"\\s*:\\s*(\\d+)");

    /** What the hub answered the last attempt. {@code accepted} and {@code duplicates} are -1 when absent. */
    public record Result(int status, String body, int attempts, int accepted, int duplicates) {
        /** 202: at least one event was accepted or was a duplicate; rejected ones are listed in the body. */
        public boolean isAccepted() {
            return status == 202;
        }
    }

    /** Sleeps between attempts; replaceable in tests. */
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final URI endpoint;
    private final String source;
    private final Signer signer;
    private final String apiKey;
    private final HttpClient http;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration timeout;
    private final Clock clock;
    private final Sleeper sleeper;

    private MeterbridgeClient(Builder b) {
        this.endpoint = b.baseUrl.resolve("/api/v1/events");
        this.source = b.source;
        this.signer = b.secret == null ? null : new Signer(b.secret);
        this.apiKey = b.apiKey;
        this.http = b.http != null ? b.http : HttpClient.newBuilder().connectTimeout(b.timeout).build();
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.timeout = b.timeout;
        this.clock = b.clock;
        this.sleeper = b.sleeper;
    }

    public static Builder builder(URI baseUrl) {
        return new Builder(baseUrl);
    }

    /** Sends the events as one batch (at most the hub's limit, 1,000 by default). */
    public Result send(List<CloudEvent> events) throws IOException, InterruptedException {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one event");
        }
        StringBuilder json = new StringBuilder("[");
        for (CloudEvent event : events) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append(event.toJson());
        }
        byte[] body = json.append(']').toString().getBytes(StandardCharsets.UTF_8);
        Duration backoff = initialBackoff;
        for (int attempt = 1;; attempt++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                    .header("Content-Type", BATCH).header("Meterbridge-Source", source)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (signer != null) {
                request.header(Signer.HEADER, signer.sign(clock.instant().getEpochSecond(), body)); // fresh t each time
            } else {
                request.header("Authorization", "Bearer " + apiKey);
            }
            Duration wait;
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if ((status != 503 && status != 429) || attempt >= maxAttempts) {
                    return result(status, response.body(), attempt);
                }
                wait = response.headers().firstValue("Retry-After").map(this::retryAfter).orElse(backoff);
            } catch (IOException e) {
                if (attempt >= maxAttempts) {
                    throw e;
                }
                wait = backoff;
            }
            sleeper.sleep(wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait);
            backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
        }
    }

    /** Retry-After is seconds or an HTTP date. */
    Duration retryAfter(String value) {
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration until = Duration.between(clock.instant(), at.toInstant());
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException unreadable) {
                return initialBackoff;
            }
        }
    }

    private static Result result(int status, String body, int attempts) {
        int accepted = -1, duplicates = -1;
        Matcher m = COUNT.matcher(body == null ? "" : body);
        while (m.find()) {
            if (m.group(1).equals("accepted")) {
                accepted = Integer.parseInt(m.group(2));
            } else {
                duplicates = Integer.parseInt(m.group(2));
            }
        }
        return new Result(status, body, attempts, accepted, duplicates);
    }

    public static final class Builder {
        private final URI baseUrl;
        private String source;
        private String secret;
        private String apiKey;
        private HttpClient http;
        private int maxAttempts = 8;
        private Duration initialBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(60);
        private Duration timeout = Duration.ofSeconds(30);
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = d -> Thread.sleep(d.toMillis());

        private Builder(URI baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
        }

        /** The registered source id (sent as Meterbridge-Source, and each event's source). */
        public Builder source(String source) {
            this.source = source;
            return this;
        }

        /** Sign with this HMAC secret of the source (recommended). */
        public Builder secret(String secret) {
            this.secret = secret;
            return this;
        }

        /** Or send this API key of the source as {@code Authorization: Bearer} (no signature; weaker). */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        public Builder httpClient(HttpClient http) {
            this.http = http;
            return this;
        }

        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = sleeper;
            return this;
        }

        public MeterbridgeClient build() {
            if (source == null || source.isBlank()) {
                throw new IllegalStateException("source is required");
            }
            if ((secret == null) == (apiKey == null)) {
                throw new IllegalStateException("give exactly one of secret (HMAC signing) or apiKey");
            }
            return new MeterbridgeClient(this);
        }
    }
}
