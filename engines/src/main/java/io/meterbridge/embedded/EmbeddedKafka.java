package io.meterbridge.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one process), inside this JVM. Its log
 * directory is kept, so accepted events survive a restart of the hub.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private KafkaRaftServer server;
    private final KafkaConfig config;
    private final int port;

    private EmbeddedKafka(KafkaRaftServer server, KafkaConfig config, int port) {
        this.server = server;
        this.config = config;
        this.port = port;
    }

    public static EmbeddedKafka start(Path logDir, int port) {
        try {
            Files.createDirectories(logDir);
            int brokerPort = port > 0 ? port : freePort();
            int controllerPort = freePort();
            Properties props = new Properties();
            props.put("process.roles", "broker,controller");
            props.put("node.id", "1");
            props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
            props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
            props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            props.put("controller.listener.names", "CONTROLLER");
            props.put("inter.broker.listener.name", "PLAINTEXT");
            props.put("log.dirs", logDir.toAbsolutePath().toString());
            props.put("num.partitions", "1");
            props.put("offsets.topic.replication.factor", "1");
            props.put("offsets.topic.num.partitions", "4");
            props.put("transaction.state.log.replication.factor", "1");
            props.put("transaction.state.log.min.isr", "1");
            props.put("group.initial.rebalance.delay.ms", "0");
            props.put("auto.create.topics.enable", "false");
            // Restarts wait for the previous session to expire: keep that short on a single node.
            props.put("broker.session.timeout.ms", "3000");
            props.put("broker.heartbeat.interval.ms", "500");
            props.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
            formatIfNeeded(logDir, props);
            KafkaConfig config = KafkaConfig.fromProps(props, false);
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            return new EmbeddedKafka(server, config, brokerPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void formatIfNeeded(Path logDir, Properties props) throws IOException {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        Path configFile = Files.createTempFile("meterbridge-kafka", ".properties");
        try (var out = Files.newOutputStream(configFile)) {
            props.store(out, "embedded broker");
        }
        String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
        int rc = kafka.tools.StorageTool.execute(
                new String[] {"format", "-t", clusterId, "-c", configFile.toString(), "--ignore-formatted"},
                System.out);
        Files.deleteIfExists(configFile);
        if (rc != 0) {
            throw new IllegalStateException("formatting the Kafka log directory " + logDir + " failed (exit " + rc + ")");
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Map<String, String> quarkusConfig() {
        return Map.of("kafka.bootstrap.servers", bootstrapServers());
    }

    /** Stops the broker and starts it again on the same ports and log directory, as a broker restart does. */
    public synchronized void restart() {
        close();
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
    }

    @Override
    public synchronized void close() {
        server.shutdown();
        server.awaitShutdown();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
