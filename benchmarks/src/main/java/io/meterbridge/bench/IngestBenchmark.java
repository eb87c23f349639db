package io.meterbridge.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One run of the ingestion benchmark (see docs/benchmarks.md; started by bin/bench-ingest). It starts the packaged
 * hub as a child process in its embedded default (its own Kafka broker and PostgreSQL, fresh data directory,
 * non-default ports), then the bare {@link BaselineIngestServer} as a second child producing to the same broker,
 * and for each target runs the max-throughput phase (closed loop) and then a fixed-rate phase at half that rate
 * (open loop). Prints a table, the hub/baseline ratio and PASS/FAIL against the targets, writes the same text to
 * target/bench/ingest-&lt;timestamp&gt;.txt and stops both children, also on failure.
 */
public final class IngestBenchmark {

    static final double TARGET_EVENTS_PER_SECOND = 25_000;
    static final double TARGET_P99_MILLIS_AT_HALF = 50;
    static final double TARGET_RATIO = 0.5;

    private final StringBuilder report = new StringBuilder();
    private final PrintStream console = System.out;

    // options
    int duration = 20;
    int warmup = 45; // the hub (Quarkus, Camel and a Kafka broker in one JVM) needs this long for the JIT to settle on 2 cores
    int concurrency = 16;
    int batch = 100;
    int httpPort = 18080;
    int kafkaPort = 19092;
    int postgresPort = 55432;
    int baselinePort = 18081;
    int jolokiaPort = 18778;
    List<String> targets = List.of("hub", "baseline");
    Path hubJar = Path.of("devrun/target/quarkus-app/quarkus-run.jar");
    List<String> hubJavaOpts = new ArrayList<>();
    boolean withMetering;
    boolean jfr;
    boolean keepData;

    private final String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    private final Path outDir = Path.of("target", "bench");
    private HubProcess hub;
    private Process baseline;

    public static void main(String[] args) throws Exception {
        IngestBenchmark bench = new IngestBenchmark();
        try {
            bench.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench-ingest: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
        }
        HubProcess.runAndExit(bench::run, bench::stopChildren, bench::writeReport, bench::println);
    }

    static String usage() {
        return """
                usage: bin/bench-ingest [--build] [options]
                  --duration S        seconds of each measured phase (default 20)
                  --warmup S          warm-up before the max-throughput phase, not recorded (default 45: JIT warm-up)
                  --concurrency C     closed-loop workers in the max-throughput phase (default 16)
                  --batch N           events per request (default 100)
                  --targets LIST      comma-separated, in order: hub,baseline (default hub,baseline)
                  --http-port P       hub HTTP port (default 18080)
                  --kafka-port P      hub's embedded Kafka port (default 19092)
                  --postgres-port P   hub's embedded PostgreSQL port (default 55432)
                  --baseline-port P   baseline server port (default 18081)
                  --jolokia-port P    hub's Jolokia port, bound even though not started (default 18778)
                  --hub-jar PATH      packaged default run (default devrun/target/quarkus-app/quarkus-run.jar)
                  --hub-java-opt OPT  extra JVM option for the hub child (repeatable)
                  --jfr               record a JFR profile of the hub to target/bench/hub-<timestamp>.jfr
                  --keep-data         keep the hub's temporary data directory
                  --with-metering     keep the metering route running (off: ingestion measured alone)""";
    }

