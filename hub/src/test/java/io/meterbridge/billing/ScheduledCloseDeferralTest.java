package io.meterbridge.billing;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.charges;
import static io.meterbridge.support.BillingFixture.contract;
import static io.meterbridge.support.BillingFixture.contractKey;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The scheduler defers a close while metering lags (docs/operations.md, "Period close deferred"): with the metering
 * route stopped and an accepted event of September not metered, the scheduled close of September (on 10 October,
 * grace P3D) waits hub.billing.close-metering-wait (5 s in tests), is deferred with
 * meterbridge_period_close_deferred_total{reason="metering_lag"} and writes nothing; once metering runs, a later tick
 * closes September with the event in it: 1,000 x 0.0010 = 1.00, trued up to the 50.00 minimum.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class ScheduledCloseDeferralTest {

    private static final Instant TICK = Instant.parse("2026-10-10T00:00:00Z");

    @Inject
    CamelContext camel;

    @Inject
    MeterRegistry registry;

    @Inject
    PeriodCloseService periodClose;

    private double meteringLag() {
        return registry.find("meterbridge.consumer.lag").tag("group", "meterbridge-metering").gauges().stream()
                .mapToDouble(Gauge::value).sum();
    }

    private double deferred() {
        Counter counter = registry.find("meterbridge_period_close_deferred_total").tag("reason", "metering_lag")
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void theScheduledCloseIsDeferredWhileMeteringLagsAndClosesOnceItCatchesUp() throws Exception {
        String tenant = uniqueId("deferred");
        String key = contractKey(tenant);
        contract(tenant, "stripe", "cus_" + tenant.replace("-", ""), "HUB_RATES", null, null, Map.of(), "api_requests");
        double deferredBefore = deferred();
        camel.getRouteController().stopRoute("metering");
        try {
            send(apiRequests(tenant, "2026-09-10T10:00:00Z", 1000, "u1"));
            await().atMost(Duration.ofSeconds(30)).until(() -> meteringLag() >= 1);

            // The scheduler's tick for this contract only (closeDue() would close every test contract's periods).
            assertThatThrownBy(() -> periodClose.closeDueOf(key, TICK)).isInstanceOf(MeteringBehindException.class)
                    .hasMessageContaining("close of contract " + key + " deferred: metering has not caught up");
            assertThat(deferred()).isGreaterThanOrEqualTo(deferredBefore + 1);
            assertThat(periodClose.find(key, Instant.parse("2026-09-01T00:00:00Z"))).isEmpty();
        } finally {
            camel.getRouteController().startRoute("metering");
        }

        // The next ticks: deferred until metering has caught up, then September closes with the event in it.
        List<PeriodCloseService.Closed> closed = await().atMost(Duration.ofSeconds(60))
                .ignoreException(MeteringBehindException.class).until(() -> periodClose.closeDueOf(key, TICK),
                        list -> !list.isEmpty());
        assertThat(closed).extracting(c -> c.periodStart().toString()).containsExactly("2026-09-01T00:00:00Z");
        assertThat(closed.get(0).total()).isEqualByComparingTo("50.00");
        JsonPath charges = charges(closed.get(0).closeId());
        assertThat(charges.getInt("sources.find { it.metric == 'api_requests' }.events")).isEqualTo(1);
        assertThat(new BigDecimal(charges.getString("charges.find { it.line_type == 'USAGE' }.usage_quantity")))
                .isEqualByComparingTo("1000");
        assertThat(charges.getString("period.closed_by")).isEqualTo("scheduler");
    }
}
