package io.meterbridge.metering;

import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.Adjustments.awaitQuantity;
import static io.meterbridge.support.Adjustments.correction;
import static io.meterbridge.support.Adjustments.retraction;
import static io.meterbridge.support.Adjustments.thisHour;
import static io.meterbridge.support.Adjustments.thisMonth;
import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.contract;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.storage;
import static io.meterbridge.support.BillingFixture.stripeCustomer;
import static io.meterbridge.support.Events.uniqueId;

/**
 * MAX and UNIQUE_COUNT buckets are recomputed from the events still live (docs/architecture.md, "Retractions and
 * corrections"), by hand, all in one hour:
 * <ul>
 * <li>api.request A (u1, 100), B (u2, 100), C (u1, 50): api_requests 250, active_users 2. A retracted: 150, still 2
 * users (C counts u1). B retracted: 50, 1 user.</li>
 * <li>storage.usage 5 GB, 8 GB, 6 GB: peak 8. The 8 GB one retracted: peak 6. The 6 GB one corrected to 4 GB: peak
 * 5.</li>
 * </ul>
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class RetractedPeakAndDistinctTest {

    private static final long GB = 1_000_000_000L;

    @Test
    void peakAndDistinctCountAreRecomputedWithoutTheRetractedEvents() {
        String tenant = uniqueId("retract-peak");
        contract(tenant, "stripe", stripeCustomer(tenant), "HUB_RATES", null, null, Map.of(), "api_requests",
                "active_users", "storage_gb_peak");
        String[] month = thisMonth();
        String hour = thisHour();
        ObjectNode a = apiRequests(tenant, hour, 100, "u1");
        ObjectNode b = apiRequests(tenant, hour, 100, "u2");
        ObjectNode five = storage(tenant, hour, 5 * GB);
        ObjectNode eight = storage(tenant, hour, 8 * GB);
        ObjectNode six = storage(tenant, hour, 6 * GB);
        send(a, b, apiRequests(tenant, hour, 50, "u1"), five, eight, six);
        awaitQuantity(tenant, "api_requests", month[0], month[1], "250");
        awaitQuantity(tenant, "active_users", month[0], month[1], "2");
        awaitQuantity(tenant, "storage_gb_peak", month[0], month[1], "8");

        send(retraction(a));
        awaitQuantity(tenant, "api_requests", month[0], month[1], "150");
        awaitQuantity(tenant, "active_users", month[0], month[1], "2");
        send(retraction(b));
        awaitQuantity(tenant, "api_requests", month[0], month[1], "50");
        awaitQuantity(tenant, "active_users", month[0], month[1], "1");

        send(retraction(eight));
        awaitQuantity(tenant, "storage_gb_peak", month[0], month[1], "6");
        send(correction(six, "bytes", 4 * GB));
        awaitQuantity(tenant, "storage_gb_peak", month[0], month[1], "5");
    }
}
