package io.meterbridge.platform;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.OnCamelContextStarting;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Creates the hub's topics with explicit settings before any route consumes them (the broker does not auto-create
 * topics). The topics are those the stages declare in the {@link TopicCatalog}; their names and retentions may be
 * overridden by the settings the catalog names. Existing topics are left alone: on Kubernetes the Strimzi KafkaTopic
 * resources in k8s/ own them and {@code hub.topics.provision=false}.
 */
@Unremovable
@ApplicationScoped
public class TopicProvisioner implements OnCamelContextStarting {

    private static final Logger LOG = Logger.getLogger(TopicProvisioner.class);

    private final HubConfig.Topics topics;
    private final Config config;
    private final String bootstrapServers;

    private final KafkaSecurity kafkaSecurity;

    public TopicProvisioner(HubConfig hub, Config config,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers, KafkaSecurity kafkaSecurity) {
        this.kafkaSecurity = kafkaSecurity;
        this.topics = hub.topics();
        this.config = config;
        this.bootstrapServers = bootstrapServers;
    }

    /** Camel calls this before it starts any route, so no consumer ever subscribes to a missing topic. */
    @Override
    public void onContextStarting(CamelContext context) {
        if (topics.provision()) {
            try {
                provision();
            } catch (Exception e) {
                throw new IllegalStateException("cannot create the hub's Kafka topics", e);
            }
        }
    }

    /** The catalog's topics with the names and retentions this configuration gives them. */
    public List<NewTopic> wanted() {
        return TopicCatalog.load().entries().stream().map(entry -> topic(
                config.getOptionalValue(entry.setting(), String.class).orElse(entry.name()),
                entry.retentionSetting() == null ? entry.retention()
                        : config.getOptionalValue(entry.retentionSetting(), Duration.class).orElse(entry.retention())))
                .toList();
    }

    void provision() throws Exception {
        List<NewTopic> wanted = wanted();
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.putAll(kafkaSecurity.clientProperties());
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
                LOG.infof("Created topics %s", missing.stream().map(NewTopic::name).toList());
            }
        }
    }

    private NewTopic topic(String name, Duration retention) {
        Map<String, String> settings = new HashMap<>();
        settings.put(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(retention.toMillis()));
        settings.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        settings.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(Math.min(2, topics.replicationFactor())));
        return new NewTopic(name, topics.partitions(), topics.replicationFactor()).configs(settings);
    }
}
