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
import io.meterbridge.rating.RatingEngine.LineType;
import io.meterbridge.rating.RatingEngine.Rating;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A contract metric's includedQuantity is free and the units above it are priced at their position in the model
 * (docs/architecture.md, "Included units, minimums and commitments"): the worked examples, computed by hand.
 */
class IncludedUnitsTest {

    private static final CurrencyRule USD = new CurrencyRule("USD", 2, RoundingMode.HALF_UP);
    /** The demo price of API requests (devrun/demo/price-books/demo-2026.yaml), without its minimum. */
    private static final List<Tier> DEMO_TIERS = List.of(
            new Tier(d("100000"), d("0.0010"), null),
            new Tier(d("1000000"), d("0.0008"), null),
            new Tier(null, d("0.0005"), null));
    private static final List<Tier> USER_TIERS = List.of(
            new Tier(d("100"), d("2.00"), null),
            new Tier(d("1000"), d("1.50"), d("25.00")),
            new Tier(null, d("1.00"), null));

    private static BigDecimal d(String value) {
        return new BigDecimal(value);
    }

    private static Rating rate(PriceModel model, String quantity, String included) {
        PriceVersion price = new PriceVersion("p-1", "m", "USD", model, null, false,
                Instant.parse("2026-01-01T00:00:00Z"), null);
        return RatingEngine.rate(price, USD, d(quantity), included == null ? null : d(included), null);
    }

    @Test
    void graduatedUnitsAboveTheIncludedOnesCostWhatTheTierHoldingTheirPositionSays() {
        // 100,000 included, 127,000 used: units 100,001..127,000 sit in tier 2: 27,000 x 0.0008 = 21.60
        // (not 27,000 x 0.0010 = 27.00, as if the overage started again at tier 1).
        Rating acme = rate(new Graduated(DEMO_TIERS), "127000", "100000");
        assertThat(acme.lines()).singleElement().satisfies(line -> {
            assertThat(line.type()).isEqualTo(LineType.OVERAGE);
            assertThat(line.quantity()).isEqualByComparingTo("27000");
            assertThat(line.amount()).isEqualByComparingTo("21.60");
            assertThat(line.description()).isEqualTo("27000 above the 100000 included");
        });
        // Across a boundary: 90,000 included, 127,000 used: 10,000 x 0.0010 + 27,000 x 0.0008 = 10.00 + 21.60 = 31.60.
        assertThat(rate(new Graduated(DEMO_TIERS), "127000", "90000").total()).isEqualByComparingTo("31.60");
        // Unit 100,001 alone costs what tier 2 says: 0.0008, rounded to 0.00; 2,500 of them are 2.00.
        assertThat(rate(new Graduated(DEMO_TIERS), "102500", "100000").total()).isEqualByComparingTo("2.00");
    }

    @Test
    void aGraduatedTiersFlatFeeIsChargedOnlyWhenABillableUnitFallsInIt() {
        // Tier 2 (101..1,000) has a 25.00 flat fee. 150 included, 180 used: 30 units of tier 2 at 1.50 + 25.00 = 70.00.
        assertThat(rate(new Graduated(USER_TIERS), "180", "150").total()).isEqualByComparingTo("70.00");
        // 1,000 included, 1,010 used: tier 2 holds only included units, so no fee: 10 x 1.00 = 10.00.
        assertThat(rate(new Graduated(USER_TIERS), "1010", "1000").total()).isEqualByComparingTo("10.00");
    }

    @Test
    void volumeBillsTheUnitsAboveTheIncludedAtTheTierOfTheLastUnitsPosition() {
        // 80 included, 150 used: the 150th unit is in tier 2 (1.50, fee 25.00): 70 x 1.50 + 25.00 = 130.00.
        assertThat(rate(new Volume(USER_TIERS), "150", "80").total()).isEqualByComparingTo("130.00");
        // 1,000 included, 1,200 used: tier 3: 200 x 1.00 = 200.00 (never (1,200 - 1,000) at tier 1's 2.00).
        assertThat(rate(new Volume(USER_TIERS), "1200", "1000").total()).isEqualByComparingTo("200.00");
        // Nothing above the included units: no fee either.
        assertThat(rate(new Volume(USER_TIERS), "150", "150").total()).isEqualByComparingTo("0");
    }

    @Test
    void packageBlocksAreCountedFromTheFirstUnitAboveTheIncludedOnes() {
        Package storage = new Package(d("100"), d("4.00"), RoundingMode.UP);
        // 150 GB included, 260 GB peak: 110 billable = 2 started blocks x 4.00 = 8.00.
        assertThat(rate(storage, "260", "150").total()).isEqualByComparingTo("8.00");
        // 200 included, 250 peak: 50 billable = 1 block = 4.00.
        assertThat(rate(storage, "250", "200").total()).isEqualByComparingTo("4.00");
        // Rounded down: 150 included, 260 peak: 110 billable = 1 whole block = 4.00.
        assertThat(rate(new Package(d("100"), d("4.00"), RoundingMode.DOWN), "260", "150").total())
                .isEqualByComparingTo("4.00");
    }

    @Test
    void perUnitUsageWithinTheIncludedUnitsIsFree() {
        assertThat(rate(new PerUnit(d("0.25")), "24", "10").total()).isEqualByComparingTo("3.50"); // 14 x 0.25
        Rating within = rate(new PerUnit(d("0.25")), "8", "10");
        assertThat(within.lines()).singleElement().satisfies(line -> {
            assertThat(line.quantity()).isEqualByComparingTo("0");
            assertThat(line.amount()).isEqualByComparingTo("0");
        });
        // Without included units the line is plain usage.
        assertThat(rate(new PerUnit(d("0.25")), "24", null).lines().get(0).type()).isEqualTo(LineType.USAGE);
    }

    @Test
    void aNegativeIncludedQuantityIsRefused() {
        assertThatThrownBy(() -> rate(new PerUnit(d("1")), "10", "-1"))
                .hasMessageContaining("includedQuantity: must not be negative");
    }
}
