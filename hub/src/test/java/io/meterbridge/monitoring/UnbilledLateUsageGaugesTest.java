package io.meterbridge.monitoring;

import java.time.Duration;

import io.meterbridge.support.EmbeddedEngines;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Usage metered after its period was closed is unbilled until a correction covers it, and the gauges say so: 500
 * api_requests late in last month's closed period, estimated at 500 x 0.0010 = 0.50 USD (the usage line alone: the
 * price's 50.00 minimum was already trued up at the close), and one more late period.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class UnbilledLateUsageGaugesTest {

    @Inject
    MeterRegistry registry;

    private double gauge(String name, String... tags) {
        Gauge gauge = registry.find(name).tags(tags).gauge();
        return gauge == null ? -1 : gauge.value();
    }

    @Test
    void lateUsageOfAClosedPeriodShowsAsUnbilledQuantityAndEstimatedAmount() {
        LateUsage.Made late = LateUsage.make("unbilled-late");
        String period = late.periodStart().toString();
        await().atMost(Duration.ofSeconds(30)).until(() -> gauge("meterbridge.unbilled.usage.quantity", "kind", "late",
                "contract", late.contractKey(), "period", period, "metric", "api_requests") == 500);
        assertThat(gauge("meterbridge.unbilled.usage.amount", "kind", "late", "contract", late.contractKey(),
                "period", period, "currency", "USD")).isEqualTo(0.50);
        assertThat(gauge("meterbridge.unbilled.usage.periods", "kind", "late")).isGreaterThanOrEqualTo(1);
        // Not unclosed: the period is closed, and this month has not ended.
        assertThat(registry.find("meterbridge.unbilled.usage.quantity").tags("kind", "unclosed", "contract",
                late.contractKey()).gauges()).isEmpty();

        String scrape = RestAssured.given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(scrape).contains("meterbridge_unbilled_usage_amount{contract=\"" + late.contractKey()
                + "\",currency=\"USD\",kind=\"late\",period=\"" + period + "\"} 0.5");
    }
}
