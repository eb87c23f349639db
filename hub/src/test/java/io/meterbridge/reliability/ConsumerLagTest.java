package io.meterbridge.reliability;

import java.time.Duration;

import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.UsageStream;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.Events.BATCH;
import static io.meterbridge.support.Events.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Lag is read from the broker, so a stuck consumer shows it: with metering stopped, the metering group's lag and the
 * age of the oldest unmetered event rise (also on the Prometheus endpoint); once metering runs, both return to 0.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class ConsumerLagTest {

    @Inject
    CamelContext camel;

    @Inject
    MeterRegistry registry;

    private double meteringLag() {
        return registry.find("meterbridge.consumer.lag").tag("group", "meterbridge-metering").gauges().stream()
                .mapToDouble(Gauge::value).sum();
    }

    private double oldestAge() {
        Gauge gauge = registry.find("meterbridge.metering.oldest.unmetered.age").gauge();
        return gauge == null ? -1 : gauge.value();
    }

    @Test
    void lagAndTheOldestUnmeteredAgeRiseWhileMeteringStandsStillAndFallWhenItRuns() throws Exception {
        UsageStream stream = UsageStream.tenant("lag");
        camel.getRouteController().stopRoute("metering");
        try {
            post(stream.events(1, 26), BATCH).then().statusCode(202).body("accepted", equalTo(25));
            await().atMost(Duration.ofSeconds(30)).until(() -> meteringLag() >= 25 && oldestAge() >= 2);
            String scrape = RestAssured.given().get("/q/metrics").then().statusCode(200).extract().asString();
            assertThat(scrape).contains("meterbridge_consumer_lag{").contains("group=\"meterbridge-metering\"")
                    .contains("meterbridge_metering_oldest_unmetered_age_seconds");
        } finally {
            camel.getRouteController().startRoute("metering");
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> meteringLag() == 0 && oldestAge() == 0);
        assertThat(stream.total()).isEqualTo(UsageStream.expected(1, 26));
    }
}
