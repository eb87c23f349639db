package io.meterbridge.metering;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.charges;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.admin;
import static io.meterbridge.support.MasterDataFixture.customer;
import static io.meterbridge.support.MasterDataFixture.finance;
import static io.meterbridge.support.MasterDataFixture.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Usage metered after its period was closed is late, whatever the grace period says. The contract's grace period is
 * 60 days, so last month's events are not late by it; the period is closed early by hand, and an event for it that
 * arrives then is counted in its own period, flagged late (usage API, counter), and not in the close.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class LateAfterCloseTest {

    @Inject
    MeterRegistry registry;

    private double lateCounter() {
        Counter counter = registry.find("meterbridge.metering.events").tag("outcome", "late").counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void anEventForAPeriodClosedBeforeItsGraceEndedIsLateNotSilentlyInTheClose() {
        String tenant = uniqueId("late-close");
        String account = "cus_" + tenant.replace("-", "");
        String key = "contract-" + tenant;
        customer(tenant, account, "2026-01-01T00:00:00Z");
        Map<String, Object> contract = new LinkedHashMap<>();
        contract.put("contractKey", key);
        contract.put("billingSystem", "stripe");
        contract.put("billingAccountId", account);
        contract.put("billingMode", "HUB_RATES");
        contract.put("billingCycle", "MONTHLY");
        contract.put("anchorDay", 1);
        contract.put("timeZone", "UTC");
        contract.put("gracePeriod", "P60D");
        // Last month (UTC): ended, but its 60-day grace has not; the contract's first period.
        ZonedDateTime thisMonth = Instant.now().atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
        String from = thisMonth.minusMonths(1).toInstant().toString(), to = thisMonth.toInstant().toString();
        contract.put("validFrom", from);
        contract.put("metrics", List.of(Map.of("metric", "api_requests", "unit", "request",
                "priceVersion", "api-requests-2026-v1")));
        admin().body(contract).post("/api/v1/admin/contracts").then().statusCode(200);
        String eventTime = thisMonth.minusHours(2).toInstant().toString(); // 22:00 on the month's last day
        send(apiRequests(tenant, eventTime, 1000, "u1"));
        JsonPath before = awaitPeriod(account, from, to, 1);
        assertThat(before.getLong("windows[0].lateEvents")).isZero();

        JsonPath closed = finance().contentType(ContentType.JSON).body(Map.of("contractKey", key, "at", from))
                .post("/api/v1/billing/periods/close").then().statusCode(200).extract().jsonPath();
        assertThat(closed.getString("periodStart")).isEqualTo(from);
        long closeId = closed.getLong("closeId");
        // 1,000 x 0.0010 = 1.00, trued up to the 50.00 minimum
        assertThat(new BigDecimal(closed.getString("total"))).isEqualByComparingTo("50.00");

        double lateBefore = lateCounter();
        send(apiRequests(tenant, eventTime, 500, "u2"));
        JsonPath after = awaitPeriod(account, from, to, 2);
        assertThat(new BigDecimal(after.getString("windows[0].quantity"))).isEqualByComparingTo("1500");
        assertThat(after.getLong("windows[0].lateEvents")).isEqualTo(1);
        assertThat(lateCounter()).isGreaterThanOrEqualTo(lateBefore + 1);

        // The close is as it was: one event, 1,000 requests behind its charge.
        JsonPath charges = charges(closeId);
        assertThat(charges.getInt("sources.find { it.metric == 'api_requests' }.events")).isEqualTo(1);
        assertThat(new BigDecimal(charges.getString("charges.find { it.line_type == 'USAGE' }.usage_quantity")))
                .isEqualByComparingTo("1000");
    }

    private static JsonPath awaitPeriod(String account, String from, String to, long events) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> usage("customer", account, "api_requests", from, to,
                "PERIOD").then().statusCode(200).extract().jsonPath(), json -> json.getList("windows").size() == 1
                && json.getLong("windows[0].events") == events);
    }
}
