package io.meterbridge.corrections;

import java.util.List;
import java.util.Map;

import io.meterbridge.billing.LateUsageCorrections;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * ADJUST: late usage becomes an APPROVED correction now (its delta invoice is billing's delta delivery). September
 * billed 99,000 x 0.0010 = 99.00; 3,000 late requests: 100,000 x 0.0010 + 2,000 x 0.0008 = 101.60, difference 2.60.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class AdjustLateUsageTest {

    @Inject
    LateUsageCorrections sweep;

    @Test
    void lateUsageIsAnApprovedCorrectionWithItsDifferencePerLine() throws Exception {
        String tenant = uniqueId("late-adjust");
        LateUsage.contract(tenant, Map.of("lateUsagePolicy", "ADJUST"));
        LateUsage.september(tenant, 99_000, "99000");
        close(tenant, LateUsage.SEPTEMBER);
        LateUsage.september(tenant, 3_000, "102000");

        List<LateUsageCorrections.Made> made = sweep.sweep("contract-" + tenant);
        assertThat(made).hasSize(1);
        JsonPath correction = LateUsage.correction(made.get(0).id());
        assertThat(made.get(0).id()).isEqualTo("late-contract-" + tenant + "-202609-1");
        assertThat(correction.getString("policy")).isEqualTo("ADJUST");
        assertThat(correction.getString("status")).isIn("APPROVED", "ISSUED"); // ISSUED once the delta-document issuer took it
        assertThat(correction.getString("currency")).isEqualTo("USD");
        assertThat(correction.getString("amount")).isEqualTo("2.60");
        assertThat(correction.getList("lines")).hasSize(1);
        assertThat(correction.getString("lines[0].quantity")).isEqualTo("102000");
        assertThat(correction.getString("lines[0].billedQuantity")).isEqualTo("99000");
        assertThat(correction.getString("lines[0].billedAmount")).isEqualTo("99.00");
        assertThat(correction.getString("lines[0].amount")).isEqualTo("101.60");
        assertThat(correction.getString("lines[0].difference")).isEqualTo("2.60");
        assertThat(correction.getString("lines[0].priceVersion")).isEqualTo("api-requests-2026-v1");
    }
}
