package io.meterbridge.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The metering benchmark (see docs/benchmarks.md; started by bin/bench-metering). A command that prints figures, not
 * a test.
 *
 * <p>One hub measurement: writes a master-data file for T tenants, starts the packaged hub (child process, fresh data
 * directory, non-default ports) with that file and with its {@code metering} route NOT auto-started
 * ({@code camel.main.auto-startup-exclude-pattern=metering}), produces N accepted events (a share of them exact
 * re-sends) straight to the accepted topic, then starts the route through Jolokia and times it until the metering
 * consumer group has committed the end offsets of every partition (the route commits only after the batch's
 * PostgreSQL transaction, so the aggregates are complete then). Then it checks the aggregates against what was
 * produced and reads the hub's heap after a forced GC.
 *
 * <p>Then the bare baseline, in this JVM, against the same broker, topic and PostgreSQL: a plain KafkaConsumer that
 * parses the same records with Jackson and upserts the same hourly aggregates (own tables) with batched JDBC, one
 * transaction per poll, commitSync after. No dedupe and no lineage: the hub/baseline ratio is what those cost.
 */
public final class MeteringBenchmark {

    static final double TARGET_EVENTS_PER_SECOND = 60_000;
    static final double TARGET_RATIO = 0.5;

    static final String SOURCE = "bench";
    static final Instant MONTH_START = Instant.parse("2026-11-01T00:00:00Z");
    static final long MONTH_SECONDS = 30L * 86_400;
    static final String METERING_ROUTE_MBEAN = "org.apache.camel:context=meterbridge,type=routes,name=\"metering\"";

    private final StringBuilder report = new StringBuilder();
    private final PrintStream console = System.out;
    private final ObjectMapper mapper = new ObjectMapper();

    // options
    List<Integer> eventsSeries = List.of(1_000_000);
    boolean series;
    int tenants = 200;
    double duplicates = 0.10;
    int users = 10_000;
    long seed = 42;
    int httpPort = 18090;
    int kafkaPort = 19093;
    int postgresPort = 55433;
    int jolokiaPort = 18779;
    String topic = "meterbridge.events.accepted";
    String meteringGroup = "meterbridge-metering";
    boolean runBaseline = true;
    Path hubJar = Path.of("devrun/target/quarkus-app/quarkus-run.jar");
    List<String> hubJavaOpts = new ArrayList<>();
    boolean jfr;
    boolean keepData;
    int timeoutSeconds = 1800;

    private final String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    private final Path outDir = Path.of("target", "bench");
    private volatile HubProcess hub;
    private String[] userPool;

    public static void main(String[] args) throws Exception {
        MeteringBenchmark bench = new MeteringBenchmark();
        try {
            bench.parse(args);
        } catch (IllegalArgumentException e) {
            if (!"help".equals(e.getMessage())) {
                System.err.println("bench-metering: " + e.getMessage());
            }
            System.err.println(usage());
            System.exit(2);
        }
        HubProcess.runAndExit(bench::run, bench::stopHub, bench::writeReport, bench::println);
    }

    static String usage() {
        return """
                usage: bin/bench-metering [--build] [options]
                  --events N            accepted-topic records to produce, duplicates included (default 1000000)
                  --events-series LIST  e.g. 250000,1000000: the hub part once per N, a fresh hub each, heap after each;
                                        no baseline (checks that the heap stays flat as N grows)
                  --tenants T           tenants, each with its own billing account and contract (default 200)
                  --duplicates F        share of records that are exact re-sends of an earlier record (default 0.10)
                  --users U             pool of tokenized user ids of api.request (default 10000)
                  --seed S              random seed of the event stream (default 42)
                  --no-baseline         hub only
                  --http-port P         hub HTTP port (default 18090)
                  --kafka-port P        hub's embedded Kafka port (default 19093)
                  --postgres-port P     hub's embedded PostgreSQL port (default 55433)
                  --jolokia-port P      hub's Jolokia port, used to start the metering route (default 18779)
                  --hub-jar PATH        packaged default run (default devrun/target/quarkus-app/quarkus-run.jar)
                  --hub-java-opt OPT    extra JVM option for the hub child (repeatable)
                  --jfr                 record a JFR profile of the hub to target/bench/metering-hub-<timestamp>-<N>.jfr
                  --timeout S           give up waiting for the hub or the baseline after S seconds (default 1800)
                  --keep-data           keep the hub's temporary data directory""";
    }

