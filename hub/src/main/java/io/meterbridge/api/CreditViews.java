package io.meterbridge.api;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Read models of the prepaid credit ledger: docs/api/admin.md#prepaid-credits. Amounts are decimal strings. */
public final class CreditViews {

    private CreditViews() {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(description = "A grant added (created true) or found by its reference (created false)")
    public record Granted(long grantId, boolean created, CreditStatement statement) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(description = "A contract's prepaid credit: balances per currency, grants, draws per period, expiries")
    public record CreditStatement(String contractKey, List<Balance> balances, List<Grant> grants, List<Draw> draws,
            List<Expiry> expiries) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(description = "Per currency: granted - drawn - expired = balance (decimal strings)")
    public record Balance(String currency, @Schema(example = "100.00") String granted,
            @Schema(example = "64.00") String drawn, @Schema(example = "0.00") String expired,
            @Schema(example = "36.00") String balance) {

        static Balance of(SqlRows.Row row) throws Exception {
            return new Balance(row.text("currency"), row.money("granted", "currency"), row.money("drawn", "currency"), row.money("expired", "currency"),
                    row.money("balance", "currency"));
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(description = "One grant and what is left of it")
    public record Grant(long grantId, String reference, @Schema(example = "100.00") String amount, String currency,
            Instant startsAt, @Schema(description = "null: never expires") Instant expiresAt, String grantedBy,
            Instant grantedAt, @Schema(example = "64.00") String drawn, @Schema(example = "0.00") String expired,
            @Schema(example = "36.00") String remaining) {

        static Grant of(SqlRows.Row row) throws Exception {
            return new Grant(row.number("id"), row.text("reference"), row.money("amount", "currency"), row.text("currency"),
                    row.instant("starts_at"), row.instant("expires_at"), row.text("granted_by"),
                    row.instant("granted_at"), row.money("drawn", "currency"), row.money("expired", "currency"), row.money("remaining", "currency"));
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(description = "What one closed period drew from one grant")
    public record Draw(long grantId, long closeId, Instant periodStart, Instant periodEnd,
            @Schema(example = "64.00") String amount, String currency, Instant drawnAt) {

        static Draw of(SqlRows.Row row) throws Exception {
            return new Draw(row.number("grant_id"), row.number("close_id"), row.instant("period_start"),
                    row.instant("period_end"), row.money("amount", "currency"), row.text("currency"), row.instant("drawn_at"));
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(description = "The unused rest of a grant, expired at the close that ended on or after its expiry")
    public record Expiry(long grantId, long closeId, @Schema(example = "5.00") String amount, String currency,
            Instant expiredAt) {

        static Expiry of(SqlRows.Row row) throws Exception {
            return new Expiry(row.number("grant_id"), row.number("close_id"), row.money("amount", "currency"), row.text("currency"),
                    row.instant("expired_at"));
        }
    }
}
