package io.meterbridge.rating;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Price books refuse at load what would price wrongly, and each error names the file, the version and the field:
 * tiers not ascending, upTo not positive, negative prices or minimums, blockSize not positive.
 */
class PriceBookValidationTest {

    private static final Path SCHEMAS = Path.of("../mappings/_schemas");
    private Path dir;

    @BeforeEach
    void books() throws Exception {
        dir = Files.createTempDirectory("price-books");
        Files.writeString(dir.resolve("currencies.yaml"), "currencies: [{currency: USD, scale: 2, rounding: HALF_UP}]\n");
    }

    /** Loads a book with one price version (id v-1) whose fields are {@code fields}, and returns the refusal. */
    private String refusal(String fields) throws Exception {
        Files.writeString(dir.resolve("book.yaml"), """
                priceVersions:
                  - {id: v-1, metric: m, currency: USD, validFrom: 2026-01-01T00:00:00Z, %s}
                """.formatted(fields));
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> PriceBooks.load(dir, SCHEMAS));
        assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
        assertThat(thrown.getMessage()).contains("book.yaml").contains("price version 'v-1'");
        return thrown.getMessage();
    }

    @Test
    void tiersThatDoNotAscendAreRefused() throws Exception {
        assertThat(refusal("model: GRADUATED, tiers: [{upTo: 1000, unitPrice: 0.10}, {upTo: 500, unitPrice: 0.08}, {unitPrice: 0.05}]"))
                .contains("tiers[1].upTo: 500 is not above tiers[0].upTo 1000 (tiers ascend)");
        // Equal bounds make a tier that holds no unit.
        assertThat(refusal("model: VOLUME, tiers: [{upTo: 1000, unitPrice: 0.10}, {upTo: 1000, unitPrice: 0.08}, {unitPrice: 0.05}]"))
                .contains("tiers[1].upTo: 1000 is not above tiers[0].upTo 1000");
    }

    @Test
    void anUpToThatIsNotPositiveIsRefused() throws Exception {
        assertThat(refusal("model: GRADUATED, tiers: [{upTo: 0, unitPrice: 0.10}, {unitPrice: 0.05}]"))
                .contains("tiers[0].upTo: must be positive, got 0");
        assertThat(refusal("model: VOLUME, tiers: [{upTo: -10, unitPrice: 0.10}, {unitPrice: 0.05}]"))
                .contains("tiers[0].upTo: must be positive, got -10");
    }

    @Test
    void negativePricesAreRefused() throws Exception {
        assertThat(refusal("model: PER_UNIT, unitPrice: -0.01")).contains("unitPrice: must not be negative, got -0.01");
        assertThat(refusal("model: GRADUATED, tiers: [{upTo: 10, unitPrice: 1}, {unitPrice: -0.5}]"))
                .contains("tiers[1].unitPrice: must not be negative, got -0.5");
        assertThat(refusal("model: VOLUME, tiers: [{upTo: 10, unitPrice: 1, flatFee: -5.00}, {unitPrice: 0.5}]"))
                .contains("tiers[0].flatFee: must not be negative, got -5");
        assertThat(refusal("model: PACKAGE, blockSize: 100, blockPrice: -4.00"))
                .contains("blockPrice: must not be negative, got -4");
    }

    @Test
    void aNegativeMinimumIsRefused() throws Exception {
        assertThat(refusal("model: PER_UNIT, unitPrice: 0.01, minimumCharge: -50.00"))
                .contains("minimumCharge: must not be negative, got -50");
    }

    @Test
    void aBlockSizeThatIsNotPositiveIsRefused() throws Exception {
        assertThat(refusal("model: PACKAGE, blockSize: 0, blockPrice: 4.00")).contains("blockSize: must be positive, got 0");
        assertThat(refusal("model: PACKAGE, blockSize: -100, blockPrice: 4.00")).contains("blockSize: must be positive, got -100");
    }

    @Test
    void zeroPricesAndMinimumsAreValid() throws Exception {
        Files.writeString(dir.resolve("book.yaml"), """
                priceVersions:
                  - {id: free-tier, metric: m, currency: USD, validFrom: 2026-01-01T00:00:00Z, model: GRADUATED,
                     minimumCharge: 0, tiers: [{upTo: 1000, unitPrice: 0}, {unitPrice: 0.01}]}
                """);
        assertThat(PriceBooks.load(dir, SCHEMAS).version("free-tier")).isPresent();
    }
}
