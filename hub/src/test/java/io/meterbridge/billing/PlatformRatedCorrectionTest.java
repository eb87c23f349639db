package io.meterbridge.billing;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.meterbridge.support.CorrectionFixture;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contract;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A correction of a period billed on a platform-rated contract is never dropped and never issued as a hub document:
 * it is set aside as a billing exception naming the correction and why, stays APPROVED, and is not picked again.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class PlatformRatedCorrectionTest {

    @Inject
    DataSource dataSource;

    @Inject
    CorrectionIssuer issuer;

    @Test
    void aPlatformRatedPeriodsCorrectionIsABillingException() throws Exception {
        String tenant = uniqueId("platcorr");
        String subscription = "sub_" + tenant.replace("-", "");
        contract(tenant, "chargebee", "cb_" + tenant, "PLATFORM_RATES", subscription, null, Map.of(), "api_requests");
        send(apiRequests(tenant, "2026-09-10T10:00:00Z", 30, "u1"));
        awaitUsage(tenant, "api_requests", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "30");
        JsonPath closed = close(tenant, "2026-09-15T00:00:00Z");

        String correction = CorrectionFixture.insert(dataSource, "ADJUST", closed.getLong("closeId"), "USD",
                new BigDecimal("0.01"), """
                [{"lineNo": 1, "metric": "api_requests", "description": "10 late requests", "priceVersion":
                  "api-requests-2026-v1", "reratedPriceVersion": "api-requests-2026-v1", "quantity": "40",
                  "billedAmount": "0.03", "amount": "0.04", "difference": "0.01"}]""");

        await().atMost(Duration.ofSeconds(30)).until(() -> !exceptions(correction).isEmpty());
        Map<String, Object> exception = exceptions(correction).get(0);
        assertThat(exception.get("target")).isEqualTo("correction");
        assertThat(exception.get("delivery_id")).isNull();
        assertThat(String.valueOf(exception.get("reason"))).contains(correction).contains("platform-rated")
                .contains("2026-09-01");
        assertThat(issuer.issue(correction)).isFalse();
        assertThat(exceptions(correction)).hasSize(1);
        assertThat(CorrectionFixture.status(dataSource, correction)).isEqualTo("APPROVED");
        assertThat(CorrectionFixture.deliveries(dataSource, correction)).isEmpty();
    }

    private static List<Map<String, Object>> exceptions(String correction) {
        return finance().get("/api/v1/billing/exceptions").then().statusCode(200).extract().jsonPath()
                .getList("findAll { it.correction_id == '" + correction + "' }");
    }
}
