package io.meterbridge.rating;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;

import io.meterbridge.rating.PriceModel.Graduated;
import io.meterbridge.rating.PriceModel.Package;
import io.meterbridge.rating.PriceModel.PerUnit;
import io.meterbridge.rating.PriceModel.Tier;
import io.meterbridge.rating.PriceModel.Volume;
import io.meterbridge.rating.RatingEngine.Rating;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every pricing model against amounts computed by hand (in the comments). Included units: IncludedUnitsTest; minimums:
 * MinimumChargeTest and MinimumCommitmentTest.
 */
class RatingEngineTest {

    private static final CurrencyRule USD = new CurrencyRule("USD", 2, RoundingMode.HALF_UP);
    private static final CurrencyRule EUR = new CurrencyRule("EUR", 2, RoundingMode.HALF_EVEN);
    private static final CurrencyRule JPY = new CurrencyRule("JPY", 0, RoundingMode.HALF_UP);
    private static final List<Tier> TIERS = List.of(
            new Tier(d("1000"), d("0.10"), null),
            new Tier(d("10000"), d("0.08"), null),
            new Tier(null, d("0.05"), null));

    private static BigDecimal d(String value) {
        return new BigDecimal(value);
    }

    private static PriceVersion price(String currency, PriceModel model, BigDecimal minimum, boolean credits) {
        return new PriceVersion("p-1", "api_requests", currency, model, minimum, credits,
                Instant.parse("2026-01-01T00:00:00Z"), null);
    }

    private static BigDecimal total(PriceModel model, String quantity) {
        return RatingEngine.rate(price("USD", model, null, false), USD, d(quantity), null, null).total();
    }

    @Test
    void perUnitPricesCarryMoreDecimalsThanTheCurrencyAndAreRoundedOncePerLine() {
        assertThat(total(new PerUnit(d("0.0004")), "12345")).isEqualByComparingTo("4.94"); // 4.938
        Rating yen = RatingEngine.rate(price("JPY", new PerUnit(d("0.7")), null, false), JPY, d("15"), null, null);
        assertThat(yen.total()).isEqualByComparingTo("11"); // 10.5, half up, no minor unit
        Rating euro = RatingEngine.rate(price("EUR", new PerUnit(d("0.0125")), null, false), EUR, d("10"), null, null);
        assertThat(euro.total()).isEqualByComparingTo("0.12"); // 0.125, half even
        assertThat(USD.minorUnits(d("4.938"))).isEqualTo(494);
    }

    @Test
    void graduatedTiersPriceEachUnitInItsOwnTierAcrossTheBoundary() {
        assertThat(total(new Graduated(TIERS), "1000")).isEqualByComparingTo("100.00");   // 1000 x 0.10
        assertThat(total(new Graduated(TIERS), "1001")).isEqualByComparingTo("100.08");   // + 1 x 0.08
        assertThat(total(new Graduated(TIERS), "12500")).isEqualByComparingTo("945.00");  // 100 + 9000 x 0.08 + 2500 x 0.05
        assertThat(total(new Graduated(List.of(new Tier(d("100"), BigDecimal.ZERO, d("20.00")),
                new Tier(null, d("0.50"), null))), "150")).isEqualByComparingTo("45.00"); // flat 20 + 50 x 0.50
    }

    @Test
    void volumeTiersPriceAllUnitsAtTheTierOfTheTotal() {
        assertThat(total(new Volume(TIERS), "1000")).isEqualByComparingTo("100.00");  // 1000 x 0.10
        assertThat(total(new Volume(TIERS), "1001")).isEqualByComparingTo("80.08");   // 1001 x 0.08
        assertThat(total(new Volume(TIERS), "12500")).isEqualByComparingTo("625.00"); // 12500 x 0.05
        assertThat(total(new Volume(TIERS), "0")).isEqualByComparingTo("0");
    }

    @Test
    void packagesBillWholeBlocksWithTheBlockRounding() {
        Package up = new Package(d("1000"), d("5.00"), RoundingMode.UP);
        assertThat(total(up, "2000")).isEqualByComparingTo("10.00");
        assertThat(total(up, "2001")).isEqualByComparingTo("15.00"); // a started block counts
        assertThat(total(up, "0")).isEqualByComparingTo("0");
        assertThat(total(new Package(d("1000"), d("5.00"), RoundingMode.DOWN), "2999")).isEqualByComparingTo("10.00");
    }

    @Test
    void prepaidCreditsAreDrawnDownNeverBelowZeroThenUsageIsCharged() {
        PriceVersion price = price("USD", new PerUnit(d("0.01")), null, true);
        // Credits exhausted mid-period: 150.00 left, 200.00 of usage.
        Rating exhausted = RatingEngine.rate(price, USD, d("20000"), null, d("150.00"));
        assertThat(exhausted.lines().get(1).amount()).isEqualByComparingTo("-150.00");
        assertThat(exhausted.total()).isEqualByComparingTo("50.00");
        assertThat(exhausted.creditsAfter()).isEqualByComparingTo("0");
        // The next period starts with nothing left: all usage is charged.
        assertThat(RatingEngine.rate(price, USD, d("5000"), null, exhausted.creditsAfter()).total()).isEqualByComparingTo("50.00");
        // Credits that cover the period: nothing to pay, the rest carries over.
        Rating covered = RatingEngine.rate(price, USD, d("10000"), null, d("150.00"));
        assertThat(covered.total()).isEqualByComparingTo("0");
        assertThat(covered.creditsAfter()).isEqualByComparingTo("50.00");
    }

    @Test
    void inconsistentInputIsRefusedWithTheReason() {
        assertThatThrownBy(() -> RatingEngine.rate(price("USD", new PerUnit(d("1")), null, false), EUR, d("1"), null, null))
                .hasMessageContaining("EUR given for a USD price");
        assertThatThrownBy(() -> total(new PerUnit(d("1")), "-1")).hasMessageContaining("must not be negative");
        assertThatThrownBy(() -> total(new Volume(List.of(new Tier(d("10"), d("1"), null))), "11"))
                .hasMessageContaining("the last tier needs no upper bound");
    }
}
