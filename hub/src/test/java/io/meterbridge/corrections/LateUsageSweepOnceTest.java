package io.meterbridge.corrections;

import java.util.Map;

import io.meterbridge.billing.LateUsageCorrections;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Re-running the sweep creates nothing twice; late usage that arrives after a correction is corrected on top of it.
 * September 99,000 (99.00); +3,000 late: 101.60, correction 1 of 2.60; swept again: nothing; +10,000 late: 112,000
 * = 100.00 + 12,000 x 0.0008 = 109.60, correction 2 of 109.60 - 101.60 = 8.00.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class LateUsageSweepOnceTest {

    @Inject
    LateUsageCorrections sweep;

    @Test
    void aSecondSweepCreatesNothingAndLaterLateUsageIsCorrectedOnTop() throws Exception {
        String tenant = uniqueId("late-once");
        String key = "contract-" + tenant;
        LateUsage.contract(tenant, Map.of("lateUsagePolicy", "ADJUST"));
        LateUsage.september(tenant, 99_000, "99000");
        close(tenant, LateUsage.SEPTEMBER);
        LateUsage.september(tenant, 3_000, "102000");

        assertThat(sweep.sweep(key)).extracting(LateUsageCorrections.Made::amount).containsExactly("2.60");
        assertThat(sweep.sweep(key)).isEmpty();
        assertThat(LateUsage.corrections(tenant)).hasSize(1);

        LateUsage.september(tenant, 10_000, "112000");
        assertThat(sweep.sweep(key)).extracting(LateUsageCorrections.Made::id, LateUsageCorrections.Made::amount)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("late-" + key + "-202609-2", "8.00"));
        assertThat(sweep.sweep(key)).isEmpty();
        assertThat(LateUsage.corrections(tenant)).hasSize(2);
    }
}
