package io.meterbridge.rating;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;

import io.meterbridge.rating.PriceModel.Graduated;
import io.meterbridge.rating.PriceModel.PerUnit;
import io.meterbridge.rating.PriceModel.Tier;
import io.meterbridge.rating.RatingEngine.ChargeLine;
import io.meterbridge.rating.RatingEngine.LineType;
import io.meterbridge.rating.RatingEngine.Rating;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A price version's minimumCharge is the minimum for the metric's whole amount in the period, after included units:
 * true-up = max(0, minimumCharge - amount), on its own line. Worked examples computed by hand.
 */
class MinimumChargeTest {

    private static final CurrencyRule USD = new CurrencyRule("USD", 2, RoundingMode.HALF_UP);
    private static final Graduated DEMO = new Graduated(List.of(
            new Tier(new BigDecimal("100000"), new BigDecimal("0.0010"), null),
            new Tier(new BigDecimal("1000000"), new BigDecimal("0.0008"), null),
            new Tier(null, new BigDecimal("0.0005"), null)));

    private static PriceVersion price(PriceModel model, String minimum, boolean credits) {
        return new PriceVersion("p-1", "api_requests", "USD", model, new BigDecimal(minimum), credits,
                Instant.parse("2026-01-01T00:00:00Z"), null);
    }

    private static Rating rate(PriceVersion price, String quantity, String included, String credits) {
        return RatingEngine.rate(price, USD, new BigDecimal(quantity), included == null ? null : new BigDecimal(included),
                credits == null ? null : new BigDecimal(credits));
    }

    @Test
    void theTrueUpIsTheMinimumLessTheWholeAmountOnItsOwnLine() {
        // 100,000 included, 127,000 used: 27,000 x 0.0008 = 21.60; 50.00 - 21.60 = 28.40.
        Rating acme = rate(price(DEMO, "50.00", false), "127000", "100000", null);
        assertThat(acme.lines()).extracting(ChargeLine::type).containsExactly(LineType.OVERAGE, LineType.TRUE_UP);
        assertThat(acme.lines().get(1).amount()).isEqualByComparingTo("28.40");
        assertThat(acme.lines().get(1).description()).isEqualTo("true-up of 21.60 to the minimum charge of 50.00 USD");
        assertThat(acme.total()).isEqualByComparingTo("50.00");
        // 20,000 used, nothing included: 20.00, trued up by 30.00.
        assertThat(rate(price(DEMO, "50.00", false), "20000", null, null).lines().get(1).amount())
                .isEqualByComparingTo("30.00");
    }

    @Test
    void anAmountAtOrAboveTheMinimumGetsNoTrueUp() {
        // 100,000 included, 162,500 used: 62,500 x 0.0008 = 50.00 exactly: no true-up line.
        assertThat(rate(price(DEMO, "50.00", false), "162500", "100000", null).lines()).extracting(ChargeLine::type)
                .containsExactly(LineType.OVERAGE);
        // 64,000 used, nothing included: 64.00 (the walkthrough's initech).
        Rating initech = rate(price(DEMO, "50.00", false), "64000", null, null);
        assertThat(initech.lines()).extracting(ChargeLine::type).containsExactly(LineType.USAGE);
        assertThat(initech.total()).isEqualByComparingTo("64.00");
    }

    @Test
    void moreUsageNeverCostsLessAndTheMinimumIsAFloorNotAFlatFee() {
        PriceVersion price = price(DEMO, "50.00", false);
        BigDecimal previous = BigDecimal.ZERO;
        for (int used = 0; used <= 300_000; used += 12_500) {
            BigDecimal total = rate(price, String.valueOf(used), "100000", null).total();
            assertThat(total).isGreaterThanOrEqualTo(previous).isGreaterThanOrEqualTo(new BigDecimal("50.00"));
            previous = total;
        }
        // 300,000 used with 100,000 included: 200,000 x 0.0008 = 160.00, above the floor.
        assertThat(previous).isEqualByComparingTo("160.00");
    }

    @Test
    void prepaidCreditsPayTheAmountButDoNotLowerWhatTheMinimumIsComparedWith() {
        // 4 runs x 0.25 = 1.00, minimum 5.00, 3.00 of credits: 1.00 - 1.00 credit + 4.00 true-up = 4.00 due.
        Rating runs = rate(price(new PerUnit(new BigDecimal("0.25")), "5.00", true), "4", null, "3.00");
        assertThat(runs.lines()).extracting(ChargeLine::type)
                .containsExactly(LineType.USAGE, LineType.CREDITS_APPLIED, LineType.TRUE_UP);
        assertThat(runs.lines()).extracting(ChargeLine::amount).usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("1.00"), new BigDecimal("-1.00"), new BigDecimal("4.00"));
        assertThat(runs.total()).isEqualByComparingTo("4.00");
        assertThat(runs.creditsAfter()).isEqualByComparingTo("2.00");
        assertThat(runs.spend()).isEqualByComparingTo("5.00");
    }
}
