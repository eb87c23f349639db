package io.meterbridge.metering;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.charges;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.storage;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.admin;
import static io.meterbridge.support.MasterDataFixture.customer;
import static io.meterbridge.support.MasterDataFixture.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two tenants (A and B) on one contract, September 2026 (UTC): each aggregation over both, through ingest, metering,
 * the usage API of the billing account and the period close, against the figures of docs/architecture.md#3-aggregation
 * (computed by hand there). The close is platform-rated, so it sends the period quantity of every metric that does not
 * add up as it computed it.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class TenantAggregationTest {

    private static final String SEP = "2026-09-01T00:00:00Z", OCT = "2026-10-01T00:00:00Z";
    private static final long GB = 1_000_000_000L;
    private String a;
    private String b;
    private String account;

    @BeforeEach
    void twoTenantsOnOneContract() {
        a = uniqueId("agg-a");
        b = uniqueId("agg-b");
        account = "cus_" + a.replace("-", "");
        customer(a, account, "2026-01-01T00:00:00Z");
        customer(b, account, "2026-01-01T00:00:00Z");
        List<Map<String, Object>> metrics = List.of("api_requests", "active_users", "storage_gb_peak", "storage_gb_latest")
                .stream().map(m -> Map.<String, Object>of("metric", m, "unit", m.startsWith("storage") ? "GB" : "unit",
                        "priceVersion", m + "-v1", "platformPriceRef", m.replace('_', '-') + "-meter"))
                .toList();
        Map<String, Object> contract = new LinkedHashMap<>();
        contract.put("contractKey", "contract-" + a);
        contract.put("billingSystem", "stripe");
        contract.put("billingAccountId", account);
        contract.put("billingMode", "PLATFORM_RATES");
        contract.put("billingCycle", "MONTHLY");
        contract.put("anchorDay", 1);
        contract.put("timeZone", "UTC");
        contract.put("gracePeriod", "P3D");
        contract.put("validFrom", "2026-09-01T00:00:00Z"); // September, the period it closes, is its first
        contract.put("metrics", metrics);
        admin().body(contract).post("/api/v1/admin/contracts").then().statusCode(200);
    }

    /** The storage readings of the example: A 300 and 200 GB at 10:xx, 100 GB at 11:20; B 50, 400, and 80 GB two days later. */
    private void sendStorageReadings() {
        send(storage(a, "2026-09-10T10:05:00Z", 300 * GB), storage(a, "2026-09-10T10:50:00Z", 200 * GB),
                storage(a, "2026-09-10T11:20:00Z", 100 * GB),
                storage(b, "2026-09-10T10:40:00Z", 50 * GB), storage(b, "2026-09-10T11:30:00Z", 400 * GB),
                storage(b, "2026-09-12T09:00:00Z", 80 * GB));
    }

    /** The billing account's September of a metric (both tenants), once metering has counted {@code events}. */
    private JsonPath accountPeriod(String metric, long events) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> usage("customer", account, metric, SEP, OCT, "PERIOD")
                .then().statusCode(200).extract().jsonPath(), json -> json.getList("windows").size() == 1
                && json.getLong("windows[0].events") == events);
    }

    private BigDecimal tenantPeriod(String tenant, String metric) {
        return new BigDecimal(usage("subject", tenant, metric, SEP, OCT, "PERIOD").then().statusCode(200).extract()
                .jsonPath().getString("windows[0].quantity"));
    }

    private List<BigDecimal> closedQuantities(String metric) {
        JsonPath closed = charges(close(a, "2026-09-15T00:00:00Z").getLong("closeId"));
        return closed.getList("usageSummaries.findAll { it.metric == '" + metric + "' }.quantity", String.class)
                .stream().map(BigDecimal::new).toList();
    }

    @Test
    void maxIsThePeakOfTheHourlySumOverTheTenants() {
        sendStorageReadings();
        JsonPath period = accountPeriod("storage_gb_peak", 6);
        // hour 10: A 300 (its peak of 300 and 200) + B 50 = 350; hour 11: A 100 + B 400 = 500; 12th 09h: B 80
        assertThat(new BigDecimal(period.getString("windows[0].quantity"))).isEqualByComparingTo("500");
        assertThat(period.getString("windows[0].contract")).isEqualTo("contract-" + a);
        // each tenant alone: its own peak (the old rule took one tenant's bucket: 400)
        assertThat(tenantPeriod(a, "storage_gb_peak")).isEqualByComparingTo("300");
        assertThat(tenantPeriod(b, "storage_gb_peak")).isEqualByComparingTo("400");
        JsonPath hourly = usage("customer", account, "storage_gb_peak", SEP, OCT, "HOUR").then().statusCode(200)
                .extract().jsonPath();
        assertThat(hourly.getList("windows.quantity", String.class).stream().map(BigDecimal::new).toList())
                .usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("350"), new BigDecimal("500"), new BigDecimal("80"));
        assertThat(closedQuantities("storage_gb_peak")).usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("500"));
    }

    @Test
    void latestIsTheSumOfEachTenantsLatestValue() {
        sendStorageReadings();
        JsonPath period = accountPeriod("storage_gb_latest", 6);
        // A's latest reading: 100 (10 Sep 11:20); B's: 80 (12 Sep 09:00). The old rule took B's alone: 80.
        assertThat(new BigDecimal(period.getString("windows[0].quantity"))).isEqualByComparingTo("180");
        // the day of the 10th: A 100 (11:20) + B 400 (11:30) = 500
        JsonPath day = usage("customer", account, "storage_gb_latest", "2026-09-10T00:00:00Z", "2026-09-11T00:00:00Z",
                "DAY").then().statusCode(200).extract().jsonPath();
        assertThat(new BigDecimal(day.getString("windows[0].quantity"))).isEqualByComparingTo("500");
        assertThat(closedQuantities("storage_gb_latest")).usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("180"));
    }

    @Test
    void uniqueCountIsDistinctAcrossAllTenants() {
        send(apiRequests(a, "2026-09-10T10:00:00Z", 100, "u1"), apiRequests(a, "2026-09-10T11:00:00Z", 200, "u2"),
                apiRequests(b, "2026-09-10T10:30:00Z", 50, "u2"), apiRequests(b, "2026-09-20T08:00:00Z", 25, "u3"));
        JsonPath period = accountPeriod("active_users", 4);
        // A: u1, u2; B: u2, u3. u2 is one user: 3, not 2 + 2
        assertThat(new BigDecimal(period.getString("windows[0].quantity"))).isEqualByComparingTo("3");
        assertThat(tenantPeriod(a, "active_users")).isEqualByComparingTo("2");
        assertThat(tenantPeriod(b, "active_users")).isEqualByComparingTo("2");
        assertThat(closedQuantities("active_users")).usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("3"));
    }

    @Test
    void sumAddsUpEveryTenant() {
        send(apiRequests(a, "2026-09-10T10:00:00Z", 100, "u1"), apiRequests(a, "2026-09-10T11:00:00Z", 200, "u2"),
                apiRequests(b, "2026-09-10T10:30:00Z", 50, "u2"), apiRequests(b, "2026-09-20T08:00:00Z", 25, "u3"));
        JsonPath period = accountPeriod("api_requests", 4);
        // 100 + 200 + 50 + 25
        assertThat(new BigDecimal(period.getString("windows[0].quantity"))).isEqualByComparingTo("375");
        // sent per day at close: 10 Sep 350, 20 Sep 25
        assertThat(closedQuantities("api_requests")).usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("350"), new BigDecimal("25"));
    }
}
