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
import static io.meterbridge.support.Adjustments.correction;
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
 * docs/architecture.md, "Retractions and corrections", by hand: three events of 100 requests = 300; one corrected to
 * 40: 300 - 100 + 40 = 240, still three events. Corrected again to 70 (the correction names the original): 240 - 40 +
 * 70 = 270. A retraction naming the correction instead of the original is quarantined (bad_adjustment_target):
 * still 270. Then the original retracted: what is left of it (70) goes: 200, two events.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class CorrectedUsageTest {

    @Test
    void aCorrectionReplacesTheOriginalsValueAndALaterOneReplacesItAgain() {
        String tenant = uniqueId("correct");
        contract(tenant, "stripe", stripeCustomer(tenant), "HUB_RATES", null, null, Map.of(), "api_requests");
        String[] month = thisMonth();
        ObjectNode first = apiRequests(tenant, thisHour(), 100, "u1");
        send(first, apiRequests(tenant, thisHour(), 100, "u2"), apiRequests(tenant, thisHour(), 100, "u3"));
        awaitQuantity(tenant, "api_requests", month[0], month[1], "300");

        send(correction(first, 40));
        JsonPath corrected = awaitQuantity(tenant, "api_requests", month[0], month[1], "240");
        assertThat(corrected.getLong("windows[0].events")).isEqualTo(3);

        ObjectNode second = correction(first, 70);
        send(second);
        awaitQuantity(tenant, "api_requests", month[0], month[1], "270");

        // A retraction that names the correction, not the original, would take back 70 - 40 = 30 alone: refused.
        send(retraction(second));
        var refused = await().atMost(Duration.ofSeconds(30)).until(() -> quarantined(tenant), l -> l.size() == 1);
        assertThat(refused.get(0).get("reasonCode")).isEqualTo("bad_adjustment_target");
        awaitQuantity(tenant, "api_requests", month[0], month[1], "270");

        send(retraction(first));
        JsonPath retracted = awaitQuantity(tenant, "api_requests", month[0], month[1], "200");
        assertThat(retracted.getLong("windows[0].events")).isEqualTo(2);
    }
}
