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
 * A contract that ended with September has no next cycle: its NEXT_CYCLE late usage falls back to ADJUST. September
 * billed 99,000 x 0.0010 = 99.00; 3,000 late requests make it 101.60: an APPROVED ADJUST correction of 2.60.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class EndedContractLateUsageTest {

    @Inject
    LateUsageCorrections sweep;

    @Test
    void anEndedContractsNextCycleFallsBackToAdjust() throws Exception {
        String tenant = uniqueId("late-ended");
        LateUsage.contract(tenant, Map.of("validTo", LateUsage.OCTOBER));
        LateUsage.september(tenant, 99_000, "99000");
        close(tenant, LateUsage.SEPTEMBER);
        LateUsage.september(tenant, 3_000, "102000");

        List<LateUsageCorrections.Made> made = sweep.sweep("contract-" + tenant);
        assertThat(made).hasSize(1);
        JsonPath correction = LateUsage.correction(made.get(0).id());
        assertThat(correction.getString("policy")).isEqualTo("ADJUST");
        assertThat(correction.getString("status")).isIn("APPROVED", "ISSUED"); // ISSUED once the delta-document issuer took it
        assertThat(correction.getString("amount")).isEqualTo("2.60");
    }
}
