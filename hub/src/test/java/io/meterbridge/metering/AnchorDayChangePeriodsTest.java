package io.meterbridge.metering;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.admin;
import static io.meterbridge.support.MasterDataFixture.customer;
import static io.meterbridge.support.MasterDataFixture.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Metering's late flag and the usage API's PERIOD window use the close's chain of periods (ContractSchedule), with
 * the anchor-day example of ContractScheduleTest: v1 bills from the 1st until 10 March, v2 from the 15th. The chain:
 * March whole [1 Mar, 1 Apr), then the short [1 Apr, 15 Apr), then [15 Apr, 15 May). v2's own anchor day would have
 * put 20 March and 10 April into [15 Mar, 15 Apr), a period the close never has.
 * <p>
 * The grace period is chosen so that, today, March's grace has passed and the short period's has not: grace = the
 * whole days from 8 April to today (8 April lies between the two ends, 1 and 15 April). So an event of 20 March is
 * late (its period, March, ended 1 April), one of 10 April is not (its period ends 15 April); by v2's own anchor day
 * both would have ended 15 April and neither would be late.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class AnchorDayChangePeriodsTest {

    private static final String MARCH = "2026-03-01T00:00:00Z", APRIL = "2026-04-01T00:00:00Z",
            APRIL_15 = "2026-04-15T00:00:00Z", MAY_15 = "2026-05-15T00:00:00Z";

    @Test
    void theShortPeriodAfterAnAnchorDayChangeIsTheSameInTheUsageApiAndTheLateFlag() {
        String tenant = uniqueId("anchor-change");
        String account = "cus_" + tenant.replace("-", "");
        String key = "contract-" + tenant;
        customer(tenant, account, "2026-01-01T00:00:00Z");
        long graceDays = Duration.between(Instant.parse("2026-04-08T00:00:00Z"), Instant.now()).toDays();
        assertThat(graceDays).as("the test needs a date after 8 April 2026").isPositive();
        version(key, account, 1, "2026-01-01T00:00:00Z", "2026-03-10T00:00:00Z", graceDays);
        version(key, account, 15, "2026-03-10T00:00:00Z", null, graceDays);

        send(apiRequests(tenant, "2026-03-05T10:00:00Z", 100, "u1"), apiRequests(tenant, "2026-03-20T10:00:00Z", 200, "u1"),
                apiRequests(tenant, "2026-04-10T10:00:00Z", 400, "u1"), apiRequests(tenant, "2026-04-20T10:00:00Z", 800, "u1"));

        JsonPath periods = await().atMost(Duration.ofSeconds(30)).until(() -> usage("customer", account,
                "api_requests", MARCH, MAY_15, "PERIOD").then().statusCode(200).extract().jsonPath(),
                json -> json.getList("windows").size() == 3 && json.getList("windows.events", Long.class).stream()
                        .mapToLong(Long::longValue).sum() == 4);
        assertThat(periods.getList("windows.start")).containsExactly(MARCH, APRIL, APRIL_15);
        assertThat(periods.getList("windows.end")).containsExactly(APRIL, APRIL_15, MAY_15);
        assertThat(periods.getList("windows.quantity").stream().map(q -> new java.math.BigDecimal(String.valueOf(q))))
                .usingElementComparator(java.math.BigDecimal::compareTo)
                .containsExactly(new java.math.BigDecimal("300"), new java.math.BigDecimal("400"),
                        new java.math.BigDecimal("800"));
        assertThat(periods.getList("windows.events", Long.class)).containsExactly(2L, 1L, 1L);
        // 5 and 20 March: March's grace has passed; 10 April: the short period's has not (nor has 20 April's).
        assertThat(periods.getList("windows.lateEvents", Long.class)).containsExactly(2L, 0L, 0L);
    }

    private static void version(String key, String account, int anchorDay, String validFrom, String validTo,
            long graceDays) {
        Map<String, Object> contract = new LinkedHashMap<>();
        contract.put("contractKey", key);
        contract.put("billingSystem", "stripe");
        contract.put("billingAccountId", account);
        contract.put("billingMode", "HUB_RATES");
        contract.put("billingCycle", "MONTHLY");
        contract.put("anchorDay", anchorDay);
        contract.put("timeZone", "UTC");
        contract.put("gracePeriod", "P" + graceDays + "D");
        contract.put("validFrom", validFrom);
        if (validTo != null) {
            contract.put("validTo", validTo);
        }
        contract.put("metrics", List.of(Map.of("metric", "api_requests", "unit", "request",
                "priceVersion", "api-requests-2026-v1")));
        admin().body(contract).post("/api/v1/admin/contracts").then().statusCode(200);
    }
}