    void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            java.util.function.Supplier<String> next = () -> {
                throw new IllegalArgumentException(a + " needs a value");
            };
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--duration" -> duration = Integer.parseInt(value == null ? next.get() : args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(value == null ? next.get() : args[++i]);
                case "--concurrency" -> concurrency = Integer.parseInt(value == null ? next.get() : args[++i]);
                case "--batch" -> batch = Integer.parseInt(value == null ? next.get() : args[++i]);
                case "--targets" -> targets = List.of((value == null ? next.get() : args[++i]).split(","));
                case "--http-port" -> httpPort = Integer.parseInt(value == null ? next.get() : args[++i]);
                case "--kafka-port" -> kafkaPort = Integer.parseInt(value == null ? next.get() : args[++i]);
                case "--postgres-port" -> postgresPort = Integer.parseInt(value == null ? next.get() : args[++i]);
                case "--jolokia-port" -> jolokiaPort = Integer.parseInt(value == null ? next.get() : args[++i]);
                case "--baseline-port" -> baselinePort = Integer.parseInt(value == null ? next.get() : args[++i]);
                case "--hub-jar" -> hubJar = Path.of(value == null ? next.get() : args[++i]);
                case "--hub-java-opt" -> hubJavaOpts.add(value == null ? next.get() : args[++i]);
                case "--with-metering" -> withMetering = true;
                case "--jfr" -> jfr = true;
                case "--keep-data" -> keepData = true;
                case "-h", "--help" -> throw new IllegalArgumentException("help");
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        for (String t : targets) {
            if (!t.equals("hub") && !t.equals("baseline")) {
                throw new IllegalArgumentException("unknown target " + t);
            }
        }
        if (duration < 1 || warmup < 0 || concurrency < 1 || batch < 1) {
            throw new IllegalArgumentException("duration, concurrency and batch must be positive");
        }
    }

    void println(String line) {
        console.println(line);
        console.flush();
        report.append(line).append('\n');
    }

    /** Figures of one target. */
    record TargetResult(String target, IngestLoadGenerator.PhaseResult max, IngestLoadGenerator.PhaseResult half,
            Map<String, Double> cpuAtMax, Map<String, Double> cpuAtHalf) {
    }

    int run() throws Exception {
        Files.createDirectories(outDir);
        println("Meterbridge ingestion benchmark, " + stamp);
        machineFacts();
        println(String.format(Locale.ROOT,
                "Settings: %d-event signed batches, max phase: %d closed-loop workers, %d s warm-up + %d s measured; "
                        + "half-rate phase: open loop, %d s", batch, concurrency, warmup, duration, duration));
        println("");

        startHub();
        if (targets.contains("baseline")) {
            startBaseline();
        }

        String runId = "bench" + Long.toString(System.currentTimeMillis(), 36);
        List<TargetResult> results = new ArrayList<>();
        for (String target : targets) {
            URI url = URI.create(target.equals("hub")
                    ? "http://127.0.0.1:" + httpPort + "/api/v1/events"
                    : "http://127.0.0.1:" + baselinePort + "/ingest");
            IngestLoadGenerator generator = new IngestLoadGenerator(url, "demo", "demo-secret", true, batch,
                    runId + "-" + target);
            try {
                println("== " + target + " (" + url + ")");
                Map<String, Long> before = cpuNanos();
                IngestLoadGenerator.PhaseResult max = generator.closedLoop(concurrency, Duration.ofSeconds(warmup),
                        Duration.ofSeconds(duration));
                Map<String, Double> cpuMax = cpuShare(before, cpuNanos(), duration + warmup);
                println("  " + max.summary());
                println("  CPU during max phase (cores, incl. warm-up): " + formatCpu(cpuMax));
                double rate = max.eventsPerSecond() / 2 / batch;
                IngestLoadGenerator.PhaseResult half;
                Map<String, Double> cpuHalf;
                if (rate <= 0) {
                    println("  no successful request at max: skipping the half-rate phase");
                    half = null;
                    cpuHalf = Map.of();
                } else {
                    before = cpuNanos();
                    half = generator.openLoop(rate, Duration.ofSeconds(duration));
                    cpuHalf = cpuShare(before, cpuNanos(), duration);
                    println("  " + half.summary());
                    println("  CPU during half-rate phase (cores): " + formatCpu(cpuHalf));
                }
                results.add(new TargetResult(target, max, half, cpuMax, cpuHalf));
            } finally {
                generator.close();
            }
            println("");
        }
        return verdict(results);
    }

    private int verdict(List<TargetResult> results) {
        println("Results (events/s counted from 2xx answers; latencies from send, at half rate from the scheduled send time)");
        String header = String.format(Locale.ROOT, "%-9s %10s %8s %8s | %10s %8s %8s %9s | %7s",
                "target", "max ev/s", "p50 ms", "p99 ms", "half ev/s", "p50 ms", "p99 ms", "max ms", "errors");
        println(header);
        println("-".repeat(header.length()));
        TargetResult hubResult = null;
        TargetResult baselineResult = null;
        for (TargetResult r : results) {
            IngestLoadGenerator.PhaseResult h = r.half();
            long errors = r.max().errors() + (h == null ? 0 : h.errors());
            long shorts = r.max().shortAnswers() + (h == null ? 0 : h.shortAnswers());
            println(String.format(Locale.ROOT, "%-9s %10.0f %8.1f %8.1f | %10.0f %8.1f %8.1f %9.1f | %7d%s",
                    r.target(), r.max().eventsPerSecond(), r.max().percentileMillis(50), r.max().percentileMillis(99),
                    h == null ? 0 : h.targetRequestsPerSecond() * batch,
                    h == null ? Double.NaN : h.percentileMillis(50), h == null ? Double.NaN : h.percentileMillis(99),
                    h == null ? Double.NaN : h.maxMillis(), errors, shorts == 0 ? "" : " (+" + shorts + " short answers)"));
            if (r.target().equals("hub")) {
                hubResult = r;
            } else {
                baselineResult = r;
            }
        }
        println("");
        boolean pass = true;
        if (hubResult != null) {
            double evs = hubResult.max().eventsPerSecond();
            boolean ok = evs >= TARGET_EVENTS_PER_SECOND;
            pass &= ok;
            println(String.format(Locale.ROOT, "%s  hub max throughput %.0f events/s (target >= %.0f)",
                    ok ? "PASS" : "FAIL", evs, TARGET_EVENTS_PER_SECOND));
            double p99 = hubResult.half() == null ? Double.NaN : hubResult.half().percentileMillis(99);
            ok = p99 <= TARGET_P99_MILLIS_AT_HALF && hubResult.half().errors() == 0;
            pass &= ok;
            println(String.format(Locale.ROOT, "%s  hub p99 at half rate %.1f ms (target <= %.0f ms, no errors)",
                    ok ? "PASS" : "FAIL", p99, TARGET_P99_MILLIS_AT_HALF));
            long errors = hubResult.max().errors() + (hubResult.half() == null ? 0 : hubResult.half().errors());
            ok = errors == 0;
            pass &= ok;
            println(String.format(Locale.ROOT, "%s  hub errors %d (target 0)", ok ? "PASS" : "FAIL", errors));
        }
        if (hubResult != null && baselineResult != null) {
            double ratio = hubResult.max().eventsPerSecond() / baselineResult.max().eventsPerSecond();
            boolean ok = ratio >= TARGET_RATIO;
            pass &= ok;
            println(String.format(Locale.ROOT, "%s  hub/baseline max throughput %.2f (target >= %.1f)",
                    ok ? "PASS" : "FAIL", ratio, TARGET_RATIO));
        }
        println(pass ? "OVERALL: PASS" : "OVERALL: FAIL");
        println("Load average at end: " + HubProcess.loadAverage());
        return pass ? 0 : 1;
    }

    private void machineFacts() {
        HubProcess.machineFacts().forEach(this::println);
        println("Load average at start: " + HubProcess.loadAverage() + " (other work on the machine skews the figures)");
        println("Layout: hub JVM (HTTP + embedded Kafka broker) + embedded PostgreSQL + baseline JVM + this generator,"
                + " all on this machine");
    }

    // ---- CPU accounting (per process, from /proc via ProcessHandle) ----

    private Map<String, Long> cpuNanos() {
        Map<String, Long> cpu = new LinkedHashMap<>();
        if (hub != null) {
            cpu.put("hub JVM+broker", hub.hubCpuNanos());
            cpu.put("postgres", hub.postgresCpuNanos());
        }
        if (baseline != null) {
            cpu.put("baseline", HubProcess.cpu(baseline.toHandle()));
        }
        cpu.put("generator", HubProcess.cpu(ProcessHandle.current()));
        long ours = cpu.values().stream().mapToLong(Long::longValue).sum();
        long machine = HubProcess.machineBusyNanos();
        if (machine >= 0) {
            // Everything else on the machine (another build or test suite skews the figures: see the report).
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

    // ---- children ----

    private void startHub() throws Exception {
        List<String> props = new ArrayList<>();
        if (jfr) {
            props.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                    + outDir.resolve("hub-" + stamp + ".jfr").toAbsolutePath());
        }
        props.add("-Dquarkus.camel.jolokia.server.auto-start=false");
        if (withMetering) {
            hub = HubProcess.start(hubJar, new HubProcess.Ports(httpPort, kafkaPort, postgresPort, jolokiaPort),
                    hubJavaOpts, props, outDir.resolve("hub-" + stamp + ".log"), keepData, Duration.ofSeconds(180),
                    console, this::println);
        } else {
            // Ingestion alone: metering (bin/bench-metering measures it) would share the two cores.
            props.add("-Dcamel.main.auto-startup-exclude-pattern=metering");
            hub = HubProcess.start(hubJar, new HubProcess.Ports(httpPort, kafkaPort, postgresPort, jolokiaPort),
                    hubJavaOpts, props, outDir.resolve("hub-" + stamp + ".log"), keepData, Duration.ofSeconds(180),
                    console, this::println, HubProcess.readyExcept("metering"));
        }
    }

    private void startBaseline() throws Exception {
        Path log = outDir.resolve("baseline-" + stamp + ".log");
        List<String> cmd = List.of(HubProcess.java(), "-cp", System.getProperty("java.class.path"),
                BaselineIngestServer.class.getName(), "--port", String.valueOf(baselinePort),
                "--bootstrap", "127.0.0.1:" + kafkaPort);
        long t0 = System.nanoTime();
        baseline = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HubProcess.waitReady(baseline, URI.create("http://127.0.0.1:" + baselinePort + "/ready"), Duration.ofSeconds(60), log);
        println(String.format(Locale.ROOT, "Baseline ready in %.1f s (pid %d, port %d, topic bench.baseline, log %s)",
                (System.nanoTime() - t0) / 1e9, baseline.pid(), baselinePort, log));
    }

    synchronized void stopChildren() {
        HubProcess.stop(baseline, "baseline", console);
        baseline = null;
        if (hub != null) {
            hub.stop();
            hub = null;
        }
    }

    private void writeReport() {
        try {
            Files.createDirectories(outDir);
            Path file = outDir.resolve("ingest-" + stamp + ".txt");
            Files.writeString(file, report.toString(), StandardCharsets.UTF_8);
            console.println("Figures written to " + file);
        } catch (IOException e) {
            console.println("could not write the report: " + e);
        }
    }
}
