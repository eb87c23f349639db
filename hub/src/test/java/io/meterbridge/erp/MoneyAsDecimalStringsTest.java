package io.meterbridge.erp;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterbridge.api.Money;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.awaitPosted;
import static io.meterbridge.support.BillingFixture.closedSeptember;
import static io.meterbridge.support.BillingFixture.contractKey;
import static io.meterbridge.support.BillingFixture.deliveredAs;
import static io.meterbridge.support.BillingFixture.stripeWebhook;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.admin;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real answers of the finance APIs, after a close, its Stripe invoice and its NetSuite postings, carry no money as a
 * JSON number: every amount, total, debit, credit, price or charge is a decimal string beside its currency (or an
 * integer in minor units, named *_minor / *Minor). The OpenAPI side of the rule is OpenApiSchemasTest.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class MoneyAsDecimalStringsTest {

    private static final Pattern MONEY = Pattern.compile(
            "(?i).*(amount|total|debit|credit|payment|price|charge|balance).*");
    private static final Pattern MINOR = Pattern.compile("(?i).*minor$");
    // Unit prices (0.0010 per request) are rates, not amounts: they keep the price book's digits.
    private static final Pattern UNIT_PRICE = Pattern.compile("(?i).*price.*");
    private static final Pattern DECIMAL = Pattern.compile("-?\\d+(\\.\\d+)?");

    @Test
    void noMoneyFieldOfAFinanceResponseIsAJsonNumber() throws Exception {
        String tenant = uniqueId("money");
        String delivery = closedSeptember(tenant, "netsuite");
        String invoice = deliveredAs(delivery);
        stripeWebhook(NetSuitePostingTest.invoiceFinalized(invoice), "whsec_meterbridge_sandbox")
                .then().statusCode(200);
        awaitPosted("mb-inv-stripe-" + invoice);

        long closeId = finance().get("/api/v1/billing/periods").then().statusCode(200).extract().jsonPath()
                .getLong("find { it.contract_key == '" + contractKey(tenant) + "' }.id");
        List<String> numbers = new ArrayList<>();
        List<String> offScale = new ArrayList<>();
        int moneyFields = 0;
        for (String path : List.of("/api/v1/billing/periods", "/api/v1/billing/periods/" + closeId + "/charges",
                "/api/v1/billing/deliveries", "/api/v1/erp/documents?contractKey=" + contractKey(tenant),
                "/api/v1/erp/postings", "/api/v1/admin/contracts")) {
            var as = path.startsWith("/api/v1/admin") ? admin() : finance();
            JsonNode body = new ObjectMapper().readTree(as.get(path).then().statusCode(200).extract().asString());
            moneyFields += walk(path, "", body, null, numbers, offScale);
        }
        assertThat(moneyFields).as("money fields seen").isGreaterThan(10);
        assertThat(numbers).as("money as a JSON number").isEmpty();
        assertThat(offScale).as("money strings not at their currency's minor-unit scale").isEmpty();
    }

    /** The scale rule itself, for currencies the demo data has none of: USD 2, JPY 0, KWD 3. */
    @Test
    void moneyTextCarriesTheCurrencysMinorUnitScale() {
        assertThat(Money.text(new BigDecimal("11"), "USD")).isEqualTo("11.00");
        assertThat(Money.text("11", "USD")).isEqualTo("11.00");
        assertThat(Money.text(new BigDecimal("-1.5"), "EUR")).isEqualTo("-1.50");
        assertThat(Money.text(new BigDecimal("1200.00"), "JPY")).isEqualTo("1200");
        assertThat(Money.text(new BigDecimal("0"), "JPY")).isEqualTo("0");
        assertThat(Money.text(new BigDecimal("2.5"), "KWD")).isEqualTo("2.500");
        // Digits beyond the scale are never rounded away: the amount stays exact.
        assertThat(Money.text(new BigDecimal("0.125"), "USD")).isEqualTo("0.125");
    }

    /**
     * Counts the money fields under {@code node}, lists those that are JSON numbers, and those whose decimal string
     * has not the minor-unit scale of the currency beside it (the object's own {@code currency}, else its parent's).
     */
    private static int walk(String endpoint, String at, JsonNode node, String currency, List<String> numbers,
            List<String> offScale) {
        int seen = 0;
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                seen += walk(endpoint, at + "[" + i + "]", node.get(i), currency, numbers, offScale);
            }
        } else if (node.isObject()) {
            if (node.path("currency").isTextual()) {
                currency = node.path("currency").asText();
            }
            var fields = node.fields();
            while (fields.hasNext()) {
                var field = fields.next();
                String name = field.getKey();
                if (MONEY.matcher(name).matches() && !MINOR.matcher(name).matches()
                        && (field.getValue().isValueNode() && !field.getValue().isNull())) {
                    seen++;
                    if (field.getValue().isNumber()) {
                        numbers.add(endpoint + " " + at + "." + name + " = " + field.getValue());
                    } else if (field.getValue().isTextual() && currency != null && !UNIT_PRICE.matcher(name).matches()
                            && DECIMAL.matcher(field.getValue().asText()).matches()
                            && !onScale(field.getValue().asText(), Currency.getInstance(currency).getDefaultFractionDigits())) {
                        offScale.add(endpoint + " " + at + "." + name + " = \"" + field.getValue().asText() + "\" "
                                + currency);
                    }
                }
                seen += walk(endpoint, at + "." + name, field.getValue(), currency, numbers, offScale);
            }
        }
        return seen;
    }

    private static boolean onScale(String amount, int scale) {
        return amount.matches(scale == 0 ? "-?\\d+" : "-?\\d+\\.\\d{" + scale + "}");
    }
}
