package io.meterbridge.billing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.meterbridge.billing.connector.RejectedByVendorException;
import io.meterbridge.billing.connector.VendorException;
import io.meterbridge.platform.LogContext;
import io.meterbridge.platform.OutboxMessage;
import io.meterbridge.platform.RetrySchedule;
import io.meterbridge.platform.ThrottledCall;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

/**
 * The billing_delivery outbox and its life cycle: claimed and published (its id only) by the relay after period close
 * commits, attempted once per publication by billing-sync, marked delivered with the platform's document id,
 * scheduled again on the row after a retryable failure, or dead-lettered with an exception record that finance can
 * list and replay.
 */
@Named("billingDeliveries")
@ApplicationScoped
public class BillingDeliveries {

    private static final Logger LOG = Logger.getLogger(BillingDeliveries.class);
    public static final String DELIVERY = "billingDelivery";
    static final String ATTEMPTS = "billingDeliveryAttempts";
    static final String CLAIMED = "claimedBillingDeliveries";
    static final String ACCEPTED = "deliveryAccepted";
    static final String EXHAUSTED = "deliveryExhausted";
    /** Exchange variables of route billing-dead-letter: the dead letter's Kafka key and its reason. */
    static final String DEAD_LETTER_KEY = "deadLetterKey";
    static final String DEAD_LETTER_REASON = "deadLetterReason";

    private final DataSource dataSource;
    private final ObjectMapper mapper;
    private final BillingConfig config;
    private final MeterRegistry registry;
    private final RetrySchedule schedule;

    public BillingDeliveries(DataSource dataSource, ObjectMapper mapper, BillingConfig config, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.mapper = mapper;
        this.config = config;
        this.registry = registry;
        BillingConfig.Retry retry = config.retry();
        this.schedule = new RetrySchedule(retry.maximumRedeliveries(), java.time.Duration.ofMillis(retry.initialDelayMs()),
                java.time.Duration.ofMillis(retry.maximumDelayMs()));
    }

    /**
     * Exchange property: an AtomicBoolean a document route sets before sending many calls and raises when one of them
     * made durable progress at the platform (shared by the split's sub-exchanges, which copy the reference).
     */
    static final String PROGRESSED = "meterbridgeDeliveryProgressed";

    static DeliveryMessage current(Exchange exchange) {
        return exchange.getProperty(DELIVERY, DeliveryMessage.class);
    }

    /** A delivery claimed by the relay: its id (the whole Kafka message) and its partition key. */
    public record Claim(String id, String key) {
    }

