package io.meterbridge.billing;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import io.meterbridge.masterdata.BillingPeriod;
import io.meterbridge.masterdata.MasterData;
import io.meterbridge.masterdata.MasterData.BillingMode;
import io.meterbridge.masterdata.MasterData.Contract;
import io.meterbridge.masterdata.MasterData.CustomerMapping;
import io.meterbridge.masterdata.MasterDataStore;
import io.meterbridge.platform.AuditTrail;
import io.meterbridge.rating.CurrencyRule;
import io.meterbridge.rating.PriceBookStore;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Prepaid credits as a ledger (docs/architecture.md, "Prepaid credit ledger"): grants per contract key (every version
 * of the contract, so a new version never resets the balance), drawn at a hub-rated close after every other line of
 * the period, oldest expiry first, and expired once their expiry has passed. Rows are only inserted; a grant's rest is
 * its amount minus its draws and its expiry. Draws and expiries are written in the close's transaction, at most one
 * draw per grant and close (primary key), so a re-close or a replay never draws twice.
 */
@ApplicationScoped
public class CreditLedger {

    /** What a finance user asks for: the amount as a decimal string, in the contract's currency. */
    public record GrantRequest(String reference, String amount, String currency, Instant startsAt, Instant expiresAt) {
    }

    public record Granted(long grantId, boolean created) {
    }

    /** What one close drew from one grant. */
    public record Draw(long grantId, BigDecimal amount) {
    }

    /** The unused rest of a grant whose expiry passed, recorded at the close that ended on or after it. */
    public record Expiry(long grantId, BigDecimal amount, String currency, Instant expiredAt) {
    }

    private final DataSource dataSource;
    private final MasterDataStore masterData;
    private final PriceBookStore prices;
    private final AuditTrail audit;

    public CreditLedger(DataSource dataSource, MasterDataStore masterData, PriceBookStore prices, AuditTrail audit) {
        this.dataSource = dataSource;
        this.masterData = masterData;
        this.prices = prices;
        this.audit = audit;
    }

