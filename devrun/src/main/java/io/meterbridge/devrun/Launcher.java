package io.meterbridge.devrun;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import io.meterbridge.embedded.EmbeddedKafka;
import io.meterbridge.embedded.EmbeddedPostgres;
import io.quarkus.runtime.Quarkus;
import org.jboss.logging.Logger;

/**
 * Entry point of the packaged hub. Without a profile it runs the embedded default: it starts a real Kafka broker and
 * a real PostgreSQL under the data directory before Quarkus boots, so a newcomer needs nothing installed. With
 * QUARKUS_PROFILE=prod nothing embedded starts and every connection comes from configuration.
 * <p>
 * HUB_DEVRUN_MODE splits the default run into processes, so that bin/chaos can kill or stop one without the others:
 * {@code kafka} or {@code postgres} starts only that engine (same data directory and port settings) and stays up
 * until SIGTERM; {@code hub} runs the embedded profile against engines already listening on
 * HUB_EMBEDDED_KAFKA_PORT and HUB_EMBEDDED_POSTGRES_PORT. Unset (or {@code all}): everything in one JVM, as bin/hub.
 *
 * Deliberately not a {@code @QuarkusMain}: Camel would then not auto-start (see ../shared/STACK.md).
 */
public final class Launcher {

    private static final Logger LOG = Logger.getLogger(Launcher.class);
    static final String EMBEDDED_PROFILE = "embedded";

    public static void main(String... args) throws Exception {
        String mode = setting("hub.devrun.mode", "HUB_DEVRUN_MODE", "all").toLowerCase(Locale.ROOT);
        Path dataDir = Path.of(setting("hub.data-dir", "HUB_DATA_DIR", "data"));
        int kafkaPort = Integer.parseInt(setting("hub.embedded.kafka-port", "HUB_EMBEDDED_KAFKA_PORT", "9092"));
        int postgresPort = Integer.parseInt(setting("hub.embedded.postgres-port", "HUB_EMBEDDED_POSTGRES_PORT", "54329"));
        switch (mode) {
            case "kafka" -> {
                EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), kafkaPort);
                runUntilStopped(kafka, "Engine mode: Kafka on " + kafka.bootstrapServers() + ", data under "
                        + dataDir.toAbsolutePath());
                return;
            }
            case "postgres" -> {
                EmbeddedPostgres postgres = EmbeddedPostgres.start(dataDir.resolve("postgres"), postgresPort, true);
                runUntilStopped(postgres, "Engine mode: PostgreSQL on port " + postgres.port() + ", data under "
                        + dataDir.toAbsolutePath());
                return;
            }
            case "hub", "all" -> {
                // below
            }
            default -> throw new IllegalArgumentException(
                    "HUB_DEVRUN_MODE must be all, hub, kafka or postgres, not " + mode);
        }
        String profile = activeProfile();
        if (!EMBEDDED_PROFILE.equals(profile)) {
            Quarkus.run(args);
            return;
        }
        if (mode.equals("hub")) {
            // The engines run in processes of their own (bin/chaos); a lost connection is the hub's to survive.
            System.setProperty("kafka.bootstrap.servers", "127.0.0.1:" + kafkaPort);
            System.setProperty("quarkus.datasource.jdbc.url",
                    "jdbc:postgresql://127.0.0.1:" + postgresPort + "/postgres");
            System.setProperty("quarkus.datasource.username", "postgres");
            System.setProperty("quarkus.datasource.password", "postgres");
            LOG.infof("Hub mode: Kafka on 127.0.0.1:%d, PostgreSQL on port %d (started elsewhere)", kafkaPort,
                    postgresPort);
            Quarkus.run(args);
            return;
        }

        LOG.infof("Embedded default run: data under %s", dataDir.toAbsolutePath());
        EmbeddedPostgres postgres = EmbeddedPostgres.start(dataDir.resolve("postgres"), postgresPort, true);
        EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), kafkaPort);
        postgres.quarkusConfig().forEach(System::setProperty);
        kafka.quarkusConfig().forEach(System::setProperty);
        LOG.infof("Embedded PostgreSQL on port %d, Kafka on %s", postgres.port(), kafka.bootstrapServers());

        // Quarkus stops first (it drains routes and producers), then the broker, then the database.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Quarkus.asyncExit();
            Quarkus.waitForExit();
            kafka.close();
            try {
                postgres.close();
            } catch (Exception e) {
                LOG.warn("Stopping embedded PostgreSQL failed", e);
            }
        }, "meterbridge-embedded-shutdown"));
        Quarkus.run(args);
    }

    /**
     * Keeps one engine up until the process is asked to stop (SIGTERM, Ctrl-C), then closes it cleanly. The ready
     * line comes only once the hook is in place, so whoever waits for it may stop the engine at once. Quarkus' log
     * manager never starts in an engine mode: plain stdout.
     */
    private static void runUntilStopped(AutoCloseable engine, String readyLine) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                engine.close();
            } catch (Exception e) {
                System.err.println("Stopping the engine failed: " + e);
            }
            stopped.countDown();
        }, "meterbridge-engine-shutdown"));
        System.out.println(readyLine);
        System.out.flush();
        stopped.await();
    }

    /** Packaged Quarkus apps default to prod; Meterbridge defaults to the embedded run unless a profile is named. */
    private static String activeProfile() {
        String profile = Optional.ofNullable(System.getProperty("quarkus.profile"))
                .orElse(System.getenv("QUARKUS_PROFILE"));
        if (profile == null || profile.isBlank()) {
            System.setProperty("quarkus.profile", EMBEDDED_PROFILE);
            return EMBEDDED_PROFILE;
        }
        return profile;
    }

    private static String setting(String property, String env, String fallback) {
        return Optional.ofNullable(System.getProperty(property)).or(() -> Optional.ofNullable(System.getenv(env)))
                .orElse(fallback);
    }
}
