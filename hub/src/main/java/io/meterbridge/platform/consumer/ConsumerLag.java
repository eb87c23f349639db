package io.meterbridge.platform.consumer;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import io.meterbridge.platform.HubConfig;
import io.meterbridge.platform.KafkaSecurity;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Consumer lag as metrics, read from the broker (not from the consumers, which report 0 while they are stuck):
 * {@code meterbridge.consumer.lag{group,topic,partition}} is the records between a group's committed offset and the
 * partition's end, for the metering, raw-ingest, billing-sync and erp-sync groups; {@code
 * meterbridge.metering.oldest.unmetered.age} is how old (by its Kafka timestamp) the oldest accepted event is that
 * metering has not committed yet, in seconds (0 when it is caught up). A partition the group never committed counts
 * from its beginning, as the consumers start there (auto.offset.reset=earliest).
 */
@ApplicationScoped
public class ConsumerLag {

    private static final Logger LOG = Logger.getLogger(ConsumerLag.class);

    private final MeterRegistry registry;
    private final Map<String, String> topicOfGroup = new HashMap<>();
    private final String meteringGroup;
    private final String accepted;
    private final Duration interval;
    private final Properties clientProperties = new Properties();
    private final Map<List<String>, AtomicLong> lags = new ConcurrentHashMap<>();
    private final AtomicLong oldestUnmeteredSeconds = new AtomicLong();
    private final AtomicLong lastRead = new AtomicLong();
    private ScheduledExecutorService scheduler;
    private Admin admin;
    private KafkaConsumer<byte[], byte[]> peeker;

    public ConsumerLag(MeterRegistry registry, KafkaSecurity security, HubConfig config,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
            @ConfigProperty(name = "hub.metering.consumer-group") String meteringGroup,
            @ConfigProperty(name = "hub.topics.accepted") String accepted,
            @ConfigProperty(name = "hub.ingest.raw-consumer-group") String rawGroup,
            @ConfigProperty(name = "hub.topics.raw") String raw,
            @ConfigProperty(name = "hub.billing.consumer-group") String billingGroup,
            @ConfigProperty(name = "hub.topics.billing-deliveries") String deliveries,
            @ConfigProperty(name = "hub.erp.sync.consumer-group") String erpGroup,
            @ConfigProperty(name = "hub.erp.sync.postings-topic") String postings) {
        this.registry = registry;
        this.meteringGroup = meteringGroup;
        this.accepted = accepted;
        this.interval = config.consumerLag().interval();
        topicOfGroup.put(meteringGroup, accepted);
        topicOfGroup.put(rawGroup, raw);
        topicOfGroup.put(billingGroup, deliveries);
        topicOfGroup.put(erpGroup, postings);
        clientProperties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        clientProperties.putAll(security.clientProperties());
    }

