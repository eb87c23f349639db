package io.meterbridge.billing;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.charges;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.ContractVersions.customer;
import static io.meterbridge.support.ContractVersions.term;
import static io.meterbridge.support.ContractVersions.version;
import static io.meterbridge.support.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A contract that starts in the middle of a period pays its flat amounts for the share it covers, and its usage in
 * full (docs/architecture.md, "Contract validity and versions"). From 21 September 2026: 10 of September's 30 days,
 * 864,000 of 2,592,000 s = 1/3.
 * <ul>
 * <li>included units: 30,000 x 1/3 = 10,000 (rounded down to whole units);</li>
 * <li>18,000 requests: 8,000 above the 10,000 included, at 0.0010 = 8.00;</li>
 * <li>minimum charge: 50.00 x 1/3 = 16.666... = 16.67 (HALF_UP), true-up 16.67 - 8.00 = 8.67;</li>
 * <li>minimum commitment: 60.00 x 1/3 = 20.00 against a spend of 16.67, true-up 3.33.</li>
 * </ul>
 * Total 20.00 (without proration: 50.00 of minimum charge, then 60.00 of commitment).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class MidPeriodStartTest {

    private static final String SEP = "2026-09-01T00:00:00Z", OCT = "2026-10-01T00:00:00Z";

    @Test
    void aMidPeriodStartProratesTheMinimumsAndTheIncludedUnits() {
        String tenant = uniqueId("latestart");
        customer(tenant);
        version(tenant, "2026-09-21T00:00:00Z", null, "60.00",
                List.of(term("api_requests", "api-requests-2026-v1", Map.of("includedQuantity", 30000))))
                .then().statusCode(200);
        send(apiRequests(tenant, "2026-09-25T10:00:00Z", 18000, "carol"));
        awaitUsage(tenant, "api_requests", SEP, OCT, "18000");

        JsonPath closed = close(tenant, "2026-09-25T00:00:00Z");
        assertThat(closed.getString("periodStart")).isEqualTo(SEP);
        assertThat(closed.getString("periodEnd")).isEqualTo(OCT);
        assertThat(new BigDecimal(closed.getString("total"))).isEqualByComparingTo("20.00");
        JsonPath rated = charges(closed.getLong("closeId"));
        assertThat(rated.getList("charges.line_type")).containsExactly("OVERAGE", "TRUE_UP", "COMMITMENT_TRUE_UP");
        assertThat(rated.getList("charges.amount", String.class).stream().map(BigDecimal::new).toList())
                .usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("8.00"), new BigDecimal("8.67"), new BigDecimal("3.33"));
        assertThat(rated.getString("charges[0].description"))
                .isEqualTo("8000 above the 10000 included [2026-09-21T00:00:00Z, 2026-10-01T00:00:00Z)");
        assertThat(rated.getString("charges[2].description")).isEqualTo("true-up of the period's spend of 16.67 to the "
                + "minimum commitment of 20.00 USD (prorated: 60.00 x 864000/2592000 s)");
    }
}
