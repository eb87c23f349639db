package io.meterbridge.pricing;

import java.util.List;
import java.util.Map;

import io.meterbridge.rating.PriceBookStore;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.ContractVersions.customer;
import static io.meterbridge.support.ContractVersions.term;
import static io.meterbridge.support.ContractVersions.version;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.People.as;
import static io.meterbridge.support.People.graduatedApiRequests;
import static io.meterbridge.support.People.publishApproved;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;

/**
 * What billed stays as billed: a published price version may be redefined until it prices a closed period, never
 * after (BilledPriceVersions refuses, naming the closed period).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class BilledPricePublicationTest {

    @Inject
    PriceBookStore prices;

    @Test
    void aPublishedVersionThatBilledAClosedPeriodIsNotRedefined() {
        String id = uniqueId("api-requests-billed");
        publishApproved(graduatedApiRequests(id, "1000", "0.0200", "0.0150"));
        // Not billed yet: a second publication redefines it, and the first is kept as SUPERSEDED.
        publishApproved(graduatedApiRequests(id, "1000", "0.0100", "0.0050"));
        assertThat(as("vera").queryParam("id", id).get("/api/v1/billing/price-versions").then().statusCode(200)
                .extract().jsonPath().getList("status")).containsExactly("PUBLISHED", "SUPERSEDED");

        String tenant = uniqueId("billedpub");
        customer(tenant);
        version(tenant, "2026-09-01T00:00:00Z", null, null, List.of(term("api_requests", id, Map.of()))).then()
                .statusCode(200);
        send(apiRequests(tenant, "2026-09-10T10:00:00Z", 100, "u1"));
        awaitUsage(tenant, "api_requests", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "100");
        // 100 x 0.0100 = 1.00 USD, priced by the second definition
        JsonPath closed = close(tenant, "2026-09-15T00:00:00Z");
        assertThat(closed.getString("total")).isEqualTo("1.00");

        as("priya").body(graduatedApiRequests(id, "1000", "0.0110", "0.0050")).post("/api/v1/billing/price-versions")
                .then().statusCode(409).body("error", allOf(
                        containsString("price version '" + id + "' differs from the definition it billed"),
                        containsString("(close " + closed.getLong("closeId") + ")"),
                        containsString("a billed price version is never corrected")));
        assertThat(prices.version(id, "api_requests").model().toString()).contains("0.0100");
    }
}
