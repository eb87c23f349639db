package io.meterbridge.billing;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.meterbridge.billing.connector.VendorException;
import io.meterbridge.platform.HubConfig;
import io.meterbridge.platform.EventProducer;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jboss.logging.Logger;

/**
 * The billing_delivery outbox and its life cycle: published to Kafka after period close commits, received by
 * billing-sync, marked delivered with the platform's document id, or dead-lettered with an exception record that
 * finance can list and replay.
 */
@Named("billingDeliveries")
@ApplicationScoped
public class BillingDeliveries {

    private static final Logger LOG = Logger.getLogger(BillingDeliveries.class);
    public static final String DELIVERY = "billingDelivery";

    private final DataSource dataSource;
    private final EventProducer producer;
    private final ObjectMapper mapper;
    private final HubConfig.Topics topics;
    private final BillingConfig config;
    private final MeterRegistry registry;

    public BillingDeliveries(DataSource dataSource, EventProducer producer, ObjectMapper mapper, HubConfig hub,
            BillingConfig config, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.producer = producer;
        this.mapper = mapper;
        this.topics = hub.topics();
        this.config = config;
        this.registry = registry;
    }

    static DeliveryMessage current(Exchange exchange) {
        return exchange.getProperty(DELIVERY, DeliveryMessage.class);
    }

