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
 * REBILL: an APPROVED correction carrying every corrected line (the new invoice) and what each billed (the credit
 * note). September billed 40,000 x 0.0010 = 40.00 plus a 10.00 true-up to the 50.00 minimum; 20,000 late requests:
 * 60.00 and no true-up. Differences +20.00 and -10.00, the correction +10.00.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class RebillLateUsageTest {

    @Inject
    LateUsageCorrections sweep;

    @Test
    void lateUsageThatLiftsTheMinimumCorrectsBothLines() throws Exception {
        String tenant = uniqueId("late-rebill");
        LateUsage.contract(tenant, Map.of("lateUsagePolicy", "REBILL"));
        LateUsage.september(tenant, 40_000, "40000");
        close(tenant, LateUsage.SEPTEMBER);
        LateUsage.september(tenant, 20_000, "60000");

        List<LateUsageCorrections.Made> made = sweep.sweep("contract-" + tenant);
        assertThat(made).hasSize(1);
        JsonPath correction = LateUsage.correction(made.get(0).id());
        assertThat(correction.getString("policy")).isEqualTo("REBILL");
        assertThat(correction.getString("status")).isIn("APPROVED", "ISSUED"); // ISSUED once the delta-document issuer took it
        assertThat(correction.getString("amount")).isEqualTo("10.00");
        assertThat(correction.getString("lines.find { it.lineType == 'USAGE' }.billedAmount")).isEqualTo("40.00");
        assertThat(correction.getString("lines.find { it.lineType == 'USAGE' }.amount")).isEqualTo("60.00");
        assertThat(correction.getString("lines.find { it.lineType == 'USAGE' }.difference")).isEqualTo("20.00");
        assertThat(correction.getString("lines.find { it.lineType == 'TRUE_UP' }.billedAmount")).isEqualTo("10.00");
        assertThat(correction.getString("lines.find { it.lineType == 'TRUE_UP' }.amount")).isEqualTo("0");
        assertThat(correction.getString("lines.find { it.lineType == 'TRUE_UP' }.difference")).isEqualTo("-10.00");
    }
}
