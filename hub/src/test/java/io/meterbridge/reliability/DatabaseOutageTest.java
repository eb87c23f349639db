package io.meterbridge.reliability;

import java.time.Duration;

import javax.sql.DataSource;

import io.meterbridge.platform.consumer.ConsumerHealth;
import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.Events;
import io.meterbridge.support.Topics;
import io.meterbridge.support.UsageStream;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.Events.BATCH;
import static io.meterbridge.support.Events.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * PostgreSQL down for longer than every redelivery the consumers used to have (five, about 15 s), while accepted
 * events wait for metering and signed events arrive on the raw topic: the consumers keep retrying the same records,
 * readiness is DOWN meanwhile, and after recovery every accepted event is counted exactly once (camel-kafka 4.14's
 * batching consumer once skipped such batches for good).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class DatabaseOutageTest {

    /** The old budget: one attempt and five redeliveries. Past it, the old route gave the batch up for good. */
    private static final int OLD_BUDGET = 6;

    @Inject
    DataSource dataSource;

    @Inject
    CamelContext camel;

    @Inject
    ConsumerHealth health;

    @Inject
    MeterRegistry registry;

    private double attempts(String consumer) {
        var counter = registry.find("meterbridge.consumer.failed.attempts").tag("consumer", consumer).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void everyAcceptedEventCountsOnceAfterAnOutageLongerThanAllRedeliveries() throws Exception {
        UsageStream http = UsageStream.tenant("outage-http");
        UsageStream raw = UsageStream.tenant("outage-raw");
        await().until(() -> UsageStream.readiness() == 200);

        // Accepted while metering is stopped, so that metering meets the outage with a backlog.
        camel.getRouteController().stopRoute("metering");
        post(http.events(1, 151), BATCH).then().statusCode(202).body("accepted", equalTo(150));
        double meteringBefore = attempts("metering");
        double rawBefore = attempts("ingest-kafka");

        EmbeddedEngines.stopPostgres();
        long outageStarted = System.nanoTime();
        try {
            for (int i = 1; i <= 40; i++) {
                byte[] body = Events.bytes(raw.event(i));
                Topics.produceRaw(raw.tenant, body, Events.signature(body));
            }
            camel.getRouteController().startRoute("metering");
            // Nothing can be made durable: the front door says so, and so does readiness.
            post(http.events(151, 152), BATCH).then().statusCode(503);
            await().atMost(Duration.ofSeconds(30)).until(() -> UsageStream.readiness() == 503);
            await().atMost(Duration.ofSeconds(120)).until(() -> attempts("metering") - meteringBefore >= OLD_BUDGET
                    && attempts("ingest-kafka") - rawBefore >= OLD_BUDGET);
            assertThat(health.isFailing("metering")).isTrue();
            assertThat(health.isFailing("ingest-kafka")).isTrue();
        } finally {
            EmbeddedEngines.startPostgres();
        }
        long outageSeconds = Duration.ofNanos(System.nanoTime() - outageStarted).toSeconds();
        assertThat(outageSeconds).as("the outage outlasted the old redelivery budget (about 15 s)").isGreaterThanOrEqualTo(15);

        // After recovery: every event accepted before the outage and every raw-topic event counted once.
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            assertThat(http.metered(dataSource)).containsExactly(UsageStream.expected(1, 151), 150);
            assertThat(raw.metered(dataSource)).containsExactly(UsageStream.expected(1, 41), 40);
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> UsageStream.readiness() == 200);
        assertThat(health.isFailing("metering")).isFalse();
        assertThat(health.isFailing("ingest-kafka")).isFalse();
        assertThat(http.total()).isEqualTo(UsageStream.expected(1, 151));
        assertThat(raw.total()).isEqualTo(UsageStream.expected(1, 41));

        // The event refused during the outage is accepted on retry, once.
        post(http.events(151, 152), BATCH).then().statusCode(202).body("accepted", equalTo(1));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(http.metered(dataSource)).containsExactly(UsageStream.expected(1, 152), 151));
    }
}
