package io.meterbridge.rating;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.meterbridge.rating.RatingEngine.ChargeLine;
import io.meterbridge.rating.RatingEngine.Rating;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The invoice docs/walkthrough.md computes by hand for acme, rated from the shipped and demo price books with the demo
 * contract's terms (devrun/demo/master-data/demo.yaml, which bin/walkthrough repeats through the admin API).
 */
class WalkthroughInvoiceTest {

    private static final PriceBooks BOOKS = PriceBooks.load(
            List.of(Path.of("../mappings/price-books"), Path.of("../devrun/demo/price-books")), Path.of("../mappings/_schemas"));

    private static JsonNode acmeContract() throws Exception {
        JsonNode demo = new YAMLMapper().readTree(Path.of("../devrun/demo/master-data/demo.yaml").toFile());
        for (JsonNode contract : demo.path("contracts")) {
            if (contract.path("contractKey").asText().equals("acme-usage-2026")) {
                return contract;
            }
        }
        throw new AssertionError("demo.yaml has no acme-usage-2026");
    }

    private static BigDecimal decimal(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? null : new BigDecimal(node.asText());
    }

    @Test
    void acmesPeriodIsTheHandComputedInvoice() throws Exception {
        JsonNode contract = acmeContract();
        CurrencyRule usd = BOOKS.currency("USD");
        // The walkthrough's usage (docs/walkthrough.md, step 3), metrics in the order the close rates them.
        String[][] usage = {{"active_users", "2"}, {"api_requests", "127000"}, {"feature_runs", "4"},
            {"storage_gb_peak", "250"}};
        BigDecimal credits = new BigDecimal("1.00"); // the walkthrough's prepaidCredits
        List<Rating> ratings = new ArrayList<>();
        List<ChargeLine> lines = new ArrayList<>();
        for (String[] metric : usage) {
            JsonNode terms = null;
            for (JsonNode m : contract.path("metrics")) {
                if (m.path("metric").asText().equals(metric[0])) {
                    terms = m;
                }
            }
            assertThat(terms).as(metric[0]).isNotNull();
            PriceVersion price = BOOKS.version(terms.path("priceVersion").asText()).orElseThrow();
            Rating rating = RatingEngine.rate(price, usd, new BigDecimal(metric[1]), decimal(terms.path("includedQuantity")),
                    credits);
            credits = price.prepaidCredits() ? rating.creditsAfter() : credits;
            ratings.add(rating);
            lines.addAll(rating.lines());
        }
        RatingEngine.commitment(decimal(contract.path("minimumCommitment")), usd, ratings).ifPresent(lines::add);

        // 2 x 2.00; 27,000 above 100,000 included x 0.0008 (tier 2); 50.00 - 21.60; 4 x 0.25; -1.00 of credits;
        // 3 blocks x 4.00; 75.00 - 67.00 of spend.
        assertThat(lines).extracting(l -> l.type().name()).containsExactly("USAGE", "OVERAGE", "TRUE_UP", "USAGE",
                "CREDITS_APPLIED", "USAGE", "COMMITMENT_TRUE_UP");
        assertThat(lines).extracting(ChargeLine::amount).usingElementComparator(BigDecimal::compareTo).containsExactly(
                new BigDecimal("4.00"), new BigDecimal("21.60"), new BigDecimal("28.40"), new BigDecimal("1.00"),
                new BigDecimal("-1.00"), new BigDecimal("12.00"), new BigDecimal("8.00"));
        assertThat(lines.stream().map(ChargeLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add))
                .isEqualByComparingTo("74.00");
        assertThat(lines.stream().map(l -> usd.minorUnits(l.amount())).toList())
                .containsExactly(400L, 2160L, 2840L, 100L, -100L, 1200L, 800L);
    }

    @Test
    void theWalkthroughScriptUsesTheDemoContractsTerms() throws Exception {
        String script = Files.readString(Path.of("../bin/walkthrough"));
        JsonNode contract = acmeContract();
        assertThat(script).contains("\\\"minimumCommitment\\\":\\\"" + contract.path("minimumCommitment").asText() + "\\\"");
        assertThat(script).contains("\\\"includedQuantity\\\":" + contract.path("metrics").get(0).path("includedQuantity").asText());
        // initech commits to 10,000 requests, which only the CRM follow-ups use: it pays for all 64,000.
        assertThat(script.lines().filter(l -> l.contains("\\\"committedQuantity\\\":10000}]}")))
                .singleElement().asString().doesNotContain("includedQuantity");
    }
}
