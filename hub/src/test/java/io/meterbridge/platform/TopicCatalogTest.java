package io.meterbridge.platform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.databind.MappingIterator;
import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The topic catalog (topics.yaml) is the one source of the hub's topics: the settings the stages read, the topics the
 * provisioner creates and the Strimzi KafkaTopics of k8s/base must all say what it says. This runs in the build, so a
 * machine without node (k8s/validate.mjs checks the rendered overlays too) still catches a drift.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class TopicCatalogTest {

    private static final Path K8S_TOPICS = Path.of("../k8s/base/kafka-topics.yaml");

    @Inject
    TopicProvisioner provisioner;

    @Inject
    Config config;

    final TopicCatalog catalog = TopicCatalog.load();

    @Test
    void everyStageSettingNamesItsCatalogTopic() {
        assertThat(catalog.entries()).extracting(TopicCatalog.Entry::stage)
                .contains("ingest", "billing", "erp", "notifications");
        for (TopicCatalog.Entry entry : catalog.entries()) {
            // Nothing in the test profile renames a topic, so each setting must resolve to the catalog's name.
            assertThat(config.getValue(entry.setting(), String.class)).as(entry.setting()).isEqualTo(entry.name());
        }
        assertThat(catalog.entries()).extracting(TopicCatalog.Entry::name).doesNotHaveDuplicates();
    }

    @Test
    void theProvisionerCreatedEveryCatalogTopicWithItsRetention() throws Exception {
        assertThat(provisioner.wanted()).extracting(NewTopic::name)
                .containsExactlyElementsOf(catalog.entries().stream().map(TopicCatalog.Entry::name).toList());
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Topics.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .containsAll(catalog.entries().stream().map(TopicCatalog.Entry::name).toList());
            for (TopicCatalog.Entry entry : catalog.entries()) {
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, entry.name());
                String retention = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS)
                        .get(resource).get("retention.ms").value();
                assertThat(Long.parseLong(retention)).as(entry.name()).isEqualTo(entry.retention().toMillis());
            }
        }
    }

    @Test
    void theKubernetesTopicsAreTheCatalog() throws Exception {
        Map<String, JsonNode> k8s = new TreeMap<>();
        try (MappingIterator<JsonNode> docs = new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class)
                .readValues(Files.readString(K8S_TOPICS))) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc != null && "KafkaTopic".equals(doc.path("kind").asText())) {
                    k8s.put(doc.path("spec").path("topicName").asText(), doc);
                }
            }
        }
        Map<String, TopicCatalog.Entry> wanted = catalog.entries().stream()
                .collect(Collectors.toMap(TopicCatalog.Entry::name, e -> e, (a, b) -> a, TreeMap::new));
        assertThat(k8s.keySet()).as("KafkaTopics of " + K8S_TOPICS).isEqualTo(wanted.keySet());
        for (TopicCatalog.Entry entry : wanted.values()) {
            JsonNode spec = k8s.get(entry.name()).path("spec");
            assertThat(spec.path("config").path("retention.ms").asLong()).as(entry.name() + " retention.ms")
                    .isEqualTo(entry.retention().toMillis());
            assertThat(spec.path("config").path("cleanup.policy").asText()).as(entry.name()).isEqualTo("delete");
            // 6: the default of hub.topics.partitions, what the hub creates outside the test profile.
            assertThat(spec.path("partitions").asInt()).as(entry.name() + " partitions").isEqualTo(6);
            assertThat(k8s.get(entry.name()).path("metadata").path("name").asText()).as("DNS name of " + entry.name())
                    .isEqualTo(entry.name().replace('.', '-'));
        }
    }
}