    /**
     * The relay's claim (route billing-outbox): up to 500 due PENDING deliveries, locked with FOR UPDATE SKIP LOCKED
     * and marked published in one short transaction, so a concurrent relay (another replica) skips them and, once
     * this commits, no longer finds them due. Due: never published, or its next attempt is due and it was not
     * published since it was scheduled, or published more than hub.billing.republish-after ago and still pending
     * (the message was lost, or the hub died mid-attempt).
     */
    public List<Claim> claim() throws SQLException {
        List<Claim> claimed = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement("""
                WITH due AS (
                    SELECT id FROM billing_delivery
                    WHERE status = 'PENDING' AND next_attempt_at <= now()
                      AND (published_at IS NULL OR published_at < next_attempt_at
                           OR published_at < now() - make_interval(secs => ?))
                    ORDER BY next_attempt_at LIMIT 500
                    FOR UPDATE SKIP LOCKED)
                UPDATE billing_delivery d SET published_at = now(), published_count = d.published_count + 1
                FROM due WHERE d.id = due.id
                RETURNING d.id, d.contract_key""")) {
            update.setLong(1, config.republishAfter().toSeconds());
            try (ResultSet rows = update.executeQuery()) {
                while (rows.next()) {
                    claimed.add(new Claim(rows.getString(1), rows.getString(2)));
                }
            }
        }
        return claimed;
    }

    /**
     * The relay's step before publishing: the claimed deliveries as {id, key, message} maps (the message is only
     * {"id": ...}; the row is what is sent). Their ids stay on the exchange so a failed publish can release them.
     */
    public List<Map<String, String>> claimDue(Exchange exchange) throws Exception {
        List<Claim> claimed = claim();
        exchange.setProperty(CLAIMED, claimed.stream().map(Claim::id).toList());
        List<Map<String, String>> messages = new ArrayList<>();
        for (Claim claim : claimed) {
            messages.add(OutboxMessage.of(mapper, claim.id(), claim.key()));
        }
        if (!claimed.isEmpty()) {
            registry.counter("meterbridge_billing_deliveries_published_total").increment(claimed.size());
        }
        return messages;
    }

    /** Publishing failed (Kafka down): the claimed deliveries are due again at the next tick. */
    @SuppressWarnings("unchecked")
    public void releaseClaims(Exchange exchange) throws SQLException {
        List<String> ids = exchange.getProperty(CLAIMED, List.class);
        if (ids == null || ids.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement(
                "UPDATE billing_delivery SET published_at = NULL WHERE id = ANY(?) AND status = 'PENDING'")) {
            update.setArray(1, connection.createArrayOf("text", ids.toArray()));
            update.executeUpdate();
        }
        LOG.warnf("Publishing %d billing deliveries failed; they are published again at the next tick", ids.size());
    }

    /**
     * Reads a message off the deliveries topic. Only its {@code id} is read: the delivery sent is the database row,
     * never the message's content. A message allows one attempt of a PENDING delivery published since its last
     * attempt; anything else (an unknown id, a delivered or dead-lettered delivery, a second message for the same
     * publication, a message that is not ours) is logged, counted and makes no call.
     */
    public void receive(Exchange exchange) throws Exception {
        // Nothing of the previous message on this consumer thread may name this one's lines.
        LogContext.clear();
        String id = OutboxMessage.idOf(mapper, exchange.getMessage().getBody(byte[].class));
        exchange.getMessage().setHeader(ACCEPTED, false);
        if (id == null) {
            ignored("unreadable", null);
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE billing_delivery SET attempts = attempts + 1, last_attempt_at = now()
                    WHERE id = ? AND status = 'PENDING' AND published_at IS NOT NULL
                      AND (last_attempt_at IS NULL OR last_attempt_at < published_at)
                    RETURNING id, target, kind, contract_key, payload::text, attempts""")) {
                update.setString(1, id);
                try (ResultSet rows = update.executeQuery()) {
                    if (rows.next()) {
                        DeliveryMessage delivery = new DeliveryMessage(rows.getString(1), rows.getString(2),
                                rows.getString(3), rows.getString(4), mapper.readTree(rows.getString(5)));
                        exchange.setProperty(DELIVERY, delivery);
                        exchange.setProperty(ATTEMPTS, rows.getInt(6));
                        // Until delivered, attemptFailed or deadLettered: every line of the attempt names it.
                        LogContext.delivery(delivery.id(), delivery.contractKey(), periodStart(delivery));
                        exchange.getMessage().setHeader("deliveryKind", delivery.kind());
                        exchange.getMessage().setHeader(ACCEPTED, true);
                        return;
                    }
                }
            }
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT status FROM billing_delivery WHERE id = ?")) {
                select.setString(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    ignored(rows.next() ? rows.getString(1).toLowerCase(java.util.Locale.ROOT) : "unknown", id);
                }
            }
        }
    }

    private void ignored(String reason, String id) {
        // "pending": already attempted since its last publication (a duplicate or forged message), or not published.
        registry.counter("meterbridge_billing_messages_ignored_total", "reason", reason).increment();
        LOG.warnf("Billing delivery message ignored (%s): %s", reason, id == null ? "no delivery id" : id);
    }


    /**
     * An attempt failed (route billing-retry, the dead letter channel of billing-sync). A retryable failure is
     * scheduled on the row: next_attempt_at after the platform's Retry-After, else exponential backoff with jitter
     * (hub.billing.retry.*), and the message is done, so the Kafka consumer goes on with the next one. A request the
     * platform rejects, or one whose attempts are exhausted, sets header {@code deliveryExhausted} for the dead letter.
     */
    public void attemptFailed(Exchange exchange) throws SQLException {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        DeliveryMessage delivery = current(exchange);
        exchange.getMessage().setHeader(EXHAUSTED, false);
        if (delivery == null) {
            // Failed before the attempt was taken (PostgreSQL down): the row is still due and is published again.
            LOG.warnf("Billing delivery message not handled: %s", String.valueOf(error));
            return;
        }
        int attempts = exchange.getProperty(ATTEMPTS, 1, Integer.class);
        VendorException vendor = VendorException.find(error);
        boolean rejected = findCause(error, RejectedByVendorException.class);
        // An attempt that got part of a delivery through (meter events acknowledged) is not a failure to count: the
        // delivery gets a fresh attempt budget and backoff, so a long delivery under a lasting share of 429s and 500s
        // keeps moving instead of running out of attempts.
        AtomicBoolean progress = exchange.getProperty(PROGRESSED, AtomicBoolean.class);
        boolean progressed = progress != null && progress.get();
        // Throttled (429): the attempt is given back, the wait for Retry-After stays (ThrottledCall).
        boolean throttled = !progressed && ThrottledCall.in(error);
        if (rejected || (!progressed && !throttled && schedule.exhausted(attempts))) {
            exchange.getMessage().setHeader(EXHAUSTED, true);
            return;
        }
        String reason = vendor != null ? vendor.getMessage() : String.valueOf(error);
        java.time.Duration wait = schedule.delay(progressed ? 1 : attempts, vendor == null ? null : vendor.retryAfter());
        try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement("""
                UPDATE billing_delivery SET last_error = ?, next_attempt_at = now() + make_interval(secs => ?),
                    attempts = CASE WHEN ? THEN 0 WHEN ? THEN greatest(attempts - 1, 0) ELSE attempts END
                WHERE id = ? AND status = 'PENDING'""")) {
            update.setString(1, reason);
            update.setDouble(2, wait.toMillis() / 1000.0);
            update.setBoolean(3, progressed);
            update.setBoolean(4, throttled);
            update.setString(5, delivery.id());
            update.executeUpdate();
        }
        registry.counter("meterbridge_billing_delivery_retries_total", "target", delivery.target()).increment();
        LOG.warnf("Billing delivery %s to %s failed (attempt %d), next attempt in %d ms: %s", delivery.id(),
                delivery.target(), attempts, wait.toMillis(), reason);
        LogContext.clear();
    }

    /** The period a delivery bills (a close's document); null for a daily report or a correction without one. */
    private static java.time.Instant periodStart(DeliveryMessage delivery) {
        com.fasterxml.jackson.databind.JsonNode start = delivery.payload() == null ? null
                : delivery.payload().get("periodStart");
        return start != null && start.canConvertToLong() ? java.time.Instant.ofEpochSecond(start.asLong()) : null;
    }

    private static boolean findCause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
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
        LogContext.clear();
    }

    /**
     * The dead letter (route billing-dead-letter): attempts are exhausted (or the platform rejected the request). The
     * delivery is marked FAILED and an exception record is written for the exceptions API; the body becomes the dead
     * letter (the delivery with its reason, JSON) and variable {@value #DEAD_LETTER_KEY} its key (the contract), which
     * the route's next steps publish to the billing dead-letter topic (Camel Kafka producer).
     */
    public void deadLetter(Exchange exchange) throws Exception {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        VendorException vendor = VendorException.find(error);
        String reason = vendor != null ? vendor.getMessage() : String.valueOf(error);
        DeliveryMessage delivery = current(exchange);
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
        exchange.getMessage().setBody(mapper.writeValueAsBytes(record));
        exchange.setVariable(DEAD_LETTER_KEY, delivery.contractKey());
        exchange.setVariable(DEAD_LETTER_REASON, reason);
    }

    /** After the dead letter reached its topic (route billing-dead-letter): counted and logged once. */
    public void deadLettered(Exchange exchange) {
        DeliveryMessage delivery = current(exchange);
        registry.counter("meterbridge_billing_dead_letters_total", "target", delivery.target()).increment();
        LOG.errorf("Billing delivery %s to %s dead-lettered: %s", delivery.id(), delivery.target(),
                exchange.getVariable(DEAD_LETTER_REASON, String.class));
        LogContext.clear();
    }

    /**
     * Re-sends a dead-lettered delivery: back to PENDING, unpublished, due now and with a fresh attempt budget, so
     * the outbox publishes it at its next tick. Safe because every request it makes carries the same idempotency keys
     * as before, and, past Stripe's 24 h key horizon, a Stripe invoice resumes from what exists in Stripe
     * (StripeDocuments) while a late Stripe meter-event resend is refused.
     *
     * @return false when there is no open exception with that id
     */
    public boolean replay(long exceptionId, String replayedBy) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            String deliveryId;
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE billing_exception SET replayed_at = now(), replayed_by = ?
                    WHERE id = ? AND replayed_at IS NULL AND delivery_id IS NOT NULL RETURNING delivery_id""")) {
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
                    UPDATE billing_delivery SET status = 'PENDING', published_at = NULL, last_attempt_at = NULL,
                           next_attempt_at = now(), attempts = 0
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

    /** The platform id of a DELIVERED delivery (a credit note's invoice), or empty while it is not delivered. */
    public java.util.Optional<String> deliveredAs(String deliveryId) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
                "SELECT external_id FROM billing_delivery WHERE id = ? AND status = 'DELIVERED'")) {
            select.setString(1, deliveryId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? java.util.Optional.ofNullable(rows.getString(1)) : java.util.Optional.empty();
            }
        }
    }

    /** The platform's id of the delivered document, from the connector's last answer. */
    private static String externalId(Exchange exchange) {
        JsonNode answer = exchange.getMessage().getBody(JsonNode.class);
        String document = exchange.getProperty(StripeDocuments.DOCUMENT_ID, String.class);
        if (document != null) {
            return document;
        }
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