    void start(@Observes StartupEvent started) {
        Properties adminProps = new Properties();
        adminProps.putAll(clientProperties);
        adminProps.put(AdminClientConfig.CLIENT_ID_CONFIG, "meterbridge-lag");
        adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        admin = Admin.create(adminProps);
        Properties peek = new Properties();
        peek.putAll(clientProperties);
        peek.put(ConsumerConfig.CLIENT_ID_CONFIG, "meterbridge-lag-peek");
        peek.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        peek.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50");
        peeker = new KafkaConsumer<>(peek, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Gauge.builder("meterbridge.metering.oldest.unmetered.age", oldestUnmeteredSeconds, AtomicLong::get)
                .description("age in seconds of the oldest accepted event metering has not committed (0: caught up)")
                .baseUnit("seconds").register(registry);
        Gauge.builder("meterbridge.consumer.lag.read.age", lastRead,
                        read -> read.get() == 0 ? -1 : (System.currentTimeMillis() - read.get()) / 1000.0)
                .description("seconds since the lag was last read from the broker (-1: never)")
                .baseUnit("seconds").register(registry);
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "meterbridge-consumer-lag");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::readSafely, 1000, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent stopping) {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (peeker != null) {
            peeker.close(Duration.ofSeconds(2));
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }

    private void readSafely() {
        try {
            read();
            lastRead.set(System.currentTimeMillis());
        } catch (Exception e) {
            // The broker being away is what the lag is for; the gauges keep their last values, the read age grows.
            LOG.debugf("consumer lag not read: %s", e.toString());
        }
    }

    /** Reads every group's lag and the oldest unmetered event once. */
    void read() throws Exception {
        Set<String> topics = Set.copyOf(topicOfGroup.values());
        Map<String, org.apache.kafka.clients.admin.TopicDescription> described =
                admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        described.values().forEach(topic -> topic.partitions().forEach(p -> {
            TopicPartition tp = new TopicPartition(topic.name(), p.partition());
            latest.put(tp, OffsetSpec.latest());
            earliest.put(tp, OffsetSpec.earliest());
        }));
        Map<TopicPartition, Long> ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        Map<TopicPartition, Long> starts = admin.listOffsets(earliest).all().get(10, TimeUnit.SECONDS).entrySet()
                .stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        for (Map.Entry<String, String> entry : topicOfGroup.entrySet()) {
            String group = entry.getKey();
            String topic = entry.getValue();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, Long> positions = new HashMap<>();
            for (TopicPartition tp : ends.keySet()) {
                if (!tp.topic().equals(topic)) {
                    continue;
                }
                OffsetAndMetadata done = committed.get(tp);
                long position = done == null ? starts.getOrDefault(tp, 0L) : done.offset();
                positions.put(tp, position);
                gauge(group, tp).set(Math.max(0, ends.get(tp) - position));
            }
            if (group.equals(meteringGroup)) {
                oldestUnmeteredSeconds.set(oldestAge(positions, ends));
            }
        }
    }

    /**
     * The accepted topic's end offset per partition now: what the metering group must have committed before a close
     * that starts now may read the usage (every event accepted before then is metered).
     */
    public Map<TopicPartition, Long> meteringMark() throws Exception {
        return offsets(accepted, OffsetSpec.latest());
    }

    /**
     * Per partition of the mark, the records metering still has to commit to reach it (only partitions behind). A
     * partition the group never committed counts from its beginning, as in {@link #read()}.
     */
    public Map<TopicPartition, Long> meteringBehind(Map<TopicPartition, Long> mark) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(meteringGroup)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, Long> starts = null;
        Map<TopicPartition, Long> behind = new HashMap<>();
        for (Map.Entry<TopicPartition, Long> end : mark.entrySet()) {
            OffsetAndMetadata done = committed.get(end.getKey());
            long position;
            if (done != null) {
                position = done.offset();
            } else {
                starts = starts == null ? offsets(accepted, OffsetSpec.earliest()) : starts;
                position = starts.getOrDefault(end.getKey(), 0L);
            }
            if (position < end.getValue()) {
                behind.put(end.getKey(), end.getValue() - position);
            }
        }
        return behind;
    }

    private Map<TopicPartition, Long> offsets(String topic, OffsetSpec spec) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(Set.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).values()
                .forEach(t -> t.partitions().forEach(p -> request.put(new TopicPartition(t.name(), p.partition()), spec)));
        return admin.listOffsets(request).all().get(10, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private AtomicLong gauge(String group, TopicPartition tp) {
        return lags.computeIfAbsent(List.of(group, tp.topic(), String.valueOf(tp.partition())), key -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("meterbridge.consumer.lag", value, AtomicLong::get)
                    .description("records between the group's committed offset and the end of the partition")
                    .tag("group", key.get(0)).tag("topic", key.get(1)).tag("partition", key.get(2))
                    .register(registry);
            return value;
        });
    }

    /** The Kafka timestamp of the first uncommitted record of each lagging partition; the oldest one's age. */
    private long oldestAge(Map<TopicPartition, Long> positions, Map<TopicPartition, Long> ends) {
        Map<TopicPartition, Long> lagging = positions.entrySet().stream()
                .filter(e -> ends.get(e.getKey()) > e.getValue())
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        if (lagging.isEmpty()) {
            return 0;
        }
        peeker.assign(lagging.keySet());
        lagging.forEach(peeker::seek);
        Map<TopicPartition, Long> firstTimestamp = new HashMap<>();
        long deadline = System.currentTimeMillis() + 5000;
        while (firstTimestamp.size() < lagging.size() && System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : peeker.poll(Duration.ofMillis(500))) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                if (firstTimestamp.putIfAbsent(tp, record.timestamp()) == null) {
                    peeker.pause(List.of(tp));
                }
            }
        }
        peeker.resume(peeker.paused());
        long oldest = firstTimestamp.values().stream().mapToLong(Long::longValue).min().orElse(Instant.now().toEpochMilli());
        return Math.max(0, (Instant.now().toEpochMilli() - oldest) / 1000);
    }
}
