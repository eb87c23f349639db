package io.meterbridge.rating;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shipped price books load, cover what the demo contract references, and rate as computed by hand. */
class PriceBooksTest {

    private static final Path SCHEMAS = Path.of("../mappings/_schemas");
    private static final PriceBooks BOOKS = PriceBooks.load(
            List.of(Path.of("../mappings/price-books"), Path.of("../devrun/demo/price-books")), SCHEMAS);

    @Test
    void everyPriceVersionTheDemoContractsReferenceExistsForItsMetric() throws Exception {
        JsonNode demo = new YAMLMapper().readTree(Path.of("../devrun/demo/master-data/demo.yaml").toFile());
        int checked = 0;
        for (JsonNode contract : demo.path("contracts")) {
            for (JsonNode metric : contract.path("metrics")) {
                PriceVersion version = BOOKS.version(metric.path("priceVersion").asText()).orElseThrow();
                assertThat(version.metric()).isEqualTo(metric.path("metric").asText());
                checked++;
            }
        }
        // acme-usage-2026 prices 4 metrics, globex-usage-2026 2.
        assertThat(checked).isEqualTo(6);
    }

    @Test
    void theDemoApiRequestPriceIsGraduatedWithAMinimum() {
        PriceVersion price = BOOKS.version("api-requests-2026-v1").orElseThrow();
        CurrencyRule usd = BOOKS.currency("USD");
        // 100,000 x 0.0010 + 50,000 x 0.0008 = 100 + 40
        assertThat(RatingEngine.rate(price, usd, new BigDecimal("150000"), null, null).total()).isEqualByComparingTo("140.00");
        // 20,000 x 0.0010 = 20.00, trued up to the 50.00 minimum
        assertThat(RatingEngine.rate(price, usd, new BigDecimal("20000"), null, null).total()).isEqualByComparingTo("50.00");
        // the storage package: 250 GB peak = 3 started blocks of 100 at 4.00
        assertThat(RatingEngine.rate(BOOKS.version("storage-2026-v1").orElseThrow(), usd, new BigDecimal("250"), null, null)
                .total()).isEqualByComparingTo("12.00");
    }

    @Test
    void aBrokenPriceBookIsRefusedNamingFileAndField() throws Exception {
        Path dir = Files.createTempDirectory("price-books");
        Files.writeString(dir.resolve("currencies.yaml"), "currencies: [{currency: USD, scale: 2, rounding: HALF_UP}]\n");
        Files.writeString(dir.resolve("bad.yaml"), """
                priceVersions:
                  - {id: p, metric: m, currency: USD, model: VOLUME, validFrom: 2026-01-01T00:00:00Z,
                     tiers: [{upTo: 10, unitPrice: 1}, {upTo: 20, unitPrice: 0.5}]}
                """);
        assertThatThrownBy(() -> PriceBooks.load(dir, SCHEMAS)).hasMessageContaining("bad.yaml")
                .hasMessageContaining("tiers[1].upTo: the last tier has no upper bound");
        Files.writeString(dir.resolve("bad.yaml"), """
                priceVersions:
                  - {id: p, metric: m, currency: CHF, model: PER_UNIT, unitPrice: 1, validFrom: 2026-01-01T00:00:00Z}
                """);
        assertThatThrownBy(() -> PriceBooks.load(dir, SCHEMAS)).hasMessageContaining("currency CHF has no rounding rule");
    }
}
