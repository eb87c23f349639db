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
import static io.meterbridge.support.BillingFixture.charges;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.ContractVersions.customer;
import static io.meterbridge.support.ContractVersions.term;
import static io.meterbridge.support.ContractVersions.version;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.People.as;
import static io.meterbridge.support.People.audit;
import static io.meterbridge.support.People.graduatedApiRequests;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A price version published through the billing API rates a close once a second person approves it
 * (docs/api/billing.md#price-versions, worked example): tiers 0.0200 USD up to 1,000 requests and 0.0150 above;
 * 1,500 September requests = 1,000 x 0.0200 + 500 x 0.0150 = 20.00 + 7.50 = 27.50 USD.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class PricePublicationTest {

    @Inject
    PriceBookStore prices;

    @Test
    void anApprovedPublicationPricesTheNextClose() {
        String id = uniqueId("api-requests-pub");
        JsonPath requested = as("priya").body(graduatedApiRequests(id, "1000", "0.0200", "0.0150"))
                .post("/api/v1/billing/price-versions").then().statusCode(202).extract().jsonPath();
        assertThat(requested.getString("status")).isEqualTo("PENDING_APPROVAL");
        assertThat(requested.getBoolean("effective")).isFalse();
        assertThat(requested.getString("requested_by")).isEqualTo("priya");
        assertThat(requested.getString("definition.tiers[0].unitPrice")).isEqualTo("0.0200");
        long approval = requested.getLong("approval_id");
        // Waiting for approval, it prices nothing.
        assertThat(prices.books().version(id)).isEmpty();

        as("amara").body(Map.of("reason", "matches the signed price sheet"))
                .post("/api/v1/approvals/" + approval + "/approve").then().statusCode(200);
        assertThat(prices.books().version(id)).isPresent();

        JsonPath listed = as("vera").queryParam("id", id).get("/api/v1/billing/price-versions").then().statusCode(200)
                .extract().jsonPath();
        assertThat(listed.getList("status")).containsExactly("PUBLISHED");
        assertThat(listed.getList("source")).containsExactly("API");
        assertThat(listed.getList("requested_by")).containsExactly("priya");
        assertThat(listed.getList("decided_by")).containsExactly("amara");
        assertThat(listed.getList("decided_at")).doesNotContainNull();
        // The files are listed beside it, as the seed.
        assertThat(as("vera").queryParam("id", "api-requests-2026-v1").get("/api/v1/billing/price-versions").then()
                .statusCode(200).extract().jsonPath().getList("source")).containsExactly("FILE");

        String tenant = uniqueId("pub");
        customer(tenant);
        version(tenant, "2026-09-01T00:00:00Z", null, null, List.of(term("api_requests", id, Map.of()))).then()
                .statusCode(200);
        send(apiRequests(tenant, "2026-09-10T10:00:00Z", 1500, "u1"));
        awaitUsage(tenant, "api_requests", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "1500");
        JsonPath closed = close(tenant, "2026-09-15T00:00:00Z");
        assertThat(closed.getString("currency")).isEqualTo("USD");
        assertThat(closed.getString("total")).isEqualTo("27.50");
        JsonPath lines = charges(closed.getLong("closeId"));
        assertThat(lines.getList("charges.price_version")).containsOnly(id);

        JsonPath trail = audit("price_version", id);
        assertThat(trail.getList("events.action")).containsExactly("price-version.publish", "price-version.request");
        assertThat(trail.getList("events.person")).containsExactly("amara", "priya");
        assertThat(trail.getString("events[0].after.status")).isEqualTo("PUBLISHED");
        assertThat(trail.getString("events[0].after.definition.tiers[1].unitPrice")).isEqualTo("0.0150");
    }
}