    void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                throw new IllegalArgumentException("help");
            }
            if (a.equals("--jfr")) {
                jfr = true;
                continue;
            }
            if (a.equals("--keep-data")) {
                keepData = true;
                continue;
            }
            if (a.equals("--no-baseline")) {
                runBaseline = false;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--events" -> eventsSeries = List.of(Integer.parseInt(v.replace("_", "")));
                case "--events-series" -> {
                    eventsSeries = java.util.Arrays.stream(v.split(",")).map(s -> Integer.parseInt(s.trim().replace("_", "")))
                            .toList();
                    series = true;
                }
                case "--tenants" -> tenants = Integer.parseInt(v);
                case "--duplicates" -> duplicates = Double.parseDouble(v);
                case "--users" -> users = Integer.parseInt(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--http-port" -> httpPort = Integer.parseInt(v);
                case "--kafka-port" -> kafkaPort = Integer.parseInt(v);
                case "--postgres-port" -> postgresPort = Integer.parseInt(v);
                case "--jolokia-port" -> jolokiaPort = Integer.parseInt(v);
                case "--hub-jar" -> hubJar = Path.of(v);
                case "--hub-java-opt" -> hubJavaOpts.add(v);
                case "--timeout" -> timeoutSeconds = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (series) {
            runBaseline = false;
        }
        if (eventsSeries.isEmpty() || eventsSeries.stream().anyMatch(n -> n < 1) || tenants < 1 || users < 1
                || duplicates < 0 || duplicates >= 1) {
            throw new IllegalArgumentException("events, tenants and users must be positive, duplicates in [0, 1)");
        }
    }

    void println(String line) {
        console.println(line);
        console.flush();
        report.append(line).append('\n');
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** What was produced: the expectation the aggregates are checked against. */
    static final class Produced {
        long records;
        long unique;
        long duplicates;
        long apiRequests;
        long storageUsages;
        long featureExecutions;
        long apiCountSum;
        long uniqueLines;   // (event, metric) lines of the unique events: what the hub must count
        long allLines;      // lines of every record, duplicates included: what the baseline counts
        double seconds;
        long failures;
    }

    record HubResult(int n, Produced produced, double seconds, double startupSeconds, long heapBefore, long heapAfter,
            long heapMax, Map<String, Double> cpu, boolean correct) {
        double recordsPerSecond() {
            return produced.records / seconds;
        }
    }

    record BaselineResult(long records, double seconds, Map<String, Double> cpu, boolean correct) {
        double recordsPerSecond() {
            return records / seconds;
        }
    }

    int run() throws Exception {
        Files.createDirectories(outDir);
        println("Meterbridge metering benchmark, " + stamp);
        HubProcess.machineFacts().forEach(this::println);
        println("Load average at start: " + HubProcess.loadAverage() + " (other work on the machine skews the figures)");
        println("Layout: hub JVM (metering route + embedded Kafka broker) + embedded PostgreSQL + this JVM (producer, "
                + "baseline consumer), all on this machine");
        println(String.format(Locale.ROOT, "Settings: events %s, %d tenants, %.0f %% duplicates (exact re-sends), %d user "
                + "tokens, seed %d; mix 60 %% api.request, 25 %% storage.usage, 15 %% feature.execution over Nov 2026",
                eventsSeries, tenants, duplicates * 100, users, seed));
        println("");
        userPool = new String[users];
        SplittableRandom ur = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int i = 0; i < users; i++) {
            userPool[i] = String.format(Locale.ROOT, "tok_%016x%08x", ur.nextLong(), ur.nextInt());
        }
        Path masterData = writeMasterData();

        List<HubResult> hubResults = new ArrayList<>();
        BaselineResult baseline = null;
        for (int n : eventsSeries) {
            startHub(masterData, n);
            try {
                HubResult r = measureHub(n);
                hubResults.add(r);
                if (runBaseline) {
                    baseline = measureBaseline(r.produced());
                }
            } finally {
                stopHub();
            }
            println("");
        }
        return verdict(hubResults, baseline);
    }

    /** 200 tenants, each mapped to its own billing account with a contract covering the 5 metrics (UTC, anchor 1). */
    private Path writeMasterData() throws IOException {
        Path file = outDir.resolve("metering-master-data-" + stamp + ".yaml").toAbsolutePath();
        StringBuilder y = new StringBuilder("# Generated by MeteringBenchmark: one billing account and contract per tenant\n");
        y.append("customers:\n");
        for (int t = 0; t < tenants; t++) {
            y.append("  - tenant: ").append(tenant(t)).append('\n')
                    .append("    crmAccountId: CRM-BENCH-").append(t).append('\n')
                    .append("    billingSystem: stripe\n")
                    .append("    billingAccountId: cus_bench_").append(t).append('\n')
                    .append("    erpSystem: netsuite\n")
                    .append("    erpCustomerId: BENCH-").append(t).append('\n')
                    .append("    legalEntity: Meterbridge Bench Inc.\n")
                    .append("    currency: USD\n")
                    .append("    costCenter: CC-BENCH\n")
                    .append("    timeZone: UTC\n")
                    .append("    validFrom: 2026-01-01T00:00:00Z\n");
        }
        y.append("contracts:\n");
        String[][] metrics = {{"api_requests", "request"}, {"active_users", "user"}, {"storage_gb_peak", "GB"},
                {"storage_gb_latest", "GB"}, {"feature_runs", "run"}};
        for (int t = 0; t < tenants; t++) {
            y.append("  - contractKey: bench-usage-").append(t).append('\n')
                    .append("    billingSystem: stripe\n")
                    .append("    billingAccountId: cus_bench_").append(t).append('\n')
                    .append("    billingCycle: MONTHLY\n")
                    .append("    anchorDay: 1\n")
                    .append("    timeZone: UTC\n")
                    .append("    validFrom: 2026-01-01T00:00:00Z\n")
                    .append("    metrics:\n");
            for (String[] m : metrics) {
                y.append("      - metric: ").append(m[0]).append('\n')
                        .append("        unit: ").append(m[1]).append('\n')
                        .append("        priceVersion: ").append(m[0].replace('_', '-')).append("-bench-v1\n");
            }
        }
        Files.writeString(file, y.toString(), StandardCharsets.UTF_8);
        println("Master data: " + file + " (" + tenants + " customers, " + tenants + " contracts x 5 metrics)");
        return file;
    }

    static String tenant(int t) {
        return String.format(Locale.ROOT, "bench-t-%03d", t);
    }

    private void startHub(Path masterData, int n) throws Exception {
        List<String> props = new ArrayList<>();
        if (jfr) {
            props.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                    + outDir.resolve("metering-hub-" + stamp + "-" + n + ".jfr").toAbsolutePath());
        }
        props.add("-Dquarkus.camel.jolokia.server.auto-start=true");
        props.add("-Dhub.master-data.files=mappings/master-data/metrics.yaml," + masterData);
        // Every route starts except metering: it is started through Jolokia once the events are on the topic.
        props.add("-Dcamel.main.auto-startup-exclude-pattern=metering");
        hub = HubProcess.start(hubJar, new HubProcess.Ports(httpPort, kafkaPort, postgresPort, jolokiaPort), hubJavaOpts,
                props, outDir.resolve("metering-hub-" + stamp + "-" + n + ".log"), keepData, Duration.ofSeconds(180),
                console, this::println, HubProcess.readyExcept("metering"));
    }



    synchronized void stopHub() {
        HubProcess h = hub;
        if (h != null) {
            h.stop();
            hub = null;
        }
    }

    // ---- the event stream ----

    /** The record of unique event u: a pure function of (seed, u), so a re-send is the same bytes. */
    private String event(long u, String[] keyOut, int[] typeOut, long[] countOut) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + u);
        int mix = r.nextInt(100);
        String subject = tenant(r.nextInt(tenants));
        Instant time = MONTH_START.plusSeconds(r.nextLong(MONTH_SECONDS));
        StringBuilder s = new StringBuilder(320);
        String type;
        String data;
        if (mix < 60) {
            type = "api.request";
            long count = 1 + r.nextInt(5);
            countOut[0] = count;
            typeOut[0] = 0;
            data = "{\"count\":" + count + ",\"endpoint\":\"GET /v1/items/" + r.nextInt(50) + "\",\"user_id\":\""
                    + userPool[r.nextInt(userPool.length)] + "\"}";
        } else if (mix < 85) {
            type = "storage.usage";
            typeOut[0] = 1;
            data = "{\"bytes\":" + r.nextLong(1_000_000_000_000L) + ",\"bucket\":\"bkt-" + r.nextInt(20)
                    + "\",\"storage_class\":\"" + (r.nextBoolean() ? "STANDARD" : "ARCHIVE") + "\"}";
        } else {
            type = "feature.execution";
            typeOut[0] = 2;
            data = "{\"feature\":\"report-" + r.nextInt(10) + "\",\"duration_ms\":" + r.nextInt(5000) + "}";
        }
        keyOut[0] = subject;
        s.append("{\"specversion\":\"1.0\",\"id\":\"bm-").append(seed).append('-').append(u)
                .append("\",\"source\":\"").append(SOURCE).append("\",\"type\":\"").append(type)
                .append("\",\"subject\":\"").append(subject).append("\",\"time\":\"").append(time)
                .append("\",\"data\":").append(data).append(",\"meterbridgeschema\":\"").append(type)
                .append("/v1\",\"meterbridgereceived\":\"2026-12-01T03:00:00Z\"}");
        return s.toString();
    }

    private static final int[] LINES_PER_TYPE = {2, 2, 1}; // api.request, storage.usage, feature.execution

    /** Produces n records; record k is a re-send when floor((k+1)d) > floor(kd), of a uniformly chosen earlier one. */
    private Produced produce(int n) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, hub.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(128L * 1024 * 1024));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        Produced out = new Produced();
        AtomicLong failures = new AtomicLong();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        SplittableRandom dupRandom = new SplittableRandom(seed ^ 0xD0D0L);
        String[] key = new String[1];
        int[] type = new int[1];
        long[] count = new long[1];
        byte[] source = SOURCE.getBytes(StandardCharsets.UTF_8);
        byte[][] schemas = {"api.request/v1".getBytes(StandardCharsets.UTF_8),
                "storage.usage/v1".getBytes(StandardCharsets.UTF_8), "feature.execution/v1".getBytes(StandardCharsets.UTF_8)};
        long t0 = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (long k = 0; k < n; k++) {
                boolean resend = out.unique > 0 && (long) ((k + 1) * duplicates) > (long) (k * duplicates);
                long u = resend ? dupRandom.nextLong(out.unique) : out.unique;
                String json = event(u, key, type, count);
                if (resend) {
                    out.duplicates++;
                } else {
                    out.unique++;
                    out.uniqueLines += LINES_PER_TYPE[type[0]];
                    switch (type[0]) {
                        case 0 -> {
                            out.apiRequests++;
                            out.apiCountSum += count[0];
                        }
                        case 1 -> out.storageUsages++;
                        default -> out.featureExecutions++;
                    }
                }
                out.allLines += LINES_PER_TYPE[type[0]];
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key[0],
                        json.getBytes(StandardCharsets.UTF_8));
                record.headers().add("meterbridge-source", source).add("meterbridge-schema", schemas[type[0]]);
                producer.send(record, (md, e) -> {
                    if (e != null) {
                        failures.incrementAndGet();
                        firstFailure.compareAndSet(null, e);
                    }
                });
                out.records++;
            }
            producer.flush();
        }
        out.seconds = (System.nanoTime() - t0) / 1e9;
        out.failures = failures.get();
        if (out.failures > 0) {
            throw new IllegalStateException(out.failures + " records failed to produce", firstFailure.get());
        }
        return out;
    }

    // ---- the hub ----

    private HubResult measureHub(int n) throws Exception {
        println("== hub, N = " + n);
        String state = jolokia("{\"type\":\"read\",\"mbean\":" + mapper.writeValueAsString(METERING_ROUTE_MBEAN)
                + ",\"attribute\":\"State\"}").path("value").asText();
        println("  metering route state before producing: " + state + " (Jolokia)");
        if (!"Stopped".equals(state)) {
            throw new IllegalStateException("the metering route is " + state + ", expected Stopped: the measurement "
                    + "would include the production");
        }
        long heapMax = heapMax();
        long heapBefore = heapAfterGc();
        println(String.format(Locale.ROOT, "  hub heap after GC, before producing: %.1f MiB (max %.0f MiB)",
                heapBefore / 1048576.0, heapMax / 1048576.0));

        Produced produced = produce(n);
        println(String.format(Locale.ROOT, "  produced %d records (%d unique events, %d re-sends; %d api.request, "
                + "%d storage.usage, %d feature.execution) in %.1f s = %.0f records/s", produced.records, produced.unique,
                produced.duplicates, produced.apiRequests, produced.storageUsages, produced.featureExecutions,
                produced.seconds, produced.records / produced.seconds));

        try (Admin admin = admin()) {
            Map<TopicPartition, Long> end = endOffsets(admin);
            long endTotal = end.values().stream().mapToLong(Long::longValue).sum();
            if (endTotal != produced.records) {
                throw new IllegalStateException("the topic holds " + endTotal + " records, produced " + produced.records);
            }
            Map<String, Long> cpuBefore = cpuNanos(true);
            long t0 = System.nanoTime();
            JsonNode started = jolokia("{\"type\":\"exec\",\"mbean\":" + mapper.writeValueAsString(METERING_ROUTE_MBEAN)
                    + ",\"operation\":\"start()\"}");
            if (started.path("status").asInt() != 200) {
                throw new IllegalStateException("Jolokia could not start the metering route: " + started);
            }
            // Complete = every unique event metered. The route counts meterbridge.metering.events{outcome=metered}
            // per batch after its PostgreSQL transaction committed, once per unique event (a re-send is never fresh
            // again), so when it reaches the number of unique events the aggregates hold every event. (The consumer
            // group's committed offsets cannot be used: see the offsets line below.)
            long[] firstMetered = {-1};
            long[] nextReport = {t0 + TimeUnit.SECONDS.toNanos(5)};
            long[] metered = {0};
            try {
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(timeoutSeconds))
                        .pollInterval(Duration.ofMillis(100)).until(() -> {
                            metered[0] = meteredCounter();
                            long now = System.nanoTime();
                            if (metered[0] > 0 && firstMetered[0] < 0) {
                                firstMetered[0] = now;
                            }
                            if (!hub.handle().isAlive()) {
                                throw new IllegalStateException("the hub exited; see " + hub.log());
                            }
                            if (now > nextReport[0]) {
                                println(String.format(Locale.ROOT, "  ... %.0f s: %d of %d unique events metered",
                                        (now - t0) / 1e9, metered[0], produced.unique));
                                nextReport[0] = now + TimeUnit.SECONDS.toNanos(10);
                            }
                            return metered[0] >= produced.unique;
                        });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new IllegalStateException("the hub metered " + metered[0] + " of " + produced.unique
                        + " unique events in " + timeoutSeconds + " s; see " + hub.log());
            }
            long t1 = System.nanoTime();
            double seconds = (t1 - t0) / 1e9;
            Map<String, Double> cpu = cpuShare(cpuBefore, cpuNanos(true), seconds);
            boolean offsetsOk;
            double startup = firstMetered[0] < 0 ? 0 : (firstMetered[0] - t0) / 1e9;
            println(String.format(Locale.ROOT, "  metered %d records in %.2f s from the route start (first batch "
                    + "seen after %.2f s): %.0f records/s, %.0f unique events/s", produced.records, seconds, startup,
                    produced.records / seconds, produced.unique / seconds));
            // The last batch's offsets are committed just after its transaction: give them up to 10 s to land.
            long committed;
            try {
                committed = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> committed(admin, meteringGroup, end.keySet()), c -> c == endTotal);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                committed = committed(admin, meteringGroup, end.keySet());
            }
            println(String.format(Locale.ROOT, "  %-8s consumer group %s committed offsets = %d of %d records%s",
                    committed == endTotal ? "OK" : "MISMATCH", meteringGroup, committed, endTotal,
                    committed == endTotal ? "" : " (a restart would replay " + (endTotal - committed) + " records)"));
            offsetsOk = committed == endTotal;
            println("  CPU during metering (cores): " + formatCpu(cpu));
            long heapAfter = heapAfterGc();
            println(String.format(Locale.ROOT, "  hub heap after GC, after metering: %.1f MiB (%+.1f MiB)",
                    heapAfter / 1048576.0, (heapAfter - heapBefore) / 1048576.0));
            boolean correct = checkHub(produced) & offsetsOk;
            return new HubResult(n, produced, seconds, startup, heapBefore, heapAfter, heapMax, cpu, correct);
        }
    }

    private boolean checkHub(Produced p) throws SQLException {
        try (Connection c = jdbc(); Statement s = c.createStatement()) {
            long eventCount = single(s, "SELECT coalesce(sum(event_count), 0) FROM usage_hourly");
            long metered = single(s, "SELECT count(*) FROM metered_event");
            long quarantined = single(s, "SELECT count(*) FROM quarantined_event");
            long apiSum = single(s, "SELECT coalesce(sum(quantity), 0)::bigint FROM usage_hourly WHERE metric = 'api_requests'");
            long featureRuns = single(s, "SELECT coalesce(sum(quantity), 0)::bigint FROM usage_hourly WHERE metric = 'feature_runs'");
            boolean ok = true;
            ok &= check("usage_hourly sum(event_count)", eventCount, p.uniqueLines);
            ok &= check("metered_event count(*)", metered, p.uniqueLines);
            ok &= check("quarantined_event count(*)", quarantined, 0);
            ok &= check("api_requests sum(quantity)", apiSum, p.apiCountSum);
            ok &= check("feature_runs sum(quantity)", featureRuns, p.featureExecutions);
            return ok;
        }
    }

    private boolean check(String what, long actual, long expected) {
        boolean ok = actual == expected;
        println(String.format(Locale.ROOT, "  %-8s %s = %d (expected %d%s)", ok ? "OK" : "MISMATCH", what, actual,
                expected, ok ? "" : String.format(Locale.ROOT, ", %+d", actual - expected)));
        return ok;
    }

    private static long single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Connection jdbc() throws SQLException {
        return DriverManager.getConnection(hub.jdbcUrl(), "postgres", "postgres");
    }

    private Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, hub.bootstrapServers());
        return Admin.create(p);
    }

    private Map<TopicPartition, Long> endOffsets(Admin admin) throws Exception {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        d.partitions().forEach(pi -> specs.put(new TopicPartition(topic, pi.partition()), OffsetSpec.latest()));
        Map<TopicPartition, Long> end = new TreeMap<>(java.util.Comparator.comparingInt(TopicPartition::partition));
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : admin.listOffsets(specs).all()
                .get(30, TimeUnit.SECONDS).entrySet()) {
            end.put(e.getKey(), e.getValue().offset());
        }
        return end;
    }

    private static long committed(Admin admin, String group, Set<TopicPartition> partitions) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        long sum = 0;
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata o = offsets.get(tp);
            sum += o == null ? 0 : o.offset();
        }
        return sum;
    }

    private static final Pattern METERED = Pattern.compile(
            "(?m)^meterbridge_metering_events_total\\{outcome=\"metered\"\\} ([0-9.Ee+]+)$");

    /** The hub's meterbridge.metering.events{outcome=metered} counter, from /q/metrics (Prometheus text). */
    private long meteredCounter() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/metrics"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = METERED.matcher(r.body());
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private JsonNode jolokia(String body) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + jolokiaPort + "/jolokia/"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode answer = mapper.readTree(r.body());
        if (r.statusCode() != 200 || answer.path("status").asInt() != 200) {
            throw new IllegalStateException("Jolokia " + body + " answered " + r.statusCode() + ": " + r.body());
        }
        return answer;
    }

    // ---- heap of the hub (jcmd) ----

    private String jcmd(String command) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(hub.pid()), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed: " + out);
        }
        return out;
    }

    private static final Pattern USED = Pattern.compile("total (\\d+)K, used (\\d+)K");

    /** Used heap in bytes after {@code jcmd GC.run}: G1's "garbage-first heap" line, else the sum of the generations. */
    private long heapAfterGc() throws Exception {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        long used = 0;
        for (String line : info.split("\n")) {
            if (line.contains("Metaspace") || line.contains("class space")) {
                continue;
            }
            Matcher m = USED.matcher(line);
            if (m.find()) {
                if (line.contains("garbage-first heap")) {
                    return Long.parseLong(m.group(2)) * 1024;
                }
                used += Long.parseLong(m.group(2)) * 1024;
            }
        }
        if (used == 0) {
            throw new IllegalStateException("cannot read the heap from: " + info);
        }
        return used;
    }

    private long heapMax() throws Exception {
        String flags = jcmd("VM.flags");
        Matcher m = Pattern.compile("-XX:MaxHeapSize=(\\d+)").matcher(flags);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    // ---- CPU ----

    private Map<String, Long> cpuNanos(boolean hubPhase) {
        Map<String, Long> cpu = new LinkedHashMap<>();
        HubProcess h = hub;
        cpu.put(hubPhase ? "hub JVM+broker" : "broker (hub JVM)", h == null ? 0 : h.hubCpuNanos());
        cpu.put("postgres", h == null ? 0 : h.postgresCpuNanos());
        cpu.put(hubPhase ? "bench JVM" : "baseline (bench JVM)", HubProcess.cpu(ProcessHandle.current()));
        long ours = cpu.values().stream().mapToLong(Long::longValue).sum();
        long machine = HubProcess.machineBusyNanos();
        if (machine >= 0) {
            cpu.put("other processes", Math.max(0, machine - ours));
        }
        return cpu;
    }

    private static Map<String, Double> cpuShare(Map<String, Long> before, Map<String, Long> after, double seconds) {
        Map<String, Double> share = new LinkedHashMap<>();
        after.forEach((k, v) -> share.put(k, (v - before.getOrDefault(k, 0L)) / 1e9 / seconds));
        return share;
    }

    private static String formatCpu(Map<String, Double> cpu) {
        StringBuilder s = new StringBuilder();
        cpu.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(' ')
                .append(String.format(Locale.ROOT, "%.2f", v)));
        return s.toString();
    }

    // ---- the bare baseline ----

    enum Agg {
        SUM, COUNT, MAX, UNIQUE_COUNT, LATEST
    }

    /** The catalog of mappings/master-data/metrics.yaml, hard-coded: metric, aggregation, unit, field, factor. */
    record Feed(String metric, Agg aggregation, String unit, String field, BigDecimal factor) {
    }

    static final Map<String, List<Feed>> FEEDS = Map.of(
            "api.request", List.of(new Feed("api_requests", Agg.SUM, "request", "count", BigDecimal.ONE),
                    new Feed("active_users", Agg.UNIQUE_COUNT, "user", "user_id", BigDecimal.ONE)),
            "storage.usage", List.of(new Feed("storage_gb_peak", Agg.MAX, "GB", "bytes", new BigDecimal("0.000000001")),
                    new Feed("storage_gb_latest", Agg.LATEST, "GB", "bytes", new BigDecimal("0.000000001"))),
            "feature.execution", List.of(new Feed("feature_runs", Agg.COUNT, "run", null, BigDecimal.ONE)));

    static final class BaselineBucket {
        final String subject;
        final long contractId;
        final Feed feed;
        final Instant bucket;
        BigDecimal quantity;
        long events;
        Instant latestTime;
        Set<String> values;

        BaselineBucket(String subject, long contractId, Feed feed, Instant bucket, BigDecimal quantity, Instant time) {
            this.subject = subject;
            this.contractId = contractId;
            this.feed = feed;
            this.bucket = bucket;
            this.quantity = quantity;
            this.latestTime = time;
        }
    }

    private BaselineResult measureBaseline(Produced produced) throws Exception {
        println("== baseline (plain KafkaConsumer + Jackson + batched JDBC upserts, own tables, same broker and PostgreSQL)");
        Map<String, Long> contractByTenant = new HashMap<>();
        try (Connection c = jdbc(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS bench_usage_hourly, bench_usage_unique_value");
            s.execute("CREATE TABLE bench_usage_hourly (LIKE usage_hourly INCLUDING ALL)");
            s.execute("CREATE TABLE bench_usage_unique_value (LIKE usage_unique_value INCLUDING ALL)");
            try (ResultSet rs = s.executeQuery("""
                    SELECT m.tenant, c.id FROM customer_mapping m JOIN contract c
                      ON c.billing_system = m.billing_system AND c.billing_account_id = m.billing_account_id""")) {
                while (rs.next()) {
                    contractByTenant.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, hub.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-baseline-" + stamp);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        long consumed = 0;
        Map<String, Long> cpuBefore;
        Map<String, Long> cpuAfter;
        long t0;
        long t1;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                Connection c = jdbc();
                PreparedStatement unique = c.prepareStatement("""
                        INSERT INTO bench_usage_unique_value (subject, contract_id, metric, bucket_start, value)
                        VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""");
                PreparedStatement upsert = c.prepareStatement("""
                        INSERT INTO bench_usage_hourly AS u (subject, contract_id, metric, bucket_start, aggregation, unit,
                          quantity, event_count, late_event_count, latest_time)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)
                        ON CONFLICT (subject, contract_id, metric, bucket_start) DO UPDATE SET
                          quantity = CASE u.aggregation
                            WHEN 'MAX' THEN greatest(u.quantity, EXCLUDED.quantity)
                            WHEN 'LATEST' THEN CASE WHEN EXCLUDED.latest_time >= u.latest_time THEN EXCLUDED.quantity ELSE u.quantity END
                            ELSE u.quantity + EXCLUDED.quantity END,
                          event_count = u.event_count + EXCLUDED.event_count,
                          latest_time = greatest(u.latest_time, EXCLUDED.latest_time)""")) {
            c.setAutoCommit(false);
            // Measured from here: the PostgreSQL backend of this connection exists, so its CPU is counted.
            cpuBefore = cpuNanos(false);
            t0 = System.nanoTime();
            long deadline = t0 + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            consumer.subscribe(List.of(topic));
            while (consumed < produced.records) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the baseline consumed " + consumed + " of " + produced.records
                            + " records in " + timeoutSeconds + " s");
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(250));
                if (records.isEmpty()) {
                    continue;
                }
                Map<String, BaselineBucket> buckets = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    JsonNode event = mapper.readTree(record.value());
                    String subject = event.path("subject").asText();
                    Instant time = Instant.parse(event.path("time").asText());
                    Instant hour = time.truncatedTo(ChronoUnit.HOURS); // every bench contract is UTC
                    Long contractId = contractByTenant.get(subject);
                    List<Feed> feeds = FEEDS.get(event.path("type").asText());
                    if (contractId == null || feeds == null) {
                        throw new IllegalStateException("baseline cannot attribute " + event);
                    }
                    JsonNode data = event.path("data");
                    for (Feed feed : feeds) {
                        BigDecimal quantity = switch (feed.aggregation()) {
                            case COUNT, UNIQUE_COUNT -> BigDecimal.ONE;
                            default -> data.path(feed.field()).decimalValue().multiply(feed.factor());
                        };
                        String key = subject + '\u0000' + feed.metric() + '\u0000' + hour;
                        BaselineBucket b = buckets.get(key);
                        if (b == null) {
                            b = new BaselineBucket(subject, contractId, feed, hour, quantity, time);
                            buckets.put(key, b);
                        } else {
                            switch (feed.aggregation()) {
                                case SUM, COUNT -> b.quantity = b.quantity.add(quantity);
                                case MAX -> b.quantity = b.quantity.max(quantity);
                                case LATEST -> {
                                    if (!time.isBefore(b.latestTime)) {
                                        b.quantity = quantity;
                                    }
                                }
                                case UNIQUE_COUNT -> { }
                            }
                            if (time.isAfter(b.latestTime)) {
                                b.latestTime = time;
                            }
                        }
                        b.events++;
                        if (feed.aggregation() == Agg.UNIQUE_COUNT) {
                            if (b.values == null) {
                                b.values = new HashSet<>();
                            }
                            b.values.add(data.path(feed.field()).asText());
                        }
                    }
                }
                // UNIQUE_COUNT: the values new to their bucket, from the batch's update counts.
                List<BaselineBucket> uniqueBuckets = new ArrayList<>();
                for (BaselineBucket b : buckets.values()) {
                    if (b.values != null) {
                        uniqueBuckets.add(b);
                        for (String value : b.values) {
                            unique.setString(1, b.subject);
                            unique.setLong(2, b.contractId);
                            unique.setString(3, b.feed.metric());
                            unique.setTimestamp(4, Timestamp.from(b.bucket));
                            unique.setString(5, value);
                            unique.addBatch();
                        }
                    }
                }
                if (!uniqueBuckets.isEmpty()) {
                    int[] counts = unique.executeBatch();
                    int i = 0;
                    for (BaselineBucket b : uniqueBuckets) {
                        long fresh = 0;
                        for (int v = 0; v < b.values.size(); v++) {
                            fresh += counts[i++] > 0 ? 1 : 0;
                        }
                        b.quantity = BigDecimal.valueOf(fresh);
                    }
                }
                for (BaselineBucket b : buckets.values()) {
                    upsert.setString(1, b.subject);
                    upsert.setLong(2, b.contractId);
                    upsert.setString(3, b.feed.metric());
                    upsert.setTimestamp(4, Timestamp.from(b.bucket));
                    upsert.setString(5, b.feed.aggregation().name());
                    upsert.setString(6, b.feed.unit());
                    upsert.setBigDecimal(7, b.quantity);
                    upsert.setLong(8, b.events);
                    upsert.setTimestamp(9, Timestamp.from(b.latestTime));
                    upsert.addBatch();
                }
                upsert.executeBatch();
                c.commit();
                consumer.commitSync();
                consumed += records.count();
            }
            t1 = System.nanoTime();
            cpuAfter = cpuNanos(false); // before the connection closes and its backend exits
        }
        double seconds = (t1 - t0) / 1e9;
        Map<String, Double> cpu = cpuShare(cpuBefore, cpuAfter, seconds);
        println(String.format(Locale.ROOT, "  consumed and upserted %d records in %.2f s: %.0f records/s", consumed,
                seconds, consumed / seconds));
        println("  CPU during the baseline (cores): " + formatCpu(cpu));
        boolean correct;
        try (Connection c = jdbc(); Statement s = c.createStatement()) {
            // No dedupe: every re-send is counted again, so the baseline's figures include the duplicates.
            correct = check("bench_usage_hourly sum(event_count), re-sends included",
                    single(s, "SELECT coalesce(sum(event_count), 0) FROM bench_usage_hourly"), produced.allLines);
            correct &= check("bench active_users sum(quantity) = usage_hourly's",
                    single(s, "SELECT coalesce(sum(quantity), 0)::bigint FROM bench_usage_hourly WHERE metric = 'active_users'"),
                    single(s, "SELECT coalesce(sum(quantity), 0)::bigint FROM usage_hourly WHERE metric = 'active_users'"));
        }
        return new BaselineResult(consumed, seconds, cpu, correct);
    }

    // ---- verdict ----

    private int verdict(List<HubResult> hubResults, BaselineResult baseline) {
        println("Results (records/s = accepted-topic records, re-sends included, from the start of the consumer until "
                + "every unique event was metered (hub) / every record was consumed and committed (baseline))");
        String header = String.format(Locale.ROOT, "%-9s %9s %9s %9s %10s %10s %11s %11s %8s", "target", "records",
                "unique", "re-sends", "records/s", "unique/s", "heap0 MiB", "heap1 MiB", "checks");
        println(header);
        println("-".repeat(header.length()));
        for (HubResult r : hubResults) {
            println(String.format(Locale.ROOT, "%-9s %9d %9d %9d %10.0f %10.0f %11.1f %11.1f %8s", "hub",
                    r.produced().records, r.produced().unique, r.produced().duplicates, r.recordsPerSecond(),
                    r.produced().unique / r.seconds(), r.heapBefore() / 1048576.0, r.heapAfter() / 1048576.0,
                    r.correct() ? "OK" : "MISMATCH"));
        }
        if (baseline != null) {
            println(String.format(Locale.ROOT, "%-9s %9d %9s %9s %10.0f %10s %11s %11s %8s", "baseline",
                    baseline.records(), "-", "-", baseline.recordsPerSecond(), "-", "-", "-",
                    baseline.correct() ? "OK" : "MISMATCH"));
        }
        println("heap0/heap1: hub heap used after a forced GC (jcmd GC.run), before producing / after metering; "
                + String.format(Locale.ROOT, "hub max heap %.0f MiB", hubResults.get(0).heapMax() / 1048576.0));
        println("");
        boolean pass = true;
        HubResult last = hubResults.get(hubResults.size() - 1);
        for (HubResult r : hubResults) {
            boolean ok = r.recordsPerSecond() >= TARGET_EVENTS_PER_SECOND;
            pass &= ok;
            println(String.format(Locale.ROOT, "%s  hub throughput %.0f records/s at N=%d (target >= %.0f)",
                    ok ? "PASS" : "FAIL", r.recordsPerSecond(), r.n(), TARGET_EVENTS_PER_SECOND));
            pass &= r.correct();
            println(String.format(Locale.ROOT, "%s  hub aggregates complete and counted once at N=%d",
                    r.correct() ? "PASS" : "FAIL", r.n()));
        }
        if (baseline != null) {
            double ratio = last.recordsPerSecond() / baseline.recordsPerSecond();
            boolean ok = ratio >= TARGET_RATIO;
            pass &= ok;
            println(String.format(Locale.ROOT, "%s  hub/baseline %.2f (%.0f / %.0f records/s; target >= %.1f)",
                    ok ? "PASS" : "FAIL", ratio, last.recordsPerSecond(), baseline.recordsPerSecond(), TARGET_RATIO));
            pass &= baseline.correct();
        }
        if (hubResults.size() > 1) {
            HubResult first = hubResults.get(0);
            long growth = last.heapAfter() - first.heapAfter();
            long allowed = Math.max(32L << 20, first.heapAfter() / 10);
            boolean ok = growth <= allowed;
            pass &= ok;
            println(String.format(Locale.ROOT, "%s  heap flat as N grows: %.1f MiB after N=%d, %.1f MiB after N=%d "
                    + "(%+.1f MiB; allowed +%.0f MiB)", ok ? "PASS" : "FAIL", first.heapAfter() / 1048576.0, first.n(),
                    last.heapAfter() / 1048576.0, last.n(), growth / 1048576.0, allowed / 1048576.0));
        } else {
            println(String.format(Locale.ROOT, "INFO  hub heap after GC %.1f MiB after N=%d (%+.1f MiB over the run); "
                    + "use --events-series to check that it stays flat as N grows", last.heapAfter() / 1048576.0,
                    last.n(), (last.heapAfter() - last.heapBefore()) / 1048576.0));
        }
        println(pass ? "OVERALL: PASS" : "OVERALL: FAIL");
        println("Load average at end: " + HubProcess.loadAverage());
        return pass ? 0 : 1;
    }

    private void writeReport() {
        try {
            Files.createDirectories(outDir);
            Path file = outDir.resolve("metering-" + stamp + ".txt");
            Files.writeString(file, report.toString(), StandardCharsets.UTF_8);
            console.println("Figures written to " + file);
        } catch (IOException e) {
            console.println("could not write the report: " + e);
        }
    }
}
