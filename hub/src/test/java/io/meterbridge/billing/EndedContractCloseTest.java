package io.meterbridge.billing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.charges;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contractKey;
import static io.meterbridge.support.ContractVersions.customer;
import static io.meterbridge.support.ContractVersions.term;
import static io.meterbridge.support.ContractVersions.version;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;

/**
 * An ended contract closes no more periods (docs/architecture.md, "Contract validity and versions"): a contract valid
 * [2026-01-01, 2026-03-16) with the 50.00 minimum of api-requests-2026-v1 and no usage. January, February: the 50.00
 * true-up each.
 * March, covered 15 of 31 days: 50.00 x 1,296,000 / 2,678,400 s = 24.193548... = 24.19 (HALF_UP). April and later:
 * nothing, neither by the scheduler (which before billed 50.00 every month, for ever) nor by hand (a 400 naming the
 * validity).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class EndedContractCloseTest {

    @Inject
    PeriodCloseService periodClose;

    @Test
    void anEndedContractClosesNoMorePeriods() {
        String tenant = uniqueId("ended");
        customer(tenant);
        version(tenant, "2026-01-01T00:00:00Z", "2026-03-16T00:00:00Z", null,
                List.of(term("api_requests", "api-requests-2026-v1", Map.of()))).then().statusCode(200);

        // Never closed: the scheduler starts with the contract's first period (the closed periods leave no gap) and
        // closes what overlaps the validity: January and February at 50.00, March prorated, nothing after.
        List<PeriodCloseService.Closed> scheduled = periodClose.closeDueOf(contractKey(tenant),
                Instant.parse("2026-11-10T00:00:00Z"));
        assertThat(scheduled).extracting(c -> c.periodStart().toString()).containsExactly("2026-01-01T00:00:00Z",
                "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z");
        assertThat(scheduled).extracting(PeriodCloseService.Closed::total).usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("50.00"), new BigDecimal("50.00"), new BigDecimal("24.19"));

        // Asked by hand, they are returned as they are.
        JsonPath february = close(tenant, "2026-02-10T00:00:00Z");
        assertThat(february.getBoolean("created")).isFalse();
        assertThat(new BigDecimal(february.getString("total"))).isEqualByComparingTo("50.00");
        JsonPath march = close(tenant, "2026-03-20T00:00:00Z");
        assertThat(march.getString("periodStart")).isEqualTo("2026-03-01T00:00:00Z");
        assertThat(march.getString("periodEnd")).isEqualTo("2026-04-01T00:00:00Z");
        assertThat(new BigDecimal(march.getString("total"))).isEqualByComparingTo("24.19");
        JsonPath marchCharges = charges(march.getLong("closeId"));
        assertThat(marchCharges.getList("charges.line_type")).containsExactly("USAGE", "TRUE_UP");
        assertThat(marchCharges.getString("charges[1].description")).isEqualTo("true-up of 0.00 to the minimum charge "
                + "of 24.19 USD (50.00 x 1296000/2678400 s of the period) [2026-03-01T00:00:00Z, 2026-03-16T00:00:00Z)");

        // After its last closed period, the scheduler walks April to October: none overlaps the validity.
        assertThat(periodClose.closeDueOf(contractKey(tenant), Instant.parse("2026-11-10T00:00:00Z"))).isEmpty();
        assertThat(finance().queryParam("contractKey", contractKey(tenant)).get("/api/v1/billing/periods").then()
                .statusCode(200).extract().jsonPath().getList("id")).hasSize(3);

        finance().contentType(ContentType.JSON).body(Map.of("contractKey", contractKey(tenant),
                "at", "2026-05-10T00:00:00Z")).post("/api/v1/billing/periods/close").then().statusCode(400)
                .body("error", allOf(containsString("[2026-05-01T00:00:00Z, 2026-06-01T00:00:00Z) of contract "
                        + contractKey(tenant)), containsString("does not overlap the contract's validity "
                                + "[2026-01-01T00:00:00Z, 2026-03-16T00:00:00Z)")));
    }

    @Test
    void theSchedulerCatchesUpThePeriodsAfterTheLastClosedOneInOrder() {
        // A manual close of August closes January to July first (the chain has no gaps); the scheduler then
        // continues after August.
        String tenant = uniqueId("catchup");
        customer(tenant);
        version(tenant, "2026-01-01T00:00:00Z", null, null,
                List.of(term("api_requests", "api-requests-2026-v1", Map.of()))).then().statusCode(200);
        close(tenant, "2026-08-10T00:00:00Z");
        // On 10 November (grace P3D) September and October are due; November is not over.
        List<PeriodCloseService.Closed> closed = periodClose.closeDueOf(contractKey(tenant),
                Instant.parse("2026-11-10T00:00:00Z"));
        assertThat(closed).extracting(c -> c.periodStart().toString())
                .containsExactly("2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z");
        assertThat(closed).allSatisfy(c -> assertThat(c.total()).isEqualByComparingTo("50.00"));
        assertThat(periodClose.closeDueOf(contractKey(tenant), Instant.parse("2026-11-10T00:00:00Z"))).isEmpty();
    }
}
