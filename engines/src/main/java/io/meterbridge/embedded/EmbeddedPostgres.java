package io.meterbridge.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real PostgreSQL server (zonky binaries) whose data directory is kept between runs, for the default run and the
 * test suite. zonky's defaults are tuned for throw-away test databases; kept data needs fsync back on.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres;
    private final Path dataDir;
    private final boolean durable;
    private final int port;

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres, Path dataDir, boolean durable) {
        this.postgres = postgres;
        this.dataDir = dataDir;
        this.durable = durable;
        this.port = postgres.getPort();
    }

    /**
     * @param dataDir kept data directory; created when missing
     * @param durable true for data that must survive a crash (fsync and synchronous commit on)
     */
    public static EmbeddedPostgres start(Path dataDir, int port, boolean durable) throws IOException {
        return new EmbeddedPostgres(server(dataDir, port, durable), dataDir, durable);
    }

    private static io.zonky.test.db.postgres.embedded.EmbeddedPostgres server(Path dataDir, int port, boolean durable)
            throws IOException {
        Path pgData = dataDir.toAbsolutePath();
        Path workDir = pgData.resolveSibling(pgData.getFileName() + "-runtime");
        Files.createDirectories(pgData);
        Files.createDirectories(workDir);
        StalePostmaster.stopIfRunning(pgData);
        String onOff = durable ? "on" : "off";
        var builder = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(workDir.toFile())
                .setRegisterShutdownHook(false)
                .setServerConfig("fsync", onOff)
                .setServerConfig("synchronous_commit", onOff)
                .setServerConfig("full_page_writes", onOff)
                .setServerConfig("max_connections", "100")
                // Metering writes many small rows per event: fewer checkpoints and a larger cache keep that cheap.
                .setServerConfig("shared_buffers", durable ? "512MB" : "128MB")
                .setServerConfig("wal_buffers", "16MB")
                .setServerConfig("max_wal_size", "4GB")
                .setServerConfig("checkpoint_timeout", "15min");
        if (port > 0) {
            builder.setPort(port);
        }
        return builder.start();
    }

    /** Stops the server; clients get "connection refused" until {@link #startAgain()}. */
    public synchronized void stop() throws IOException {
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }

    /** Starts the stopped server again on the same port and data directory. */
    public synchronized void startAgain() throws IOException {
        if (postgres == null) {
            postgres = server(dataDir, port, durable);
        }
    }

    public int port() {
        return port;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    /** Settings that point Quarkus' default datasource at this server. */
    public Map<String, String> quarkusConfig() {
        return Map.of(
                "quarkus.datasource.jdbc.url", jdbcUrl("postgres"),
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres");
    }

    @Override
    public void close() throws IOException {
        stop();
    }

    /** After a kill -9 the postmaster outlives the hub and holds the data directory; stop it first. */
    static final class StalePostmaster {
        static void stopIfRunning(Path pgData) {
            Path pidFile = pgData.resolve("postmaster.pid");
            if (!Files.exists(pidFile)) {
                return;
            }
            try {
                long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
                ProcessHandle.of(pid).ifPresent(process -> {
                    process.destroy();
                    process.onExit().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
                });
            } catch (IOException | RuntimeException e) {
                // A stale pid file of a dead process: PostgreSQL itself ignores it.
            }
        }
    }
}
