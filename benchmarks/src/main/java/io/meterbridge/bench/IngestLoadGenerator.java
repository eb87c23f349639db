package io.meterbridge.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.meterbridge.support.ProducerSignature;

/**
 * Load generator of the ingestion benchmark: signed batches of CloudEvents over HTTP/1.1 with
 * {@link java.net.http.HttpClient}.
 * <ul>
 * <li>{@link #closedLoop}: C workers, each sends a batch, waits for the answer, sends the next (maximum
 * throughput). A warm-up is run first and not recorded.</li>
 * <li>{@link #openLoop}: requests scheduled at fixed intervals whatever the answers; a request's latency is measured
 * from its scheduled send time, so a stalled server shows in the figures (no coordinated omission).</li>
 * </ul>
 * Every event id is unique across the whole run (run id + a global sequence), so the hub accepts them all. A 2xx
 * answer that does not report the whole batch accepted is counted as a "short" answer; non-2xx and I/O failures as
 * errors.
 *
 * <pre>
 *   java -cp ... io.meterbridge.bench.IngestLoadGenerator --url http://127.0.0.1:18080/api/v1/events
 *        [--concurrency 16] [--duration 20] [--warmup 5] [--rate EVENTS_PER_S] [--batch 100] [--no-sign]
 * </pre>
 * Without --rate it runs the max-throughput phase and then the open-loop phase at half the measured rate.
 */
public final class IngestLoadGenerator {

    public static final String CONTENT_TYPE = "application/cloudevents-batch+json";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final URI url;
    private final String source;
    private final String secret;
    private final boolean sign;
    private final int batchSize;
    private final String runId;
    private final AtomicLong sequence = new AtomicLong();
    private final HttpClient client;
    private final ExecutorService clientExecutor;

