package io.meterbridge.platform;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The prod Kafka client settings ({@link KafkaSecurity}) against a real KRaft broker that requires SCRAM-SHA-512 and
 * enforces ACLs like the KafkaUsers of k8s/base/kafka-user.yaml: the hub authenticates and reads the raw topic; a
 * producer may write the raw topic but not read it; a wrong password is refused. (SASL over plain TCP here: the TLS
 * half of SASL_SSL is the JDK's and is not exercised.)
 */
class KafkaScramTest {

    private static final String RAW = "meterbridge.events.raw";
    private static KafkaRaftServer broker;
    private static int saslPort;
    private static int plainPort;

    @BeforeAll
    static void startBroker() throws Exception {
        Path dir = Files.createTempDirectory("meterbridge-scram");
        plainPort = freePort();
        saslPort = freePort();
        int controllerPort = freePort();
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + plainPort + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort
                + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + plainPort + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        props.put("listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        // The PLAINTEXT listener (inter-broker, controller, this test's admin) is the operator's, as on Strimzi.
        props.put("super.users", "User:ANONYMOUS");
        props.put("allow.everyone.if.no.acl.found", "false");
        props.put("log.dirs", dir.resolve("log").toString());
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        Path config = dir.resolve("server.properties");
        try (var out = Files.newOutputStream(config)) {
            props.store(out, "scram broker");
        }
        int rc = kafka.tools.StorageTool.execute(new String[] {"format", "-t", org.apache.kafka.common.Uuid.randomUuid().toString(),
                "-c", config.toString(), "--add-scram", "SCRAM-SHA-512=[name=meterbridge,password=hub-secret]",
                "--add-scram", "SCRAM-SHA-512=[name=meterbridge-producer-api-gateway,password=producer-secret]"}, System.out);
        assertThat(rc).isZero();
        broker = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        broker.startup();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", "127.0.0.1:" + plainPort))) {
            admin.createTopics(List.of(new NewTopic(RAW, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            // k8s/base/kafka-user.yaml, for the raw topic and the hub's group
            admin.createAcls(List.of(
                    allow("meterbridge", ResourceType.TOPIC, RAW, AclOperation.READ),
                    allow("meterbridge", ResourceType.TOPIC, RAW, AclOperation.DESCRIBE),
                    allow("meterbridge", ResourceType.GROUP, "meterbridge-ingest", AclOperation.READ),
                    allow("meterbridge-producer-api-gateway", ResourceType.TOPIC, RAW, AclOperation.WRITE),
                    allow("meterbridge-producer-api-gateway", ResourceType.TOPIC, RAW, AclOperation.DESCRIBE)))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.shutdown();
            broker.awaitShutdown();
        }
    }

    @Test
    void aProducerWritesTheRawTopicAndOnlyTheHubReadsIt() throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(client("meterbridge-producer-api-gateway",
                "producer-secret", Map.of(ProducerConfig.ACKS_CONFIG, "all")), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(RAW, "acme", "{\"signed\":\"body\"}")).get(30, TimeUnit.SECONDS);
        }
        try (KafkaConsumer<String, String> hub = consumer("meterbridge", "hub-secret", "meterbridge-ingest")) {
            hub.subscribe(List.of(RAW));
            int read = 0;
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (read == 0 && System.nanoTime() < until) {
                read += hub.poll(Duration.ofMillis(500)).count();
            }
            assertThat(read).as("the hub reads the raw topic over SCRAM").isEqualTo(1);
        }
        try (KafkaConsumer<String, String> snoop = consumer("meterbridge-producer-api-gateway", "producer-secret", "meterbridge-ingest")) {
            snoop.subscribe(List.of(RAW));
            assertThatThrownBy(() -> {
                for (int i = 0; i < 20; i++) {
                    snoop.poll(Duration.ofMillis(500));
                }
            }).isInstanceOfAny(TopicAuthorizationException.class, GroupAuthorizationException.class);
        }
    }

    @Test
    void aWrongPasswordIsRefused() {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(client("meterbridge", "guess",
                Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000")), new StringSerializer(), new StringSerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(RAW, "x")).get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    private static KafkaConsumer<String, String> consumer(String user, String password, String group) {
        return new KafkaConsumer<>(client(user, password, Map.of(ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")), new StringDeserializer(), new StringDeserializer());
    }

    /** The hub's client settings as prod builds them (hub.kafka.*), over the broker's SASL listener. */
    private static Map<String, Object> client(String user, String password, Map<String, Object> extra) {
        KafkaSecurity security = new KafkaSecurity() {
            public String securityProtocol() { return "SASL_PLAINTEXT"; }
            public String saslMechanism() { return "SCRAM-SHA-512"; }
            public Optional<String> username() { return Optional.of(user); }
            public Optional<String> password() { return Optional.of(password); }
            public Optional<String> truststoreLocation() { return Optional.empty(); }
            public Optional<String> truststorePassword() { return Optional.empty(); }
            public String truststoreType() { return "PKCS12"; }
            public Optional<String> keystoreLocation() { return Optional.empty(); }
            public Optional<String> keystorePassword() { return Optional.empty(); }
            public String keystoreType() { return "PKCS12"; }
        };
        Map<String, Object> props = new HashMap<>(security.clientProperties());
        assertThat(props).containsEntry("security.protocol", "SASL_PLAINTEXT").containsKey("sasl.jaas.config");
        props.put("bootstrap.servers", "127.0.0.1:" + saslPort);
        props.putAll(extra);
        return props;
    }

    private static AclBinding allow(String user, ResourceType type, String name, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