    /**
     * Adds a grant, validated, and its audit event in one transaction. A request repeating a reference already granted
     * to the contract with the same terms adds nothing (created false); with other terms it is refused.
     */
    public Granted grant(String contractKey, GrantRequest request, AuditTrail.Actor actor) throws SQLException {
        List<Contract> versions = PeriodCloseService.versionsByKey(masterData.current()).get(contractKey);
        if (versions == null) {
            throw new IllegalArgumentException("contractKey: no contract '" + contractKey + "'");
        }
        if (request == null) {
            throw new IllegalArgumentException("body: a grant needs reference, amount, currency and startsAt");
        }
        if (request.reference() == null || request.reference().isBlank()) {
            throw new IllegalArgumentException("reference: required (what paid for the grant, e.g. an order number)");
        }
        if (request.startsAt() == null) {
            throw new IllegalArgumentException("startsAt: required");
        }
        if (request.expiresAt() != null && !request.expiresAt().isAfter(request.startsAt())) {
            throw new IllegalArgumentException("expiresAt: must be after startsAt " + request.startsAt() + ", got "
                    + request.expiresAt());
        }
        Contract contract = PeriodCloseService.versionCovering(versions, request.startsAt());
        Contract latest = versions.get(versions.size() - 1);
        for (Contract version : List.of(contract, latest)) {
            // Where the draw can reach the platform's invoice (docs/api/admin.md#prepaid-credits): a negative
            // invoice item (Stripe, on the hub's invoice or on the draft Stripe rated), a document-level discount
            // (Chargebee, hub rates). Chargebee rates its usages on a pending invoice that takes no negative charge
            // and no discount through the API, and its promotional credits would pay any invoice of the customer
            // outside the ledger's order: refused.
            boolean reachable = "stripe".equals(version.billingSystem())
                    || "chargebee".equals(version.billingSystem()) && version.billingMode() == BillingMode.HUB_RATES;
            if (!reachable) {
                throw new IllegalArgumentException("contractKey: contract '" + contractKey + "' is "
                        + version.billingMode() + " on " + version.billingSystem() + "; prepaid credit grants are drawn"
                        + " for contracts billed in stripe and for HUB_RATES contracts billed in chargebee (Chargebee's"
                        + " pending invoice of platform-rated usage takes no negative charge or discount from the hub)");
            }
        }
        String currency = contractCurrency(masterData.current(), contract, request.startsAt());
        if (request.currency() == null || !request.currency().equals(currency)) {
            throw new IllegalArgumentException("currency: contract '" + contractKey + "' bills in " + currency + ", got "
                    + request.currency());
        }
        BigDecimal amount = amount(request.amount(), prices.books().currency(currency));
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Optional<Map<String, Object>> existing = existing(connection, contractKey, request.reference());
                if (existing.isPresent()) {
                    connection.rollback();
                    Map<String, Object> row = existing.get();
                    boolean same = ((BigDecimal) row.get("amount")).compareTo(amount) == 0
                            && row.get("currency").equals(currency) && row.get("startsAt").equals(request.startsAt())
                            && java.util.Objects.equals(row.get("expiresAt"), request.expiresAt());
                    if (!same) {
                        throw new IllegalArgumentException("reference: '" + request.reference() + "' was granted to "
                                + contractKey + " already with other terms (grant " + row.get("id") + ")");
                    }
                    return new Granted((Long) row.get("id"), false);
                }
                long id;
                // ON CONFLICT: a concurrent request with the same reference won; this one is answered as a repeat.
                try (PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO credit_grant (contract_key, reference, amount, currency, starts_at, expires_at,
                          granted_by) VALUES (?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (contract_key, reference) DO NOTHING RETURNING id""")) {
                    insert.setString(1, contractKey);
                    insert.setString(2, request.reference());
                    insert.setBigDecimal(3, amount);
                    insert.setString(4, currency);
                    insert.setTimestamp(5, Timestamp.from(request.startsAt()));
                    insert.setTimestamp(6, request.expiresAt() == null ? null : Timestamp.from(request.expiresAt()));
                    insert.setString(7, actor.person());
                    try (ResultSet rows = insert.executeQuery()) {
                        if (!rows.next()) {
                            connection.rollback();
                            return grant(contractKey, request, actor);
                        }
                        id = rows.getLong(1);
                    }
                }
                Map<String, Object> after = new LinkedHashMap<>();
                after.put("grantId", id);
                after.put("contractKey", contractKey);
                after.put("reference", request.reference());
                after.put("amount", amount.toPlainString());
                after.put("currency", currency);
                after.put("startsAt", request.startsAt().toString());
                after.put("expiresAt", request.expiresAt() == null ? null : request.expiresAt().toString());
                audit.record(connection, actor, "credit.grant", "contract", contractKey, null, after);
                connection.commit();
                return new Granted(id, true);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /**
     * Draws for a closed period (inside its transaction, the contract locked): up to {@code periodAmount}, from the
     * grants of the period's currency whose validity overlaps the period, oldest expiry first (no expiry last), then
     * earliest start, then oldest grant.
     */
    List<Draw> drawAtClose(Connection connection, String contractKey, BillingPeriod period, long closeId,
            String currency, BigDecimal periodAmount) throws SQLException {
        List<Draw> draws = new ArrayList<>();
        if (currency == null || periodAmount == null || periodAmount.signum() <= 0) {
            return draws;
        }
        BigDecimal due = periodAmount;
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT g.id, g.amount - coalesce((SELECT sum(d.amount) FROM credit_draw d WHERE d.grant_id = g.id), 0)
                         - coalesce((SELECT e.amount FROM credit_expiry e WHERE e.grant_id = g.id), 0) AS rest
                FROM credit_grant g
                WHERE g.contract_key = ? AND g.currency = ? AND g.starts_at < ?
                  AND (g.expires_at IS NULL OR g.expires_at > ?)
                  AND NOT EXISTS (SELECT 1 FROM credit_expiry e WHERE e.grant_id = g.id)
                ORDER BY g.expires_at NULLS LAST, g.starts_at, g.id""")) {
            select.setString(1, contractKey);
            select.setString(2, currency);
            select.setTimestamp(3, Timestamp.from(period.end()));
            select.setTimestamp(4, Timestamp.from(period.start()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next() && due.signum() > 0) {
                    BigDecimal rest = rows.getBigDecimal(2);
                    if (rest.signum() > 0) {
                        BigDecimal drawn = rest.min(due);
                        draws.add(new Draw(rows.getLong(1), drawn));
                        due = due.subtract(drawn);
                    }
                }
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO credit_draw (grant_id, close_id, contract_key, amount) VALUES (?, ?, ?, ?)")) {
            for (Draw draw : draws) {
                insert.setLong(1, draw.grantId());
                insert.setLong(2, closeId);
                insert.setString(3, contractKey);
                insert.setBigDecimal(4, draw.amount());
                insert.addBatch();
            }
            insert.executeBatch();
        }
        return draws;
    }

    /** Whether a grant of the contract has a rest that is neither drawn nor recorded as expired. */
    boolean hasCreditLeft(Connection connection, String contractKey) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT 1 FROM credit_grant g WHERE g.contract_key = ?
                  AND NOT EXISTS (SELECT 1 FROM credit_expiry e WHERE e.grant_id = g.id)
                  AND g.amount > coalesce((SELECT sum(d.amount) FROM credit_draw d WHERE d.grant_id = g.id), 0)
                LIMIT 1""")) {
            select.setString(1, contractKey);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    /**
     * Expires, after this close's draws, the rest of every grant that no later period can use: its expiry is on or
     * before this period's end (the next period starts there). Recorded once per grant.
     */
    List<Expiry> expireAtClose(Connection connection, String contractKey, BillingPeriod period, long closeId)
            throws SQLException {
        List<Expiry> expiries = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT g.id, g.amount - coalesce((SELECT sum(d.amount) FROM credit_draw d WHERE d.grant_id = g.id), 0),
                       g.currency, g.expires_at
                FROM credit_grant g
                WHERE g.contract_key = ? AND g.expires_at <= ?
                  AND NOT EXISTS (SELECT 1 FROM credit_expiry e WHERE e.grant_id = g.id)
                ORDER BY g.expires_at, g.id""")) {
            select.setString(1, contractKey);
            select.setTimestamp(2, Timestamp.from(period.end()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    if (rows.getBigDecimal(2).signum() > 0) {
                        expiries.add(new Expiry(rows.getLong(1), rows.getBigDecimal(2), rows.getString(3),
                                rows.getTimestamp(4).toInstant()));
                    }
                }
            }
        }
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO credit_expiry (grant_id, close_id, contract_key, amount, expired_at)
                VALUES (?, ?, ?, ?, ?)""")) {
            for (Expiry expiry : expiries) {
                insert.setLong(1, expiry.grantId());
                insert.setLong(2, closeId);
                insert.setString(3, contractKey);
                insert.setBigDecimal(4, expiry.amount());
                insert.setTimestamp(5, Timestamp.from(expiry.expiredAt()));
                insert.addBatch();
            }
            insert.executeBatch();
        }
        return expiries;
    }

    /** The contract's currency: its billing account's, per the customer mapping in force at {@code at}. */
    static String contractCurrency(MasterData data, Contract contract, Instant at) {
        Instant when = at.isBefore(contract.validFrom()) ? contract.validFrom() : at;
        return data.customerOfBillingAccount(contract.billingKey(), when).map(CustomerMapping::currency)
                .orElseThrow(() -> new IllegalArgumentException("contractKey: billing account " + contract.billingKey()
                        + " of contract '" + contract.key() + "' has no customer mapping (and so no currency) at "
                        + when));
    }

    private static BigDecimal amount(String text, CurrencyRule rule) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("amount: required, a decimal string such as \"100.00\"");
        }
        BigDecimal amount;
        try {
            amount = new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("amount: '" + text + "' is not a decimal number");
        }
        if (amount.signum() <= 0) {
            throw new IllegalArgumentException("amount: must be positive, got " + text);
        }
        if (amount.stripTrailingZeros().scale() > rule.scale()) {
            throw new IllegalArgumentException("amount: " + rule.currency() + " has " + rule.scale()
                    + " decimal places, got " + text);
        }
        return amount.setScale(Math.max(rule.scale(), 0));
    }

    private static Optional<Map<String, Object>> existing(Connection connection, String contractKey, String reference)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT id, amount, currency, starts_at, expires_at FROM credit_grant
                WHERE contract_key = ? AND reference = ?""")) {
            select.setString(1, contractKey);
            select.setString(2, reference);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", rows.getLong(1));
                row.put("amount", rows.getBigDecimal(2));
                row.put("currency", rows.getString(3));
                row.put("startsAt", rows.getTimestamp(4).toInstant());
                row.put("expiresAt", rows.getTimestamp(5) == null ? null : rows.getTimestamp(5).toInstant());
                return Optional.of(row);
            }
        }
    }
}
