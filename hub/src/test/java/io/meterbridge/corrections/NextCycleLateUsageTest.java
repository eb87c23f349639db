package io.meterbridge.corrections;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import io.meterbridge.billing.LateUsageCorrections;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.charges;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.deliveredAs;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.stripeInvoiceItems;
import static io.meterbridge.support.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * NEXT_CYCLE (the default): late usage of September that crosses the 100,000 tier boundary is rated at its position
 * in September's tiers and billed as an adjustment line on October's invoice, in the Stripe sandbox.
 * September billed 99,000 x 0.0010 = 99.00; 3,000 late requests make 102,000 = 100,000 x 0.0010 + 2,000 x 0.0008 =
 * 101.60, a difference of 2.60 (not 3.00). October: 60,000 x 0.0010 = 60.00, plus 2.60: 62.60 (docs/architecture.md).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class NextCycleLateUsageTest {

    @Inject
    LateUsageCorrections sweep;

    @Test
    void lateUsageAcrossATierBoundaryIsAnAdjustmentLineOnTheNextInvoice() throws Exception {
        String tenant = uniqueId("late-next");
        LateUsage.contract(tenant, Map.of());
        LateUsage.september(tenant, 99_000, "99000");
        assertThat(new BigDecimal(close(tenant, LateUsage.SEPTEMBER).getString("total"))).isEqualByComparingTo("99.00");

        LateUsage.september(tenant, 3_000, "102000");
        List<LateUsageCorrections.Made> made = sweep.sweep("contract-" + tenant);
        assertThat(made).hasSize(1);
        String id = made.get(0).id();
        JsonPath correction = LateUsage.correction(id);
        assertThat(correction.getString("source")).isEqualTo("LATE_USAGE");
        assertThat(correction.getString("policy")).isEqualTo("NEXT_CYCLE");
        assertThat(correction.getString("status")).isEqualTo("CARRIED");
        assertThat(correction.getString("amount")).isEqualTo("2.60");
        assertThat(correction.getString("lines.find { it.lineType == 'USAGE' }.billedAmount")).isEqualTo("99.00");
        assertThat(correction.getString("lines.find { it.lineType == 'USAGE' }.amount")).isEqualTo("101.60");
        assertThat(correction.getString("lines.find { it.lineType == 'USAGE' }.difference")).isEqualTo("2.60");

        send(apiRequests(tenant, "2026-10-10T12:00:00Z", 60_000, "u-oct"));
        awaitUsage(tenant, "api_requests", LateUsage.OCTOBER, LateUsage.NOVEMBER, "60000");
        JsonPath october = close(tenant, LateUsage.OCTOBER);
        assertThat(new BigDecimal(october.getString("total"))).isEqualByComparingTo("62.60");
        JsonPath lines = charges(october.getLong("closeId"));
        assertThat(lines.getString("charges.find { it.line_type == 'ADJUSTMENT' }.description"))
                .isEqualTo("api_requests: late usage of 2026-09");
        assertThat(new BigDecimal(lines.getString("charges.find { it.line_type == 'ADJUSTMENT' }.amount")))
                .isEqualByComparingTo("2.60");
        assertThat(LateUsage.correction(id).getString("status")).isEqualTo("BILLED_NEXT_CYCLE");

        String invoice = deliveredAs(october.getList("deliveries", String.class).get(0));
        assertThat(stripeInvoiceItems(invoice).getList("data.amount", Long.class)).containsExactlyInAnyOrder(6000L, 260L);
    }
}
