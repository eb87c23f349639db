package io.meterbridge.recovery;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged hub, killed with SIGKILL while it meters (between a batch's PostgreSQL transaction and its offset
 * commit, or inside either), then restarted on the same data: every event is counted exactly once.
 */
class CrashRecoveryIT {

    private static final String TENANT = "crash-tenant";
    private static final int EVENTS = 60_000;

    private final List<Process> hubs = new ArrayList<>();
    private Path dataDir;
    private int httpPort, kafkaPort, postgresPort, jolokiaPort;

    @AfterEach
    void stopHubs() throws Exception {
        for (Process hub : hubs) {
            hub.destroy();
            if (!hub.waitFor(60, TimeUnit.SECONDS)) {
                hub.destroyForcibly();
            }
        }
    }

    @Test
    void killedInTheMiddleOfMeteringAndRestartedEveryEventCountsOnce() throws Exception {
        dataDir = Files.createTempDirectory("meterbridge-crash");
        httpPort = freePort();
        kafkaPort = freePort();
        postgresPort = freePort();
        jolokiaPort = freePort();
        Path masterData = dataDir.resolve("crash-master-data.yaml");
        Files.writeString(masterData, """
                customers:
                  - {tenant: crash-tenant, billingSystem: stripe, billingAccountId: cus_crash, currency: USD,
                     timeZone: UTC, validFrom: 2026-01-01T00:00:00Z}
                contracts:
                  - contractKey: crash-contract
                    billingSystem: stripe
                    billingAccountId: cus_crash
                    validFrom: 2026-01-01T00:00:00Z
                    metrics: [{metric: api_requests, unit: request, priceVersion: crash-v1}]
                """);

        Process first = startHub(masterData);
        produce(EVENTS);
        // Kill while metering is under way: some events counted, not all.
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                .until(() -> counted() > EVENTS / 10);
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        long atKill = counted();
        assertThat(atKill).as("killed mid-way").isBetween(1L, (long) EVENTS - 1);

        startHub(masterData);
        await().atMost(Duration.ofSeconds(180)).until(() -> counted() >= EVENTS);
        try (Connection db = database(); Statement statement = db.createStatement()) {
            try (ResultSet rows = statement.executeQuery("""
                    SELECT (SELECT coalesce(sum(event_count), 0) FROM usage_hourly WHERE subject = 'crash-tenant'),
                           (SELECT coalesce(sum(quantity), 0) FROM usage_hourly WHERE subject = 'crash-tenant'),
                           (SELECT count(*) FROM metered_event WHERE subject = 'crash-tenant'),
                           (SELECT count(*) FROM quarantined_event)""")) {
                rows.next();
                assertThat(rows.getLong(1)).as("events in aggregates").isEqualTo(EVENTS);
                assertThat(rows.getLong(2)).as("sum of counts").isEqualTo(3L * EVENTS);
                assertThat(rows.getLong(3)).as("lineage rows").isEqualTo(EVENTS);
                assertThat(rows.getLong(4)).as("quarantined").isZero();
            }
        }
    }

    private Process startHub(Path masterData) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-Dquarkus.http.port=" + httpPort,
                "-Dquarkus.camel.jolokia.server.port=" + jolokiaPort,
                "-Dhub.metering.batch-size=500",
                "-Dhub.master-data.files=mappings/master-data/metrics.yaml," + masterData,
                "-jar", "devrun/target/quarkus-app/quarkus-run.jar");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("hub.log").toFile()));
        builder.environment().put("HUB_DATA_DIR", dataDir.toString());
        builder.environment().put("HUB_EMBEDDED_KAFKA_PORT", String.valueOf(kafkaPort));
        builder.environment().put("HUB_EMBEDDED_POSTGRES_PORT", String.valueOf(postgresPort));
        builder.environment().remove("QUARKUS_PROFILE");
        Process hub = builder.start();
        hubs.add(hub);
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
            assertThat(hub.isAlive()).as("hub alive, see " + dataDir.resolve("hub.log")).isTrue();
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        return hub;
    }

    private void produce(int events) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafkaPort);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < events; i++) {
                // Spread over partitions by key: several consumers' batches are in flight when the hub dies.
                String event = """
                        {"specversion":"1.0","id":"crash-%d","source":"demo","type":"api.request","subject":"%s",\
                        "time":"2026-11-20T%02d:%02d:00Z","data":{"count":3,"endpoint":"GET /x","user_id":"tok_u%d"},\
                        "meterbridgeschema":"api.request/v1"}""".formatted(i, TENANT, i % 24, i % 60, i % 50);
                producer.send(new ProducerRecord<>("meterbridge.events.accepted", TENANT + "-" + (i % 12),
                        event.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private long counted() {
        try (Connection db = database(); Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT coalesce(sum(event_count), 0) FROM usage_hourly WHERE subject = 'crash-tenant'")) {
            rows.next();
            return rows.getLong(1);
        } catch (Exception e) {
            return -1; // the database is restarting
        }
    }

    private Connection database() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgresPort + "/postgres", "postgres", "postgres");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
