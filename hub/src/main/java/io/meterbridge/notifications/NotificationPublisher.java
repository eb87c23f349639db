package io.meterbridge.notifications;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.crm.CommitmentAlert;
import io.meterbridge.platform.KafkaRecords;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

/**
 * Publishes business notifications to {@code hub.notifications.topic} through the Camel Kafka producer
 * ({@link KafkaRecords}: acks=all, idempotent), and waits for the acknowledgement. Delivery is at least once: the CloudEvent {@code id} is stable per
 * alert, so consumers deduplicate on it.
 */
@ApplicationScoped
@Named("notificationPublisher")
public class NotificationPublisher {

    public static final String COMMITMENT_THRESHOLD_CROSSED = "meterbridge.commitment.threshold-crossed";

    private final KafkaRecords producer;
    private final NotificationsConfig config;
    private final ObjectMapper mapper;

    public NotificationPublisher(KafkaRecords producer, NotificationsConfig config, ObjectMapper mapper) {
        this.producer = producer;
        this.config = config;
        this.mapper = mapper;
    }

    /** Step publish-notification of route crm-connector: key = contract key. */
    public void publishCommitmentAlert(CommitmentAlert alert) throws Exception {
        ObjectNode event = mapper.createObjectNode();
        event.put("specversion", "1.0");
        event.put("id", alert.alertKey());
        event.put("source", "meterbridge/commitment-alerts");
        event.put("type", COMMITMENT_THRESHOLD_CROSSED);
        event.put("subject", alert.contractKey());
        event.put("time", Instant.now().toString());
        event.put("datacontenttype", "application/json");
        ObjectNode data = event.putObject("data");
        data.put("contract", alert.contractKey());
        data.put("tenant", alert.tenant());
        data.put("crmAccountId", alert.crmAccountId());
        data.put("metric", alert.metric());
        data.put("periodStart", alert.periodStart().toString());
        data.put("periodEnd", alert.periodEnd().toString());
        data.put("thresholdPercent", alert.thresholdPercent());
        data.put("committedQuantity", plain(alert.committedQuantity()));
        data.put("usageAtDetection", plain(alert.quantityAtDetection()));
        data.put("detectedAt", alert.detectedAt().toString());
        data.put("crmTaskId", alert.crmTaskId());
        producer.publish(config.topic(), alert.contractKey(), mapper.writeValueAsBytes(event),
                Map.of("ce_type", COMMITMENT_THRESHOLD_CROSSED));
    }

    /** 100000, not 1E+5. */
    private static java.math.BigDecimal plain(java.math.BigDecimal value) {
        java.math.BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }
}
