package io.meterbridge.recovery;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The engine modes of the packaged default run (HUB_DEVRUN_MODE=postgres, kafka), which bin/chaos stops and starts
 * alone: SIGTERM really stops the engine (connections are refused), and a restart on the same data directory keeps
 * what was written.
 */
class EngineModesIT {

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Process process : processes) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void postgresStoppedBySigtermRefusesConnectionsAndKeepsItsDataOverARestart() throws Exception {
        Path dataDir = Files.createTempDirectory("meterbridge-engine-pg");
        int port = freePort();
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        Process first = start("postgres", dataDir, Map.of("HUB_EMBEDDED_POSTGRES_PORT", String.valueOf(port)));
        awaitListening(port, first, dataDir);
        try (Connection db = DriverManager.getConnection(url, "postgres", "postgres");
                Statement statement = db.createStatement()) {
            statement.execute("CREATE TABLE kept (v text)");
            statement.execute("INSERT INTO kept VALUES ('written before the stop')");
        }

        stopped(first);
        assertThat(listening(port)).as("nothing listens after SIGTERM").isFalse();
        assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "postgres").close())
                .isInstanceOf(SQLException.class);

        awaitListening(port, start("postgres", dataDir, Map.of("HUB_EMBEDDED_POSTGRES_PORT", String.valueOf(port))),
                dataDir);
        try (Connection db = DriverManager.getConnection(url, "postgres", "postgres");
                Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery("SELECT v FROM kept")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("written before the stop");
        }
    }

    @Test
    void kafkaRestartedBySigtermKeepsItsLog() throws Exception {
        Path dataDir = Files.createTempDirectory("meterbridge-engine-kafka");
        int port = freePort();
        String bootstrap = "127.0.0.1:" + port;
        Process first = start("kafka", dataDir, Map.of("HUB_EMBEDDED_KAFKA_PORT", String.valueOf(port)));
        awaitListening(port, first, dataDir);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic("engine-mode", 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        try (var producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("engine-mode", "k", "written before the restart")).get(60, TimeUnit.SECONDS);
        }

        stopped(first);
        assertThat(listening(port)).as("nothing listens after SIGTERM").isFalse();

        awaitListening(port, start("kafka", dataDir, Map.of("HUB_EMBEDDED_KAFKA_PORT", String.valueOf(port))), dataDir);
        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "engine-mode-it");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(Set.of("engine-mode"));
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
                return !values.isEmpty();
            });
        }
        assertThat(values).containsExactly("written before the restart");
    }

    private Process start(String mode, Path dataDir, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", "devrun/target/quarkus-app/quarkus-run.jar")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve(mode + ".log").toFile()));
        builder.environment().remove("QUARKUS_PROFILE");
        builder.environment().put("HUB_DEVRUN_MODE", mode);
        builder.environment().put("HUB_DATA_DIR", dataDir.toString());
        builder.environment().putAll(env);
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private static void stopped(Process process) throws InterruptedException {
        process.destroy(); // SIGTERM: the engine's shutdown hook closes it
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s").isTrue();
    }

    /**
     * Ready is the engine's own line, not the open port: PostgreSQL listens before the launcher has registered the
     * hook that stops it, and a SIGTERM in between would leave it running (as after a kill -9).
     */
    private void awaitListening(int port, Process process, Path dataDir) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(process.isAlive()).as("engine alive, see the logs in " + dataDir).isTrue();
            return listening(port) && readyLines(dataDir) > readyBefore.getOrDefault(dataDir, 0L);
        });
        readyBefore.merge(dataDir, 1L, Long::sum);
    }

    private final Map<Path, Long> readyBefore = new HashMap<>();

    private static long readyLines(Path dataDir) throws IOException {
        long lines = 0;
        try (var files = Files.list(dataDir)) {
            for (Path log : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                lines += Files.readAllLines(log).stream().filter(l -> l.startsWith("Engine mode:")).count();
            }
        }
        return lines;
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
