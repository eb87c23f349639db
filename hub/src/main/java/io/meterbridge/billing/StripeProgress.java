package io.meterbridge.billing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Table stripe_delivery_progress: what the hub knows of a Stripe delivery across attempts, replays and Stripe's 24 h
 * idempotency horizon (the invoice id, the key generation, the first attempt). Each call is one statement in its own
 * transaction, so a fact is durable before the next Stripe call depends on it.
 */
@ApplicationScoped
public class StripeProgress {

    private static final Logger LOG = Logger.getLogger(StripeProgress.class);

    /**
     * @param firstAttempt this attempt wrote the row: nothing was ever sent to Stripe for the delivery
     * @param age          time since the first attempt began
     */
    public record State(String invoiceId, int keyGeneration, Duration age, boolean firstAttempt) {
    }

    private final DataSource dataSource;

    public StripeProgress(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Reads the delivery's row, writing it on the first attempt (xmax = 0: the row was inserted, not updated). */
    public State begin(String deliveryId) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO stripe_delivery_progress AS p (delivery_id) VALUES (?)
                ON CONFLICT (delivery_id) DO UPDATE SET updated_at = now()
                RETURNING p.invoice_id, p.key_generation, EXTRACT(EPOCH FROM now() - p.first_sent_at), (p.xmax = 0)""")) {
            upsert.setString(1, deliveryId);
            try (ResultSet row = upsert.executeQuery()) {
                row.next();
                return new State(row.getString(1), row.getInt(2), Duration.ofMillis(Math.round(row.getDouble(3) * 1000)),
                        row.getBoolean(4));
            }
        }
    }

    /** The draft exists at Stripe: from now on every attempt resumes this invoice. */
    public void invoiceCreated(String deliveryId, String invoiceId) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement("""
                UPDATE stripe_delivery_progress SET invoice_id = ?, updated_at = now()
                WHERE delivery_id = ? AND (invoice_id IS NULL OR invoice_id = ?)""")) {
            update.setString(1, invoiceId);
            update.setString(2, deliveryId);
            update.setString(3, invoiceId);
            if (update.executeUpdate() == 0) {
                // cannot happen while lookups run before every create; loud if it ever does
                LOG.errorf("Delivery %s already has another Stripe invoice than %s", deliveryId, invoiceId);
            }
        }
    }

    /** Stripe holds a 500 under the current keys: the next attempt writes with the next generation. */
    public int keysSpent(String deliveryId) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO stripe_delivery_progress AS p (delivery_id, key_generation) VALUES (?, 1)
                ON CONFLICT (delivery_id) DO UPDATE SET key_generation = p.key_generation + 1, updated_at = now()
                RETURNING p.key_generation""")) {
            upsert.setString(1, deliveryId);
            try (ResultSet row = upsert.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    /** Identifiers of the delivery's meter events that Stripe has acknowledged. */
    public java.util.Set<String> meterEventsSent(String deliveryId) throws SQLException {
        java.util.Set<String> sent = new java.util.HashSet<>();
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
                "SELECT identifier FROM stripe_meter_event_sent WHERE delivery_id = ?")) {
            select.setString(1, deliveryId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    sent.add(rows.getString(1));
                }
            }
        }
        return sent;
    }

    /** Stripe acknowledged this meter event: later attempts of the delivery leave it out. True when it is new. */
    public boolean meterEventSent(String deliveryId, String identifier) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO stripe_meter_event_sent (delivery_id, identifier) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            insert.setString(1, deliveryId);
            insert.setString(2, identifier);
            return insert.executeUpdate() == 1;
        }
    }
}
