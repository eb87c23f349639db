package io.meterbridge.erp;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
        int moneyFields = 0;
        for (String path : List.of("/api/v1/billing/periods", "/api/v1/billing/periods/" + closeId + "/charges",
                "/api/v1/billing/deliveries", "/api/v1/erp/documents?contractKey=" + contractKey(tenant),
                "/api/v1/erp/postings", "/api/v1/admin/contracts")) {
            var as = path.startsWith("/api/v1/admin") ? admin() : finance();
            JsonNode body = new ObjectMapper().readTree(as.get(path).then().statusCode(200).extract().asString());
            moneyFields += walk(path, "", body, numbers);
        }
        assertThat(moneyFields).as("money fields seen").isGreaterThan(10);
        assertThat(numbers).as("money as a JSON number").isEmpty();
    }

    /** Counts the money fields under {@code node} and lists those that are JSON numbers. */
    private static int walk(String endpoint, String at, JsonNode node, List<String> numbers) {
        int seen = 0;
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                seen += walk(endpoint, at + "[" + i + "]", node.get(i), numbers);
            }
        } else if (node.isObject()) {
            var fields = node.fields();
            while (fields.hasNext()) {
                var field = fields.next();
                String name = field.getKey();
                if (MONEY.matcher(name).matches() && !MINOR.matcher(name).matches()
                        && (field.getValue().isValueNode() && !field.getValue().isNull())) {
                    seen++;
                    if (field.getValue().isNumber()) {
                        numbers.add(endpoint + " " + at + "." + name + " = " + field.getValue());
                    }
                }
                seen += walk(endpoint, at + "." + name, field.getValue(), numbers);
            }
        }
        return seen;
    }
}
