package io.meterbridge.billing;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.charges;
import static io.meterbridge.support.BillingFixture.contract;
import static io.meterbridge.support.BillingFixture.contractKey;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A close counts every event accepted before it started: while metering stands still with an accepted event, a manual
 * close waits (hub.billing.close-metering-wait, 5 s in tests), then answers 409 with the reason and writes nothing;
 * once metering runs, the close succeeds and the event is in it.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class CloseWaitsForMeteringTest {

    @Inject
    CamelContext camel;

    @Inject
    MeterRegistry registry;

    private double meteringLag() {
        return registry.find("meterbridge.consumer.lag").tag("group", "meterbridge-metering").gauges().stream()
                .mapToDouble(Gauge::value).sum();
    }

    private double deferred() {
        Counter counter = registry.find("meterbridge_period_close_deferred_total").tag("reason", "metering_lag")
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private static Response close(String tenant) {
        return finance().contentType(ContentType.JSON)
                .body(Map.of("contractKey", contractKey(tenant), "at", "2026-09-15T00:00:00Z"))
                .post("/api/v1/billing/periods/close");
    }

    @Test
    void aCloseWaitsUntilMeteringHasCountedEveryAcceptedEvent() throws Exception {
        String tenant = uniqueId("wait");
        contract(tenant, "stripe", "cus_" + tenant.replace("-", ""), "HUB_RATES", null, null, Map.of(), "api_requests");
        double deferredBefore = deferred();
        camel.getRouteController().stopRoute("metering");
        try {
            send(apiRequests(tenant, "2026-09-10T10:00:00Z", 1000, "u1"));
            // the event is on the accepted topic, and metering has not committed it
            await().atMost(Duration.ofSeconds(30)).until(() -> meteringLag() >= 1);

            Response refused = close(tenant);
            refused.then().statusCode(409);
            assertThat(refused.jsonPath().getString("error")).contains("close of contract " + contractKey(tenant)
                    + " deferred: metering has not caught up").contains("not metered yet");
            assertThat(refused.header("Retry-After")).isEqualTo("6");
            assertThat(deferred()).isGreaterThanOrEqualTo(deferredBefore + 1);
            assertThat(finance().queryParam("contractKey", contractKey(tenant)).get("/api/v1/billing/periods").then()
                    .statusCode(200).extract().jsonPath().getList("id")).isEmpty();
        } finally {
            camel.getRouteController().startRoute("metering");
        }

        // Asked again until metering has caught up (a refused close writes nothing, so asking again is safe).
        JsonPath closed = await().atMost(Duration.ofSeconds(60)).until(() -> close(tenant), r -> r.statusCode() == 200)
                .jsonPath();
        assertThat(closed.getBoolean("created")).isTrue();
        JsonPath charges = charges(closed.getLong("closeId"));
        assertThat(charges.getInt("sources.find { it.metric == 'api_requests' }.events")).isEqualTo(1);
        assertThat(new BigDecimal(charges.getString("charges.find { it.line_type == 'USAGE' }.usage_quantity")))
                .isEqualByComparingTo("1000");
    }
}
