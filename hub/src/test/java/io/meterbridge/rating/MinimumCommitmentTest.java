package io.meterbridge.rating;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Optional;

import io.meterbridge.rating.RatingEngine.ChargeLine;
import io.meterbridge.rating.RatingEngine.LineType;
import io.meterbridge.rating.RatingEngine.Rating;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A contract's minimumCommitment is a minimum spend across all its metrics, trued up on its own line:
 * max(0, minimumCommitment - spend), spend being every metric's charges before prepaid credits.
 */
class MinimumCommitmentTest {

    private static final CurrencyRule USD = new CurrencyRule("USD", 2, RoundingMode.HALF_UP);
    private static final CurrencyRule JPY = new CurrencyRule("JPY", 0, RoundingMode.HALF_UP);

    private static ChargeLine line(LineType type, String amount) {
        return new ChargeLine(type, type.name(), null, new BigDecimal(amount));
    }

    private static Rating rating(String id, String currency, ChargeLine... lines) {
        BigDecimal total = List.of(lines).stream().map(ChargeLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        return new Rating(id, currency, List.of(lines), total, BigDecimal.ZERO);
    }

    /** The walkthrough's acme period: the lines of docs/walkthrough.md, before the commitment. */
    private static final List<Rating> ACME = List.of(
            rating("active-users-2026-v1", "USD", line(LineType.USAGE, "4.00")),
            rating("api-requests-2026-v1", "USD", line(LineType.OVERAGE, "21.60"), line(LineType.TRUE_UP, "28.40")),
            rating("feature-runs-2026-v1", "USD", line(LineType.USAGE, "1.00"), line(LineType.CREDITS_APPLIED, "-1.00")),
            rating("storage-2026-v1", "USD", line(LineType.USAGE, "12.00")));

    @Test
    void aShortfallAcrossAllMetricsIsTrueUpOnItsOwnLine() {
        // spend 4.00 + 21.60 + 28.40 + 1.00 + 12.00 = 67.00 (the 1.00 of credits pays, it does not lower spend);
        // 75.00 - 67.00 = 8.00.
        ChargeLine trueUp = RatingEngine.commitment(new BigDecimal("75.00"), USD, ACME).orElseThrow();
        assertThat(trueUp.type()).isEqualTo(LineType.COMMITMENT_TRUE_UP);
        assertThat(trueUp.amount()).isEqualByComparingTo("8.00");
        assertThat(trueUp.quantity()).isNull();
        assertThat(trueUp.description()).isEqualTo("true-up of the period's spend of 67.00 to the minimum commitment of 75.00 USD");
        // What the invoice then totals: 66.00 of metric lines + 8.00 = 74.00.
        BigDecimal invoice = ACME.stream().map(Rating::total).reduce(BigDecimal.ZERO, BigDecimal::add).add(trueUp.amount());
        assertThat(invoice).isEqualByComparingTo("74.00");
    }

    @Test
    void aMetCommitmentOrNoneAddsNoLine() {
        assertThat(RatingEngine.commitment(new BigDecimal("67.00"), USD, ACME)).isEmpty(); // exactly met
        assertThat(RatingEngine.commitment(new BigDecimal("60.00"), USD, ACME)).isEmpty();
        assertThat(RatingEngine.commitment(null, USD, ACME)).isEmpty();
        assertThat(RatingEngine.commitment(BigDecimal.ZERO, USD, ACME)).isEmpty();
        // No usage at all: the whole commitment is due.
        assertThat(RatingEngine.commitment(new BigDecimal("75.00"), USD, List.of()).map(ChargeLine::amount))
                .hasValueSatisfying(amount -> assertThat(amount).isEqualByComparingTo("75.00"));
    }

    @Test
    void theTrueUpIsRoundedWithTheCurrencysRule() {
        // 10,000.4 JPY of commitment, 2,500 JPY spent: 7,500.4 rounds half up to 7,500 (no minor unit).
        Optional<ChargeLine> yen = RatingEngine.commitment(new BigDecimal("10000.4"), JPY,
                List.of(rating("p-jpy", "JPY", line(LineType.USAGE, "2500"))));
        assertThat(yen.orElseThrow().amount()).isEqualByComparingTo("7500");
        assertThat(yen.orElseThrow().amount().scale()).isZero();
    }

    @Test
    void aCommitmentInAnotherCurrencyThanTheRatingsOrBelowZeroIsRefused() {
        assertThatThrownBy(() -> RatingEngine.commitment(new BigDecimal("75.00"), JPY, ACME))
                .hasMessageContaining("minimumCommitment in JPY but price version 'active-users-2026-v1' rates in USD");
        assertThatThrownBy(() -> RatingEngine.commitment(new BigDecimal("-1"), USD, ACME))
                .hasMessageContaining("minimumCommitment: must not be negative");
    }
}
