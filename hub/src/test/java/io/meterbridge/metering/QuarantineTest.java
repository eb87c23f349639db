package io.meterbridge.metering;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.Events.BATCH;
import static io.meterbridge.support.Events.apiRequest;
import static io.meterbridge.support.Events.batch;
import static io.meterbridge.support.Events.post;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.admin;
import static io.meterbridge.support.MasterDataFixture.contract;
import static io.meterbridge.support.MasterDataFixture.customer;
import static io.meterbridge.support.MasterDataFixture.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** Unattributable events are kept with their reason, listed, and counted once their mapping appears. */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class QuarantineTest {

    private static ObjectNode api(String tenant, int count) {
        ObjectNode event = apiRequest(uniqueId("q"), count, "u");
        event.put("subject", tenant);
        event.put("time", "2026-11-18T12:00:00Z");
        return event;
    }

    private static List<Map<String, Object>> quarantined(String tenant) {
        return admin().queryParam("subject", tenant).get("/api/v1/admin/quarantine").then().statusCode(200)
                .extract().jsonPath().getList("$");
    }

    private static long total(String tenant) {
        return usage("subject", tenant, "api_requests", "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", "PERIOD")
                .then().statusCode(200).extract().jsonPath().getList("windows.quantity", Number.class).stream()
                .mapToLong(Number::longValue).sum();
    }

    @Test
    void anUnknownTenantIsQuarantinedAndCountedWhenItsMappingAppears() {
        String tenant = uniqueId("newcomer");
        post(batch(api(tenant, 4), api(tenant, 6)), BATCH).then().statusCode(202).body("accepted", equalTo(2));

        List<Map<String, Object>> held = await().atMost(Duration.ofSeconds(30)).until(() -> quarantined(tenant), l -> l.size() == 2);
        assertThat(held).extracting(e -> e.get("reasonCode")).containsOnly("unknown_tenant");
        assertThat(held.get(0).get("reason").toString()).contains("no customer mapping for tenant '" + tenant + "'");
        assertThat(total(tenant)).isZero();

        // The mapping appears: the change releases the quarantine by itself.
        customer(tenant, "cus_" + tenant, "2026-01-01T00:00:00Z");
        contract("contract-" + tenant, "cus_" + tenant, "UTC", 1, "2026-01-01T00:00:00Z", "api_requests");
        await().atMost(Duration.ofSeconds(30)).until(() -> total(tenant) == 10);
        assertThat(quarantined(tenant)).isEmpty();

        // Releasing again counts nothing twice.
        admin().post("/api/v1/admin/quarantine/release").then().statusCode(200);
        assertThat(total(tenant)).isEqualTo(10);
    }

    @Test
    void anEventTypeThatFeedsNoMetricWaitsForOneAndIsReleasedOnDemand() {
        String tenant = uniqueId("searcher");
        customer(tenant, "cus_" + tenant, "2026-01-01T00:00:00Z");
        ObjectNode search = api(tenant, 1);
        search.put("type", "search.query");
        search.putObject("data").put("query_terms", 3).put("index", "products");
        post(batch(search), BATCH).then().statusCode(202).body("accepted", equalTo(1));

        List<Map<String, Object>> held = await().atMost(Duration.ofSeconds(30)).until(() -> quarantined(tenant), l -> l.size() == 1);
        assertThat(held.get(0).get("reasonCode")).isEqualTo("unknown_metric");
        assertThat(held.get(0).get("reason").toString()).contains("event type 'search.query'");

        // The catalog gets a metric for it (a data change), and the contract covers it...
        admin().body(Map.of("aggregation", "SUM", "unit", "term", "sources",
                List.of(Map.of("eventType", "search.query", "field", "query_terms"))))
                .put("/api/v1/admin/metrics/search_terms").then().statusCode(200);
        contract("contract-" + tenant, "cus_" + tenant, "UTC", 1, "2026-01-01T00:00:00Z", "search_terms");
        // ...and an operator releases explicitly (the automatic release may already have done it).
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            admin().queryParam("subject", tenant).post("/api/v1/admin/quarantine/release").then().statusCode(200);
            assertThat(quarantined(tenant)).isEmpty();
        });
        JsonPath usage = usage("subject", tenant, "search_terms", "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", "PERIOD")
                .then().statusCode(200).extract().jsonPath();
        assertThat(usage.getInt("windows[0].quantity")).isEqualTo(3);
        assertThat(usage.getString("windows[0].unit")).isEqualTo("unit");
    }
}
