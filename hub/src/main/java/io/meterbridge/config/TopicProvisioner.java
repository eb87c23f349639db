package io.meterbridge.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.meterbridge.notifications.NotificationsConfig;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.OnCamelContextStarting;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Creates the hub's topics with explicit settings before any route consumes them (the broker does not auto-create
 * topics). Existing topics are left alone: on Kubernetes the Strimzi KafkaTopic resources in k8s/ own them and
 * {@code hub.topics.provision=false}.
 */
@Unremovable
@ApplicationScoped
public class TopicProvisioner implements OnCamelContextStarting {

    private static final Logger LOG = Logger.getLogger(TopicProvisioner.class);

    private final HubConfig.Topics topics;
    private final NotificationsConfig notifications;
    private final String bootstrapServers;
    private final String erpPostingsTopic;

    private final KafkaSecurity kafkaSecurity;

    public TopicProvisioner(HubConfig config, NotificationsConfig notifications, io.meterbridge.erp.ErpConfig erp,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers, KafkaSecurity kafkaSecurity) {
        this.kafkaSecurity = kafkaSecurity;
        this.erpPostingsTopic = erp.postingsTopic();
        this.topics = config.topics();
        this.notifications = notifications;
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

    void provision() throws Exception {
        List<NewTopic> wanted = List.of(
                topic(topics.raw(), topics.rawRetention().toMillis()),
                topic(topics.accepted(), topics.eventRetention().toMillis()),
                topic(topics.deadLetter(), topics.deadLetterRetention().toMillis()),
                topic(topics.billingDeliveries(), topics.eventRetention().toMillis()),
                topic(topics.billingDeadLetter(), topics.deadLetterRetention().toMillis()),
                topic(notifications.topic(), notifications.retention().toMillis()),
                topic(erpPostingsTopic, topics.eventRetention().toMillis()));
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

    private NewTopic topic(String name, long retentionMs) {
        Map<String, String> settings = new HashMap<>();
        settings.put(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(retentionMs));
        settings.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        settings.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(Math.min(2, topics.replicationFactor())));
        return new NewTopic(name, topics.partitions(), topics.replicationFactor()).configs(settings);
    }
}
