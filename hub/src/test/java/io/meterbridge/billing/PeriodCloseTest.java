package io.meterbridge.billing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.charges;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contract;
import static io.meterbridge.support.BillingFixture.featureRun;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.storage;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Period close of a hub-rated contract against amounts computed by hand: included units with overage and a
 * minimum-charge true-up, volume-priced distinct users, package-priced peak storage, and prepaid credits that
 * run out in the first period. Half-open periods: an event at 00:00 on the 1st belongs to the new period.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class PeriodCloseTest {

    private static final String SEP = "2026-09-01T00:00:00Z", OCT = "2026-10-01T00:00:00Z", NOV = "2026-11-01T00:00:00Z";

    @Test
    void ratesEachPeriodExactlyAndClosingTwiceChangesNothing() {
        String tenant = uniqueId("close");
        contract(tenant, "stripe", "cus_" + tenant, "HUB_RATES", null, new BigDecimal("10.00"),
                Map.of("api_requests", new BigDecimal("1000")), "api_requests", "active_users", "storage_gb_peak",
                "feature_runs");
        List<ObjectNode> events = new ArrayList<>(List.of(
                apiRequests(tenant, "2026-09-10T10:00:00Z", 900, "u1"),
                apiRequests(tenant, "2026-09-20T10:00:00Z", 600, "u2"),
                apiRequests(tenant, "2026-09-30T23:59:59Z", 100, "u3"),
                apiRequests(tenant, "2026-10-01T00:00:00Z", 5000, "u4"),
                storage(tenant, "2026-09-05T08:00:00Z", 250_000_000_000L),
                storage(tenant, "2026-09-15T08:00:00Z", 120_000_000_000L)));
        for (int i = 0; i < 60; i++) {
            events.add(featureRun(tenant, "2026-09-12T12:00:00Z"));
        }
        for (int i = 0; i < 20; i++) {
            events.add(featureRun(tenant, "2026-10-12T12:00:00Z"));
        }
        send(events.toArray(ObjectNode[]::new));
        awaitUsage(tenant, "api_requests", SEP, OCT, "1600");
        awaitUsage(tenant, "api_requests", OCT, NOV, "5000");
        awaitUsage(tenant, "feature_runs", SEP, OCT, "60");
        awaitUsage(tenant, "feature_runs", OCT, NOV, "20");
        awaitUsage(tenant, "storage_gb_peak", SEP, OCT, "250");

        JsonPath september = close(tenant, "2026-09-15T00:00:00Z");
        assertThat(september.getBoolean("created")).isTrue();
        assertThat(september.getString("periodStart")).isEqualTo(SEP);
        assertThat(september.getString("periodEnd")).isEqualTo(OCT);
        assertThat(new BigDecimal(september.getString("total"))).isEqualByComparingTo("73.00");
        long closeId = september.getLong("closeId");

        JsonPath rated = charges(closeId);
        assertThat(rated.getList("charges.metric")).containsExactly("active_users", "api_requests", "api_requests",
                "feature_runs", "feature_runs", "storage_gb_peak");
        assertThat(rated.getList("charges.line_type")).containsExactly("USAGE", "OVERAGE", "TRUE_UP", "USAGE",
                "CREDITS_APPLIED", "USAGE");
        assertThat(rated.getList("charges.amount", String.class).stream().map(BigDecimal::new).toList())
                .usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("6.00"), new BigDecimal("0.60"), new BigDecimal("49.40"),
                        new BigDecimal("15.00"), new BigDecimal("-10.00"), new BigDecimal("12.00"));
        assertThat(rated.getList("charges.amount_minor", Long.class)).containsExactly(600L, 60L, 4940L, 1500L, -1000L, 1200L);
        assertThat(rated.getList("charges.price_version")).contains("api-requests-2026-v1", "feature-runs-2026-v1");
        assertThat(rated.getString("charges.find { it.metric == 'api_requests' }.schema_refs")).contains("api.request");
        // Lineage: the three hourly aggregates of September's API requests (the event of 1 October is not one).
        assertThat(rated.getInt("sources.find { it.metric == 'api_requests' }.hourly_aggregates")).isEqualTo(3);
        assertThat(rated.getInt("sources.find { it.metric == 'api_requests' }.events")).isEqualTo(3);

        JsonPath again = close(tenant, "2026-09-30T12:00:00Z");
        assertThat(again.getBoolean("created")).isFalse();
        assertThat(again.getLong("closeId")).isEqualTo(closeId);
        assertThat(charges(closeId).getList("charges")).hasSize(6);
        assertThat(finance().queryParam("contractKey", "contract-" + tenant).get("/api/v1/billing/periods").then()
                .statusCode(200).extract().jsonPath().getList("id")).hasSize(1);

        // October: the 20 feature runs find no credits left; the event at 00:00 on 1 October counts here.
        JsonPath october = close(tenant, "2026-10-02T00:00:00Z");
        assertThat(new BigDecimal(october.getString("total"))).isEqualByComparingTo("57.00");
        JsonPath octoberCharges = charges(october.getLong("closeId"));
        assertThat(octoberCharges.getList("charges.line_type")).doesNotContain("CREDITS_APPLIED");
        assertThat(new BigDecimal(octoberCharges.getString("charges.find { it.line_type == 'OVERAGE' }.amount")))
                .isEqualByComparingTo("4.00");
    }

    @Test
    void refusesAPeriodThatHasNotEndedAndAnUnknownContract() {
        String tenant = uniqueId("open");
        contract(tenant, "stripe", "cus_" + tenant, "HUB_RATES", null, null, Map.of(), "api_requests");
        finance().contentType("application/json").body(Map.of("contractKey", "contract-" + tenant,
                "at", java.time.Instant.now().toString())).post("/api/v1/billing/periods/close").then().statusCode(400)
                .body("error", org.hamcrest.Matchers.containsString("has not ended"));
        finance().contentType("application/json").body(Map.of("contractKey", "no-such-contract"))
                .post("/api/v1/billing/periods/close").then().statusCode(400)
                .body("error", org.hamcrest.Matchers.containsString("no contract 'no-such-contract'"));
    }
}
