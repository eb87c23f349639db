package io.meterbridge.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.meterbridge.embedded.EmbeddedKafka;
import io.meterbridge.embedded.EmbeddedPostgres;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts the real engines for the test suite: a KRaft Kafka broker and a PostgreSQL server, the same classes the
 * default run uses, on free ports and in a throw-away directory. Started once for the whole suite.
 */
public class EmbeddedEngines implements QuarkusTestResourceLifecycleManager {

    private static EmbeddedPostgres postgres;
    private static EmbeddedKafka kafka;

    @Override
    public synchronized Map<String, String> start() {
        try {
            if (postgres == null) {
                Path dir = Files.createTempDirectory("meterbridge-test-engines");
                postgres = EmbeddedPostgres.start(dir.resolve("postgres"), 0, false);
                kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test engines", e);
        }
        Map<String, String> config = new HashMap<>(postgres.quarkusConfig());
        config.putAll(kafka.quarkusConfig());
        // A known HTTP port (not 0): the connectors reach the built-in sandboxes through it.
        config.put("quarkus.http.test-port", String.valueOf(httpPort()));
        return config;
    }

    private static int httpPort;

    private static int httpPort() {
        if (httpPort == 0) {
            try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
                httpPort = socket.getLocalPort();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return httpPort;
    }

    /** Stops the suite's PostgreSQL (an outage: connections refused) until {@link #startPostgres()}. */
    public static synchronized void stopPostgres() throws java.io.IOException {
        postgres.stop();
    }

    public static synchronized void startPostgres() throws java.io.IOException {
        postgres.startAgain();
    }

    /** Restarts the suite's Kafka broker (same ports and log directory). */
    public static synchronized void restartKafka() {
        kafka.restart();
    }

    /** Idempotent: Quarkus may call stop more than once, and closing the broker twice throws. */
    @Override
    public synchronized void stop() {
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (Exception e) {
                // the JVM is ending; the temp directory goes with it
            }
            postgres = null;
        }
    }
}
