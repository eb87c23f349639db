package io.meterbridge.adjustments;

import java.util.LinkedHashMap;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.contractKey;
import static io.meterbridge.support.People.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;

/**
 * An adjustment applies to a closed period, in the contract's currency, with an exact non-zero amount of at most the
 * currency's decimals and a reason; otherwise 400 naming why, and nothing is recorded.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class AdjustmentValidationTest {

    @Test
    void whatCannotBeAdjustedIsRefusedNamingWhy() {
        String tenant = AdjustmentApprovalTest.closedAugust("adjbad");
        refused(tenant, Map.of("periodStart", "2026-09-01T00:00:00Z"), allOf(containsString("periodStart"),
                containsString("no closed period starting at 2026-09-01T00:00:00Z"),
                containsString("2026-08-01T00:00:00Z")));
        refused(tenant, Map.of("currency", "EUR"), containsString("currency: EUR is not the currency of contract "
                + contractKey(tenant) + " (USD)"));
        refused(tenant, Map.of("amount", "-1.005"), containsString("amount: -1.005 has more decimals than USD (2)"));
        refused(tenant, Map.of("amount", "0.00"), containsString("amount: must not be zero"));
        refused(tenant, Map.of("amount", "12,50"), containsString("amount: '12,50' is not a decimal"));
        refused(tenant, Map.of("reason", ""), containsString("reason: required"));
        refused(tenant, Map.of("metric", "api_request"), containsString("metric: 'api_request' is not in the metric"));
        assertThat(as("finance").queryParam("contractKey", contractKey(tenant)).get("/api/v1/billing/adjustments")
                .then().statusCode(200).extract().jsonPath().getList("id")).isEmpty();
    }

    private static void refused(String tenant, Map<String, Object> change, org.hamcrest.Matcher<String> error) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("contractKey", contractKey(tenant),
                "periodStart", "2026-08-01T00:00:00Z", "amount", "-12.50", "currency", "USD", "reason", "credit"));
        body.putAll(change);
        as("finance").body(body).post("/api/v1/billing/adjustments").then().statusCode(400).body("error", error);
    }
}
