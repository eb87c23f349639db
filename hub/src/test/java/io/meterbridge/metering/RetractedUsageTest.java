package io.meterbridge.metering;

import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.support.EmbeddedEngines;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.Adjustments.awaitQuantity;
import static io.meterbridge.support.Adjustments.retraction;
import static io.meterbridge.support.Adjustments.thisHour;
import static io.meterbridge.support.Adjustments.thisMonth;
import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.contract;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.stripeCustomer;
import static io.meterbridge.support.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/architecture.md, "Retractions and corrections", by hand: three events of 100 requests = 300; the producer
 * retracts one: 300 - 100 = 200, two events. The same retraction replayed, and a second retraction (own id) of the same
 * original, change nothing: still 200 (the second is a duplicate); a later event of 7 requests gives 207.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class RetractedUsageTest {

    @Inject
    MeterRegistry registry;

    private double duplicates() {
        Counter counter = registry.find("meterbridge.metering.events").tag("outcome", "duplicate").counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aRetractionTakesTheOriginalsUsageBackExactlyOnce() {
        String tenant = uniqueId("retract");
        contract(tenant, "stripe", stripeCustomer(tenant), "HUB_RATES", null, null, Map.of(), "api_requests");
        String[] month = thisMonth();
        ObjectNode first = apiRequests(tenant, thisHour(), 100, "u1");
        send(first, apiRequests(tenant, thisHour(), 100, "u2"), apiRequests(tenant, thisHour(), 100, "u3"));
        awaitQuantity(tenant, "api_requests", month[0], month[1], "300");

        ObjectNode retraction = retraction(first);
        send(retraction);
        JsonPath retracted = awaitQuantity(tenant, "api_requests", month[0], month[1], "200");
        assertThat(retracted.getLong("windows[0].events")).isEqualTo(2);
        assertThat(retracted.getLong("windows[0].lateEvents")).isZero();

        double duplicatesBefore = duplicates();
        send(retraction); // ingest answers it as a duplicate: nothing is written
        send(retraction(first)); // another retraction of an event retracted already: metered as a duplicate
        send(apiRequests(tenant, thisHour(), 7, "u4")); // same tenant, same partition: metered after both
        JsonPath after = awaitQuantity(tenant, "api_requests", month[0], month[1], "207");
        assertThat(after.getLong("windows[0].events")).isEqualTo(3);
        assertThat(duplicates()).isGreaterThanOrEqualTo(duplicatesBefore + 1);
    }
}
