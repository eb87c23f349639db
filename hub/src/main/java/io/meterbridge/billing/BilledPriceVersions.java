package io.meterbridge.billing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterbridge.rating.PriceBookStore;
import io.meterbridge.rating.PriceBooks;
import io.meterbridge.rating.PriceVersion;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * A price version that priced a closed period is never corrected in place: at start-up (where price books are
 * loaded), each version's definition as recorded when it billed (billed_price_version, V83: one row per version and
 * definition, written by the close, so the check reads a few rows, not every rated charge) is compared with the one
 * the price books now hold, and a difference refuses the start, naming the version and the closed period. Billed amounts
 * then never silently diverge from the price books; a new price is a new version, referenced by a new contract version.
 */
@ApplicationScoped
public class BilledPriceVersions {

    private final DataSource dataSource;
    private final PriceBookStore prices;
    private final ObjectMapper mapper;

    public BilledPriceVersions(DataSource dataSource, PriceBookStore prices, ObjectMapper mapper) {
        this.dataSource = dataSource;
        this.prices = prices;
        this.mapper = mapper;
    }

    void onStart(@Observes @Priority(4) StartupEvent startup) throws SQLException {
        verify(prices.books());
    }

    /**
     * Records, in the close's transaction, the price versions and definitions the close's rated charges used (new ones
     * only): what {@link #verify} checks.
     */
    static void recordBilled(Connection connection, long closeId) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO billed_price_version (price_version, definition_hash, price_definition, first_close_id)
                SELECT DISTINCT ON (price_version, md5(price_definition::text)) price_version,
                       md5(price_definition::text), price_definition, close_id
                FROM rated_charge
                WHERE close_id = ? AND price_version NOT LIKE 'contract:%' AND price_version NOT LIKE 'credits:%'
                  -- a correction's adjustment line names the version it corrects, with the correction as its definition
                  AND line_type <> 'ADJUSTMENT'
                ON CONFLICT (price_version, definition_hash) DO NOTHING""")) {
            insert.setLong(1, closeId);
            insert.executeUpdate();
        }
    }

    /** Throws when a price version billed in a closed period differs in {@code books} from what it billed with. */
    public void verify(PriceBooks books) throws SQLException {
        java.util.Optional<String> difference = billedDifference(books);
        if (difference.isPresent()) {
            throw new IllegalStateException(difference.get());
        }
    }

    /**
     * Why {@code books} would change a price version as it billed a closed period (the first such version), or empty
     * when they would not: a publication through the billing API is refused for the same reason the start would be.
     */
    public java.util.Optional<String> billedDifference(PriceBooks books) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement("""
                SELECT b.price_version, b.price_definition::text, p.id, p.contract_key, p.period_start, p.period_end
                FROM billed_price_version b JOIN period_close p ON p.id = b.first_close_id
                ORDER BY b.price_version, p.period_start, p.id""");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                String id = rows.getString(1);
                PriceVersion now = books.version(id).orElse(null);
                // A version no longer in the books prices nothing new: what it billed stays as recorded.
                String nowJson = now == null ? null : mapper.writeValueAsString(now);
                if (now != null && !canonical(mapper.readTree(rows.getString(2))).equals(canonical(mapper.readTree(nowJson)))) {
                    return java.util.Optional.of("price version '" + id + "' differs from the definition it billed "
                            + "in the closed period [" + rows.getTimestamp(5).toInstant() + ", "
                            + rows.getTimestamp(6).toInstant() + ") of contract " + rows.getString(4) + " (close "
                            + rows.getLong(3) + "): a billed price version is never corrected; restore it and add a new "
                            + "version with its own id, referenced by a new contract version (billed: " + rows.getString(2)
                            + "; now: " + nowJson + ")");
                }
            }
            return java.util.Optional.empty();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The definition as plain values, numbers as BigDecimal without trailing zeros: jsonb and Jackson may write the same
     * number with another scale or notation (0.0010, 0.001, 1E-3), which is not a change of price.
     */
    static Object canonical(JsonNode node) {
        if (node.isObject()) {
            java.util.Map<String, Object> map = new java.util.TreeMap<>();
            node.fields().forEachRemaining(e -> map.put(e.getKey(), canonical(e.getValue())));
            return map;
        }
        if (node.isArray()) {
            java.util.List<Object> list = new java.util.ArrayList<>();
            node.forEach(n -> list.add(canonical(n)));
            return list;
        }
        if (node.isNumber()) {
            java.math.BigDecimal value = node.decimalValue();
            return value.signum() == 0 ? java.math.BigDecimal.ZERO : value.stripTrailingZeros();
        }
        return node.isNull() ? null : node.asText();
    }
}