    /**
     * Publishes deliveries not published yet (and, as a safety net, published ones still undelivered after
     * hub.billing.republish-after). Marked published only after Kafka acknowledged them.
     */
    public int publishPending() throws Exception {
        List<DeliveryMessage> pending = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement("""
                SELECT d.id, d.target, d.kind, d.contract_key, d.payload::text FROM billing_delivery d
                WHERE d.status = 'PENDING'
                  AND (d.published_at IS NULL OR d.published_at < now() - make_interval(secs => ?))
                ORDER BY d.created_at LIMIT 500""")) {
            select.setLong(1, config.republishAfter().toSeconds());
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    pending.add(new DeliveryMessage(rows.getString(1), rows.getString(2), rows.getString(3),
                            rows.getString(4), mapper.readTree(rows.getString(5))));
                }
            }
        }
        if (pending.isEmpty()) {
            return 0;
        }
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (DeliveryMessage delivery : pending) {
            acks.add(producer.send(new ProducerRecord<>(topics.billingDeliveries(), delivery.contractKey(),
                    mapper.writeValueAsBytes(delivery))));
        }
        for (Future<RecordMetadata> ack : acks) {
            ack.get(30, TimeUnit.SECONDS);
        }
        try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement(
                "UPDATE billing_delivery SET published_at = now() WHERE id = ANY(?)")) {
            update.setArray(1, connection.createArrayOf("text", pending.stream().map(DeliveryMessage::id).toArray()));
            update.executeUpdate();
        }
        registry.counter("meterbridge_billing_deliveries_published_total").increment(pending.size());
        return pending.size();
    }

    /**
     * Reads a delivery off the topic; an already delivered one (a re-publish, a replay of a delivered document) is
     * flagged so the idempotent-consumer filter skips it.
     */
    public void receive(Exchange exchange) throws Exception {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        DeliveryMessage delivery = mapper.readValue(new String(body, StandardCharsets.UTF_8), DeliveryMessage.class);
        exchange.setProperty(DELIVERY, delivery);
        exchange.getMessage().setHeader("deliveryKind", delivery.kind());
        try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement(
                "UPDATE billing_delivery SET attempts = attempts + 1 WHERE id = ? RETURNING status")) {
            update.setString(1, delivery.id());
            try (ResultSet rows = update.executeQuery()) {
                exchange.getMessage().setHeader("alreadyDelivered", rows.next() && rows.getString(1).equals("DELIVERED"));
            }
        }
    }

    public void delivered(Exchange exchange) throws SQLException {
        DeliveryMessage delivery = current(exchange);
        String externalId = externalId(exchange);
        try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement("""
                UPDATE billing_delivery SET status = 'DELIVERED', external_id = ?, delivered_at = now(), last_error = NULL
                WHERE id = ?""")) {
            update.setString(1, externalId);
            update.setString(2, delivery.id());
            update.executeUpdate();
        }
        registry.counter("meterbridge_billing_deliveries_delivered_total", "target", delivery.target()).increment();
        LOG.infof("Delivered %s to %s as %s", delivery.id(), delivery.target(), externalId);
    }

    /**
     * Dead letter channel of billing-sync: retries are exhausted (or the platform rejected the request). The
     * delivery is marked FAILED, an exception record is written for the exceptions API, and the delivery goes to the
     * billing dead-letter topic with its reason.
     */
    public void deadLetter(Exchange exchange) throws Exception {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        VendorException vendor = VendorException.find(error);
        String reason = vendor != null ? vendor.getMessage() : String.valueOf(error);
        DeliveryMessage delivery = current(exchange);
        if (delivery == null) {
            byte[] body = exchange.getMessage().getBody(byte[].class);
            LOG.errorf("Unreadable billing delivery sent to %s: %s", topics.billingDeadLetter(), reason);
            producer.send(new ProducerRecord<>(topics.billingDeadLetter(), null, body)).get(30, TimeUnit.SECONDS);
            registry.counter("meterbridge_billing_dead_letters_total", "target", "unknown").increment();
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE billing_delivery SET status = 'FAILED', last_error = ? WHERE id = ? AND status <> 'DELIVERED'");
                    PreparedStatement insert = connection.prepareStatement(
                            "INSERT INTO billing_exception (delivery_id, target, reason) VALUES (?, ?, ?)")) {
                update.setString(1, reason);
                update.setString(2, delivery.id());
                update.executeUpdate();
                insert.setString(1, delivery.id());
                insert.setString(2, delivery.target());
                insert.setString(3, reason);
                insert.executeUpdate();
            }
            connection.commit();
        }
        ObjectNode record = mapper.valueToTree(delivery);
        record.put("reason", reason);
        producer.send(new ProducerRecord<>(topics.billingDeadLetter(), delivery.contractKey(), mapper.writeValueAsBytes(record)))
                .get(30, TimeUnit.SECONDS);
        registry.counter("meterbridge_billing_dead_letters_total", "target", delivery.target()).increment();
        LOG.errorf("Billing delivery %s to %s dead-lettered: %s", delivery.id(), delivery.target(), reason);
    }

    /**
     * Re-sends a dead-lettered delivery: back to PENDING and unpublished, so the outbox publishes it again. Safe
     * because every request it makes carries the same idempotency keys as before.
     *
     * @return false when there is no open exception with that id
     */
    public boolean replay(long exceptionId, String replayedBy) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            String deliveryId;
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE billing_exception SET replayed_at = now(), replayed_by = ?
                    WHERE id = ? AND replayed_at IS NULL RETURNING delivery_id""")) {
                update.setString(1, replayedBy);
                update.setLong(2, exceptionId);
                try (ResultSet rows = update.executeQuery()) {
                    if (!rows.next()) {
                        connection.rollback();
                        return false;
                    }
                    deliveryId = rows.getString(1);
                }
            }
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE billing_delivery SET status = 'PENDING', published_at = NULL
                    WHERE id = ? AND status = 'FAILED'""")) {
                update.setString(1, deliveryId);
                update.executeUpdate();
            }
            connection.commit();
            registry.counter("meterbridge_billing_replays_total").increment();
            LOG.infof("Billing delivery %s replayed by %s", deliveryId, replayedBy);
            return true;
        }
    }

    /** The platform's id of the delivered document, from the connector's last answer. */
    private static String externalId(Exchange exchange) {
        JsonNode answer = exchange.getMessage().getBody(JsonNode.class);
        String invoice = exchange.getProperty(StripeDocuments.INVOICE_ID, String.class);
        if (invoice != null) {
            return invoice;
        }
        if (answer != null && answer.has("invoice")) {
            return answer.path("invoice").path("id").asText();
        }
        return current(exchange).id();
    }
}
