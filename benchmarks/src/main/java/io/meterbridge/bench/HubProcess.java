package io.meterbridge.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The packaged hub as a child process of a benchmark, in its embedded default run (its own Kafka broker and
 * PostgreSQL) with a fresh temporary data directory and non-default ports; plus the small process and machine helpers
 * the benchmarks share (readiness wait, SIGTERM-then-kill stop, CPU accounting from /proc, machine facts).
 */
final class HubProcess {

    /** The hub child's ports. Jolokia binds its port even when it is not started: keep it off a developer's hub. */
    record Ports(int http, int kafka, int postgres, int jolokia) {
    }

    private final Ports ports;
    private final Path dataDir;
    private final Path log;
    private final boolean keepData;
    private final PrintStream console;
    private Process process;

    private HubProcess(Ports ports, Path dataDir, Path log, boolean keepData, PrintStream console) {
        this.ports = ports;
        this.dataDir = dataDir;
        this.log = log;
        this.keepData = keepData;
        this.console = console;
    }

    /**
     * Starts {@code java [javaOpts] -Dquarkus.http.port=.. -Dquarkus.camel.jolokia.server.port=.. [systemProperties]
     * -jar hubJar} and waits for {@code /q/health/ready} = 200.
     *
     * @param systemProperties extra {@code -D} options after the port settings (e.g. Jolokia auto-start, master data)
     * @param announce         receives the "Starting hub" / "Hub ready" lines
     */
    static HubProcess start(Path hubJar, Ports ports, List<String> javaOpts, List<String> systemProperties, Path log,
            boolean keepData, Duration readyTimeout, PrintStream console, Consumer<String> announce) throws Exception {
        return start(hubJar, ports, javaOpts, systemProperties, log, keepData, readyTimeout, console, announce,
                r -> r.statusCode() == 200);
    }

    /** As above, with the hub "ready" when {@code ready} accepts the answer of {@code /q/health/ready}. */
    static HubProcess start(Path hubJar, Ports ports, List<String> javaOpts, List<String> systemProperties, Path log,
            boolean keepData, Duration readyTimeout, PrintStream console, Consumer<String> announce,
            Predicate<HttpResponse<String>> ready) throws Exception {
        if (!Files.isRegularFile(hubJar)) {
            throw new IllegalStateException(hubJar + " is missing: build with ./mvnw -B -q package -DskipTests");
        }
        HubProcess hub = new HubProcess(ports, Files.createTempDirectory("meterbridge-bench-"), log, keepData, console);
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(javaOpts);
        cmd.add("-Dquarkus.http.port=" + ports.http());
        // Ports of the embedded engines as environment variables: -Dhub.embedded.* system properties fail Quarkus'
        // config validation (SRCFG00050, "does not map to any root": HubConfig has no "embedded" group).
        cmd.add("-Dquarkus.camel.jolokia.server.port=" + ports.jolokia());
        cmd.addAll(systemProperties);
        cmd.add("-jar");
        cmd.add(hubJar.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("HUB_DATA_DIR", hub.dataDir.toString());
        pb.environment().put("HUB_EMBEDDED_KAFKA_PORT", String.valueOf(ports.kafka()));
        pb.environment().put("HUB_EMBEDDED_POSTGRES_PORT", String.valueOf(ports.postgres()));
        pb.environment().remove("QUARKUS_PROFILE");
        announce.accept("Starting hub: HTTP " + ports.http() + ", Kafka " + ports.kafka() + ", PostgreSQL "
                + ports.postgres() + ", Jolokia " + ports.jolokia() + ", data " + hub.dataDir + ", log " + log);
        long t0 = System.nanoTime();
        hub.process = pb.start();
        try {
            waitReady(hub.process, URI.create("http://127.0.0.1:" + ports.http() + "/q/health/ready"), readyTimeout, log,
                    ready);
        } catch (Exception e) {
            hub.stop();
            throw e;
        }
        announce.accept(String.format(Locale.ROOT, "Hub ready in %.1f s (pid %d)", (System.nanoTime() - t0) / 1e9,
                hub.process.pid()));
        return hub;
    }

    Ports ports() {
        return ports;
    }

    long pid() {
        return process.pid();
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    Path log() {
        return log;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + ports.kafka();
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + ports.postgres() + "/postgres";
    }

    /**
     * The hub's PostgreSQL: the postmaster is started through unshare and re-parented to init, so it is found by its
     * data directory on the command line; its backends are its children.
     */
    Stream<ProcessHandle> postgresProcesses() {
        String dir = dataDir.toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(dir) && c.contains("postgres")).orElse(false))
                .flatMap(p -> Stream.concat(Stream.of(p), p.descendants()))
                .distinct();
    }

    /** CPU time of the hub JVM (with its broker) and of its PostgreSQL, in ns. */
    long hubCpuNanos() {
        return process == null ? 0 : cpu(process.toHandle());
    }

