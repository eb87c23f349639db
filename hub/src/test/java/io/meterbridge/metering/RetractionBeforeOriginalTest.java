package io.meterbridge.metering;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.Adjustments.awaitQuantity;
import static io.meterbridge.support.Adjustments.quarantined;
import static io.meterbridge.support.Adjustments.retraction;
import static io.meterbridge.support.Adjustments.thisHour;
import static io.meterbridge.support.Adjustments.thisMonth;
import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.contract;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.stripeCustomer;
import static io.meterbridge.support.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A retraction that arrives before its original (docs/architecture.md, "Retractions and corrections") waits in
 * quarantine with reason original_not_metered; the original's own metering transaction applies it. By hand: 100 + 100
 * metered = 200 while the retraction waits; the original of 100 arrives and is retracted at once: still 200, two
 * events, the quarantine empty. A quarantine release meanwhile leaves the retraction waiting.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class RetractionBeforeOriginalTest {

    @Test
    void aRetractionWaitsForItsOriginalAndIsAppliedWhenItIsMetered() {
        String tenant = uniqueId("early");
        contract(tenant, "stripe", stripeCustomer(tenant), "HUB_RATES", null, null, Map.of(), "api_requests");
        String[] month = thisMonth();
        ObjectNode original = apiRequests(tenant, thisHour(), 100, "u1");

        send(retraction(original));
        send(apiRequests(tenant, thisHour(), 100, "u2"), apiRequests(tenant, thisHour(), 100, "u3"));
        awaitQuantity(tenant, "api_requests", month[0], month[1], "200");
        var waiting = await().atMost(Duration.ofSeconds(30)).until(() -> quarantined(tenant), l -> l.size() == 1);
        assertThat(waiting.get(0).get("reasonCode")).isEqualTo("original_not_metered");
        assertThat(String.valueOf(waiting.get(0).get("reason"))).contains(original.path("id").asText());

        io.meterbridge.support.MasterDataFixture.admin().queryParam("subject", tenant)
                .post("/api/v1/admin/quarantine/release").then().statusCode(200);
        assertThat(quarantined(tenant)).hasSize(1);

        send(original, apiRequests(tenant, thisHour(), 5, "u4"));
        JsonPath after = awaitQuantity(tenant, "api_requests", month[0], month[1], "205");
        assertThat(after.getLong("windows[0].events")).isEqualTo(3);
        assertThat(quarantined(tenant)).isEmpty();
    }
}
