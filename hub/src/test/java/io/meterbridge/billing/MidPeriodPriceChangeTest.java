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
 * A price change in the middle of a period splits it (docs/architecture.md, "Contract validity and versions"). The
 * contract's version from 16 September 2026 prices API requests with api-requests-2026-v2 instead of v1; September
 * (2,592,000 s) is one invoice in two parts of 1,296,000 s each.
 * <ul>
 * <li>1-15 September, v1 (0.0010 up to 100,000; minimum 50.00): 20,000 requests = 20.00; minimum 50.00 x 1/2 = 25.00,
 * true-up 5.00.</li>
 * <li>16-30 September, v2 (0.0020 up to 50,000, then 0.0015; minimum 30.00), its own tiers from unit 1: 60,000 requests
 * = 50,000 x 0.0020 + 10,000 x 0.0015 = 100.00 + 15.00 = 115.00; minimum 30.00 x 1/2 = 15.00, met.</li>
 * </ul>
 * Total 140.00 (a close that picked one version by its date would bill 80.00 with v1 or 145.00 with v2).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class MidPeriodPriceChangeTest {

    private static final String SEP = "2026-09-01T00:00:00Z", OCT = "2026-10-01T00:00:00Z";

    @Test
    void eachPartOfThePeriodIsRatedWithThePriceInForceThen() {
        String tenant = uniqueId("repriced");
        customer(tenant);
        version(tenant, "2026-01-01T00:00:00Z", null, null,
                List.of(term("api_requests", "api-requests-2026-v1", Map.of()))).then().statusCode(200);
        version(tenant, "2026-09-16T00:00:00Z", null, null,
                List.of(term("api_requests", "api-requests-2026-v2", Map.of()))).then().statusCode(200);
        send(apiRequests(tenant, "2026-09-10T10:00:00Z", 20000, "alice"),
                apiRequests(tenant, "2026-09-20T10:00:00Z", 60000, "bob"));
        awaitUsage(tenant, "api_requests", SEP, OCT, "80000");

        // Whichever instant of the period is named, the same split close.
        JsonPath closed = close(tenant, "2026-09-25T00:00:00Z");
        assertThat(closed.getString("periodStart")).isEqualTo(SEP);
        assertThat(new BigDecimal(closed.getString("total"))).isEqualByComparingTo("140.00");
        assertThat(close(tenant, "2026-09-02T00:00:00Z").getLong("closeId")).isEqualTo(closed.getLong("closeId"));

        JsonPath rated = charges(closed.getLong("closeId"));
        assertThat(rated.getList("charges.line_type")).containsExactly("USAGE", "TRUE_UP", "USAGE");
        assertThat(rated.getList("charges.price_version")).containsExactly("api-requests-2026-v1",
                "api-requests-2026-v1", "api-requests-2026-v2");
        assertThat(rated.getList("charges.amount", String.class).stream().map(BigDecimal::new).toList())
                .usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("20.00"), new BigDecimal("5.00"), new BigDecimal("115.00"));
        assertThat(rated.getList("charges.usage_quantity", String.class).stream().map(BigDecimal::new).toList())
                .usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("20000"), new BigDecimal("20000"), new BigDecimal("60000"));
        assertThat(rated.getString("charges[0].description"))
                .isEqualTo("20000 units [2026-09-01T00:00:00Z, 2026-09-16T00:00:00Z)");
        assertThat(rated.getString("charges[1].description")).isEqualTo("true-up of 20.00 to the minimum charge of "
                + "25.00 USD (50.00 x 1296000/2592000 s of the period) [2026-09-01T00:00:00Z, 2026-09-16T00:00:00Z)");
        assertThat(rated.getString("charges[2].description"))
                .isEqualTo("60000 units [2026-09-16T00:00:00Z, 2026-10-01T00:00:00Z)");
    }
}