    public IngestLoadGenerator(URI url, String source, String secret, boolean sign, int batchSize, String runId) {
        this.url = url;
        this.source = source;
        this.secret = secret;
        this.sign = sign;
        this.batchSize = batchSize;
        this.runId = runId;
        this.clientExecutor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "loadgen-http");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .executor(clientExecutor)
                .build();
    }

    /** Figures of one phase. Latencies in nanoseconds, sorted; failed requests have no latency. */
    public record PhaseResult(String phase, double seconds, long requests, long okRequests, long events, long errors,
            long shortAnswers, long[] latencies, double targetRequestsPerSecond, String firstError) {

        public double eventsPerSecond() {
            return events / seconds;
        }

        public double requestsPerSecond() {
            return okRequests / seconds;
        }

        /** Nearest-rank percentile in milliseconds (NaN without samples). */
        public double percentileMillis(double p) {
            if (latencies.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p / 100.0 * latencies.length);
            return latencies[Math.max(0, Math.min(latencies.length - 1, rank - 1))] / 1e6;
        }

        public double maxMillis() {
            return latencies.length == 0 ? Double.NaN : latencies[latencies.length - 1] / 1e6;
        }

        public String summary() {
            return String.format(Locale.ROOT,
                    "%s: %.0f events/s (%.1f req/s) over %.1f s, p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d errors, %d short%s",
                    phase, eventsPerSecond(), requestsPerSecond(), seconds, percentileMillis(50), percentileMillis(99),
                    maxMillis(), errors, shortAnswers, firstError == null ? "" : " (first error: " + firstError + ")");
        }
    }

    /** A fresh batch with unique ids. Plain string building: a few tens of microseconds per 100 events. */
    public byte[] batch(String time) {
        StringBuilder json = new StringBuilder(batchSize * 230);
        json.append('[');
        for (int i = 0; i < batchSize; i++) {
            long n = sequence.incrementAndGet();
            if (i > 0) {
                json.append(',');
            }
            json.append("{\"specversion\":\"1.0\",\"id\":\"").append(runId).append('-').append(n)
                    .append("\",\"source\":\"").append(source)
                    .append("\",\"type\":\"api.request\",\"subject\":\"tenant-").append(n % 50)
                    .append("\",\"time\":\"").append(time)
                    .append("\",\"data\":{\"count\":").append(1 + n % 7)
                    .append(",\"endpoint\":\"GET /v1/orders\",\"user_id\":\"u-").append(n % 1000)
                    .append("\"}}");
        }
        json.append(']');
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private HttpRequest request(byte[] body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(url)
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (sign) {
            long t = System.currentTimeMillis() / 1000;
            builder.header("Meterbridge-Source", source)
                    .header(ProducerSignature.HEADER, ProducerSignature.sign(secret, t, body));
        }
        return builder.build();
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** Number of events the answer reports accepted, or -1 when it does not say. */
    static int accepted(String answer) {
        int at = answer == null ? -1 : answer.indexOf("\"accepted\":");
        if (at < 0) {
            return -1;
        }
        int i = at + "\"accepted\":".length();
        int value = 0;
        boolean digits = false;
        while (i < answer.length() && Character.isDigit(answer.charAt(i))) {
            value = value * 10 + (answer.charAt(i++) - '0');
            digits = true;
        }
        return digits ? value : -1;
    }

    private static final class LongList {
        long[] values = new long[4096];
        int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }
    }

    /** Maximum throughput: C workers in a closed loop; the warm-up is not recorded. */
    public PhaseResult closedLoop(int concurrency, Duration warmup, Duration duration) throws InterruptedException {
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long measureUntil = measureFrom + duration.toNanos();
        LongList[] latencies = new LongList[concurrency];
        long[] requests = new long[concurrency];
        long[] ok = new long[concurrency];
        long[] events = new long[concurrency];
        long[] errors = new long[concurrency];
        long[] shorts = new long[concurrency];
        String[] firstError = new String[concurrency];
        CountDownLatch done = new CountDownLatch(concurrency);
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            int me = w;
            latencies[me] = new LongList();
            Thread worker = new Thread(() -> {
                try {
                    while (true) {
                        HttpRequest request = request(batch(now()));
                        long sent = System.nanoTime();
                        if (sent >= measureUntil) {
                            break;
                        }
                        boolean measured = sent >= measureFrom;
                        int status;
                        String answer;
                        try {
                            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                            status = response.statusCode();
                            answer = response.body();
                        } catch (java.io.IOException e) {
                            status = -1;
                            answer = e.toString();
                        }
                        long finished = System.nanoTime();
                        if (!measured) {
                            continue;
                        }
                        requests[me]++;
                        if (status / 100 == 2) {
                            latencies[me].add(finished - sent);
                            int accepted = accepted(answer);
                            if (accepted != batchSize) {
                                shorts[me]++;
                            }
                            if (finished <= measureUntil) {
                                ok[me]++;
                                events[me] += Math.max(accepted, 0);
                            }
                        } else {
                            errors[me]++;
                            if (firstError[me] == null) {
                                firstError[me] = "HTTP " + status + " " + truncate(answer);
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }, "loadgen-worker-" + w);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        if (!done.await(warmup.toSeconds() + duration.toSeconds() + 60, TimeUnit.SECONDS)) {
            workers.forEach(Thread::interrupt);
        }
        int total = 0;
        for (LongList l : latencies) {
            total += l.size;
        }
        long[] all = new long[total];
        int at = 0;
        for (LongList l : latencies) {
            System.arraycopy(l.values, 0, all, at, l.size);
            at += l.size;
        }
        Arrays.sort(all);
        String first = Arrays.stream(firstError).filter(e -> e != null).findFirst().orElse(null);
        return new PhaseResult("max (closed loop, c=" + concurrency + ")", duration.toNanos() / 1e9,
                Arrays.stream(requests).sum(), Arrays.stream(ok).sum(), Arrays.stream(events).sum(),
                Arrays.stream(errors).sum(), Arrays.stream(shorts).sum(), all, Double.NaN, first);
    }

    /**
     * Fixed rate: requests scheduled every 1/rate seconds whatever the answers (open loop). Bodies are built and
     * signed before the phase so the generator only sends during it.
     */
    public PhaseResult openLoop(double requestsPerSecond, Duration duration) throws InterruptedException {
        int n = Math.max(1, (int) Math.round(requestsPerSecond * duration.toNanos() / 1e9));
        String time = now();
        HttpRequest[] prepared = new HttpRequest[n];
        for (int k = 0; k < n; k++) {
            prepared[k] = request(batch(time));
        }
        long interval = (long) (1e9 / requestsPerSecond);
        long[] latency = new long[n];
        Arrays.fill(latency, -1);
        AtomicLong events = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong shorts = new AtomicLong();
        String[] firstError = new String[1];
        CountDownLatch done = new CountDownLatch(n);
        long t0 = System.nanoTime() + 50_000_000L;
        for (int k = 0; k < n; k++) {
            long scheduled = t0 + k * interval;
            long wait;
            while ((wait = scheduled - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            int me = k;
            client.sendAsync(prepared[k], HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
                long finished = System.nanoTime();
                if (failure == null && response.statusCode() / 100 == 2) {
                    latency[me] = finished - scheduled;
                    int accepted = accepted(response.body());
                    if (accepted != batchSize) {
                        shorts.incrementAndGet();
                    }
                    events.addAndGet(Math.max(accepted, 0));
                } else {
                    errors.incrementAndGet();
                    synchronized (firstError) {
                        if (firstError[0] == null) {
                            firstError[0] = failure != null ? failure.toString()
                                    : "HTTP " + response.statusCode() + " " + truncate(response.body());
                        }
                    }
                }
                done.countDown();
            });
            prepared[k] = null;
        }
        long sendingEnded = System.nanoTime();
        if (!done.await(REQUEST_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS)) {
            errors.addAndGet(done.getCount());
        }
        long[] ok = Arrays.stream(latency).filter(l -> l >= 0).sorted().toArray();
        double seconds = (sendingEnded - t0) / 1e9;
        return new PhaseResult(String.format(Locale.ROOT, "fixed rate (open loop, %.1f req/s)", requestsPerSecond),
                seconds, n, ok.length, events.get(), errors.get(), shorts.get(), ok, requestsPerSecond, firstError[0]);
    }

    private static String truncate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    public void close() {
        clientExecutor.shutdownNow();
    }

    public static void main(String[] args) throws Exception {
        String url = "http://127.0.0.1:18080/api/v1/events";
        int concurrency = 16;
        int duration = 20;
        int warmup = 5;
        double rate = 0;
        int batch = 100;
        boolean sign = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--url" -> url = args[++i];
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                case "--duration" -> duration = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--no-sign" -> sign = false;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        String runId = "lg" + Long.toString(System.currentTimeMillis(), 36);
        IngestLoadGenerator generator = new IngestLoadGenerator(URI.create(url), "demo", "demo-secret", sign, batch, runId);
        try {
            if (rate <= 0) {
                PhaseResult max = generator.closedLoop(concurrency, Duration.ofSeconds(warmup), Duration.ofSeconds(duration));
                System.out.println(max.summary());
                rate = max.eventsPerSecond() / 2;
            }
            PhaseResult half = generator.openLoop(rate / batch, Duration.ofSeconds(duration));
            System.out.println(half.summary());
        } finally {
            generator.close();
        }
    }
}
