package io.meterbridge.metering;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.Events.BATCH;
import static io.meterbridge.support.Events.apiRequest;
import static io.meterbridge.support.Events.batch;
import static io.meterbridge.support.Events.post;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.contract;
import static io.meterbridge.support.MasterDataFixture.customer;
import static io.meterbridge.support.MasterDataFixture.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every aggregation against hand-computed results, in a contract whose time zone is not UTC (America/New_York,
 * EST = UTC-5 in November) and whose billing period starts on the 15th.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class AggregationTest {

    private static final String FROM = "2026-11-01T00:00:00Z", TO = "2026-12-01T00:00:00Z";
    private String tenant;

    @BeforeEach
    void customerWithEveryMetric() {
        tenant = uniqueId("agg");
        String account = "cus_" + tenant;
        customer(tenant, account, "2026-01-01T00:00:00Z");
        contract("contract-" + tenant, account, "America/New_York", 15, "2026-01-01T00:00:00Z",
                "api_requests", "active_users", "storage_gb_peak", "storage_gb_latest", "feature_runs");
    }

    private ObjectNode api(String time, int count, String user) {
        ObjectNode event = apiRequest(uniqueId("agg-api"), count, user);
        event.put("subject", tenant);
        event.put("time", time);
        return event;
    }

    private ObjectNode storage(String time, long bytes) {
        ObjectNode event = api(time, 1, "x");
        event.put("type", "storage.usage");
        event.putObject("data").put("bytes", bytes).put("bucket", "b").put("storage_class", "standard");
        return event;
    }

    private ObjectNode feature(String time) {
        ObjectNode event = api(time, 1, "x");
        event.put("type", "feature.execution");
        event.putObject("data").put("feature", "export").put("duration_ms", 1200);
        return event;
    }

    private JsonPath awaitUsage(String metric, String window, int windows, long events) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> usage("subject", tenant, metric, FROM, TO, window)
                .then().statusCode(200).extract().jsonPath(), json -> json.getList("windows").size() == windows
                && json.getList("windows.events", Number.class).stream().mapToLong(Number::longValue).sum() == events);
    }

    private static BigDecimal quantity(JsonPath json, int window) {
        return new BigDecimal(json.getString("windows[" + window + "].quantity"));
    }

    @Test
    void sumCountMaxLatestAndUniqueCountMatchHandComputedFigures() {
        // 03:30Z on the 21st is 22:30 on the 20th in New York: same local day as the others.
        post(batch(api("2026-11-20T14:10:00Z", 3, "u1"), api("2026-11-20T14:50:00Z", 4, "u2"),
                api("2026-11-20T15:05:00Z", 5, "u1"), api("2026-11-21T03:30:00Z", 2, "u3"),
                storage("2026-11-20T14:00:00Z", 1_500_000_000L), storage("2026-11-20T14:30:00Z", 4_250_000_000L),
                storage("2026-11-20T15:10:00Z", 2_000_000_000L),
                feature("2026-11-20T14:01:00Z"), feature("2026-11-20T16:01:00Z"), feature("2026-11-21T04:59:59Z")),
                BATCH).then().statusCode(202);

        JsonPath hourly = awaitUsage("api_requests", "HOUR", 3, 4);
        assertThat(hourly.getList("windows.start", String.class))
                .containsExactly("2026-11-20T14:00:00Z", "2026-11-20T15:00:00Z", "2026-11-21T03:00:00Z");
        assertThat(List.of(quantity(hourly, 0), quantity(hourly, 1), quantity(hourly, 2)))
                .usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("7"), new BigDecimal("5"), new BigDecimal("2"));

        JsonPath daily = awaitUsage("api_requests", "DAY", 1, 4);
        assertThat(daily.getString("windows[0].start")).isEqualTo("2026-11-20T05:00:00Z");
        assertThat(daily.getString("windows[0].end")).isEqualTo("2026-11-21T05:00:00Z");
        assertThat(quantity(daily, 0)).isEqualByComparingTo("14");
        assertThat(daily.getString("windows[0].unit")).isEqualTo("unit");

        JsonPath period = awaitUsage("api_requests", "PERIOD", 1, 4);
        assertThat(period.getString("windows[0].start")).isEqualTo("2026-11-15T05:00:00Z");
        assertThat(period.getString("windows[0].end")).isEqualTo("2026-12-15T05:00:00Z");
        assertThat(quantity(period, 0)).isEqualByComparingTo("14");

        // distinct users: 2 + 1 + 1 per hour, but 3 over the day (u1 twice)
        JsonPath usersHourly = awaitUsage("active_users", "HOUR", 3, 4);
        assertThat(List.of(quantity(usersHourly, 0), quantity(usersHourly, 1), quantity(usersHourly, 2)))
                .usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("2"), BigDecimal.ONE, BigDecimal.ONE);
        assertThat(quantity(awaitUsage("active_users", "DAY", 1, 4), 0)).isEqualByComparingTo("3");

        // bytes -> decimal GB: peak 4.25, latest reading 2 (15:10Z)
        assertThat(quantity(awaitUsage("storage_gb_peak", "DAY", 1, 3), 0)).isEqualByComparingTo("4.25");
        JsonPath latestHourly = awaitUsage("storage_gb_latest", "HOUR", 2, 3);
        assertThat(quantity(latestHourly, 0)).isEqualByComparingTo("4.25");
        assertThat(quantity(latestHourly, 1)).isEqualByComparingTo("2");
        assertThat(quantity(awaitUsage("storage_gb_latest", "DAY", 1, 3), 0)).isEqualByComparingTo("2");
        assertThat(awaitUsage("storage_gb_latest", "DAY", 1, 3).getString("windows[0].unit")).isEqualTo("GB");

        // 04:59:59Z on the 21st is still the 20th in New York
        JsonPath runs = awaitUsage("feature_runs", "DAY", 1, 3);
        assertThat(quantity(runs, 0)).isEqualByComparingTo("3");
        JsonPath monthly = awaitUsage("feature_runs", "MONTH", 1, 3);
        assertThat(monthly.getString("windows[0].start")).isEqualTo("2026-11-01T04:00:00Z"); // EDT until Nov 1 06:00Z
    }
}