    long postgresCpuNanos() {
        return postgresProcesses().mapToLong(HubProcess::cpu).sum();
    }

    /** SIGTERM (the hub stops Quarkus, then the broker, then PostgreSQL), kill after 60 s; deletes the data dir. */
    synchronized void stop() {
        if (process != null) {
            List<ProcessHandle> descendants = Stream.concat(process.toHandle().descendants(), postgresProcesses()).toList();
            stop(process, "hub", console);
            process = null;
            // The hub's shutdown hook stops PostgreSQL; make sure nothing of it outlives a forced stop.
            for (ProcessHandle d : descendants) {
                if (d.isAlive()) {
                    d.destroy();
                }
            }
        }
        if (!keepData && Files.exists(dataDir)) {
            deleteTree(dataDir, console);
        }
    }

    // ---- shared helpers ----

    /**
     * Ready except for one route stopped on purpose: its route and consumer checks are DOWN, so readiness answers
     * 503; every other check must be UP.
     */
    static Predicate<HttpResponse<String>> readyExcept(String routeId) {
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        return answer -> {
            if (answer.statusCode() == 200) {
                return true;
            }
            try {
                com.fasterxml.jackson.databind.JsonNode checks = mapper.readTree(answer.body()).path("checks");
                if (!checks.isArray() || checks.isEmpty()) {
                    return false;
                }
                for (com.fasterxml.jackson.databind.JsonNode check : checks) {
                    if (!"UP".equals(check.path("status").asText())
                            && !routeId.equals(check.path("data").path("route.id").asText())) {
                        return false;
                    }
                }
                return true;
            } catch (Exception e) {
                return false;
            }
        };
    }

    /**
     * Runs a benchmark and exits with its status: 3 when it aborted. Its children are stopped and its report written
     * on every path, Ctrl-C included.
     */
    static void runAndExit(java.util.concurrent.Callable<Integer> run, Runnable stopChildren, Runnable writeReport,
            Consumer<String> println) {
        int rc;
        Thread cleanup = new Thread(stopChildren, "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            rc = run.call();
        } catch (Exception e) {
            println.accept("BENCHMARK ABORTED: " + e);
            e.printStackTrace();
            rc = 3;
        } finally {
            stopChildren.run();
            writeReport.run();
        }
        Runtime.getRuntime().removeShutdownHook(cleanup);
        System.exit(rc);
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static void waitReady(Process process, URI ready, Duration timeout, Path log) throws Exception {
        waitReady(process, ready, timeout, log, r -> r.statusCode() == 200);
    }

    static void waitReady(Process process, URI ready, Duration timeout, Path log, Predicate<HttpResponse<String>> accept)
            throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            org.awaitility.Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(500)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("child exited with " + process.exitValue()
                            + " before it was ready; last lines of " + log + ":\n" + tail(log, 30));
                }
                try {
                    return accept.test(client.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.ofString()));
                } catch (IOException e) {
                    return false; // not listening yet
                }
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IllegalStateException(ready + " not ready after " + timeout.toSeconds() + " s; last lines of "
                    + log + ":\n" + tail(log, 30));
        }
    }

    static String tail(Path log, int n) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** SIGTERM, wait up to 60 s, then SIGKILL. */
    static void stop(Process process, String name, PrintStream console) {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                console.println(name + " did not stop within 60 s: killing it");
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static void deleteTree(Path dir, PrintStream console) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            console.println("could not delete " + dir + ": " + e);
        }
    }

    static long cpu(ProcessHandle handle) {
        return handle.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /** Busy CPU time of the whole machine (user+nice+system+irq+softirq+steal), from /proc/stat. */
    static long machineBusyNanos() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/stat"))) {
            String[] f = lines.filter(l -> l.startsWith("cpu ")).findFirst().orElseThrow().trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(f[i]);
            }
            return busy * 10_000_000L; // USER_HZ is 100 on Linux
        } catch (Exception e) {
            return -1;
        }
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    static String memTotal() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
            return lines.filter(l -> l.startsWith("MemTotal")).findFirst()
                    .map(l -> String.format(Locale.ROOT, "%.1f GiB",
                            Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0))
                    .orElse("? GiB");
        } catch (IOException e) {
            return "? GiB";
        }
    }

    /** "Machine: ..." and "Java: ..." lines. */
    static List<String> machineFacts() {
        Runtime rt = Runtime.getRuntime();
        return List.of(
                "Machine: " + rt.availableProcessors() + " CPUs (nproc), " + cpuModel() + ", " + memTotal() + " RAM, "
                        + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                "Java: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
                        + System.getProperty("java.vendor") + "); this JVM's heap max " + rt.maxMemory() / (1024 * 1024)
                        + " MiB");
    }
}
