package io.meterbridge.routes;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.component.timer.TimerEndpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wiring of the timer-driven routes, with Camel's test support: each timer fires on its configured schedule into
 * the step that does the work, a failed tick is not redelivered but the next one runs (the route configuration beside
 * the route), commitment-alerts hands each open alert, in order, to the CRM connector, and the ERP outbox relay
 * releases what it claimed when publishing fails. The steps are replaced by
 * mock endpoints (AdviceWith) so no period is closed: this class runs its own application (its profile), so the advice
 * never reaches other tests.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
@TestProfile(TimerRoutesWiringTest.FastTimers.class)
class TimerRoutesWiringTest {

    public static class FastTimers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("hub.billing.close-interval", "300ms", "hub.quarantine.release-interval", "300ms",
                    "hub.commitments.check-interval", "1h");
        }
    }

    @Inject
    CamelContext camel;

    @Inject
    ProducerTemplate producer;

    @Test
    void periodCloseRunsOnItsIntervalAndAFailedTickDoesNotStopTheNext() throws Exception {
        TimerEndpoint timer = (TimerEndpoint) camel.getRoute("period-close").getEndpoint();
        assertThat(timer.getPeriod()).isEqualTo(300);
        assertThat(camel.getRoute("period-close").getConfigurationId()).isEqualTo("period-close-errors");
        AtomicInteger ticks = new AtomicInteger();
        AdviceWith.adviceWith(camel, "period-close", route -> route.weaveById("close-due-periods").replace()
                .process(exchange -> {
                    if (ticks.incrementAndGet() == 1) {
                        throw new IllegalStateException("PostgreSQL is down (simulated)");
                    }
                }).to("mock:close-due-periods"));
        MockEndpoint closes = camel.getEndpoint("mock:close-due-periods", MockEndpoint.class);
        closes.expectedMinimumMessageCount(2);
        closes.setResultWaitTime(10_000);
        closes.assertIsSatisfied();
        assertThat(ticks.get()).as("the failed first tick was not redelivered: the timer went on").isGreaterThan(2);
    }

    @Test
    void usageReportIsScheduledByItsIntervalAndReportsEndedDays() throws Exception {
        TimerEndpoint timer = (TimerEndpoint) camel.getRoute("usage-report").getEndpoint();
        assertThat(timer.getPeriod()).as("hub.billing.usage-report-interval (1h in test)").isEqualTo(3_600_000);
        assertThat(timer.getDelay()).isEqualTo(10_000);
        AdviceWith.adviceWith(camel, "usage-report", route -> {
            route.replaceFromWith("direct:usage-report-tick");
            route.weaveById("report-ended-days").replace().to("mock:report-ended-days");
        });
        MockEndpoint reports = camel.getEndpoint("mock:report-ended-days", MockEndpoint.class);
        reports.expectedMessageCount(1);
        producer.sendBody("direct:usage-report-tick", null);
        reports.assertIsSatisfied(5_000);
    }

    @Test
    void quarantineReleaseRunsTheRealReleaseOnEveryTick() {
        NotifyBuilder released = new NotifyBuilder(camel).fromRoute("quarantine-release").whenCompleted(2).create();
        assertThat(released.matches(10, TimeUnit.SECONDS)).as("two release ticks completed within 10 s").isTrue();
        assertThat(((TimerEndpoint) camel.getRoute("quarantine-release").getEndpoint()).getPeriod()).isEqualTo(300);
    }

    @Test
    void commitmentAlertsHandsEachOpenAlertInOrderToTheCrmConnector() throws Exception {
        AdviceWith.adviceWith(camel, "commitment-alerts", route -> {
            route.replaceFromWith("direct:commitment-alerts-tick");
            route.weaveById("detect-and-claim-crossed-thresholds").replace()
                    .setBody(route.constant(List.of("alert-80", "alert-100")));
            route.weaveById("send-alert-to-crm-connector").replace().to("mock:crm-connector");
        });
        MockEndpoint crm = camel.getEndpoint("mock:crm-connector", MockEndpoint.class);
        crm.expectedBodiesReceived("alert-80", "alert-100");
        producer.sendBody("direct:commitment-alerts-tick", null);
        crm.assertIsSatisfied(5_000);
    }

    @Inject
    javax.sql.DataSource dataSource;

    @Test
    void erpOutboxReleasesItsClaimWhenPublishingFailsAndTheNextTickPublishesTheIdOnly() throws Exception {
        String id = io.meterbridge.support.Events.uniqueId("release");
        String message = "{\"id\":\"" + id + "\"}";
        AtomicInteger failures = new AtomicInteger();
        List<String> published = new java.util.concurrent.CopyOnWriteArrayList<>();
        AdviceWith.adviceWith(camel, "erp-outbox", route -> route.weaveById("publish-posting-id").replace()
                .process(exchange -> {
                    String body = exchange.getMessage().getBody(String.class);
                    if (body.equals(message) && failures.getAndIncrement() == 0) {
                        throw new IllegalStateException("Kafka is down (simulated)");
                    }
                    published.add(body + " key=" + exchange.getMessage().getHeader("kafka.KEY"));
                }));
        try (var connection = dataSource.getConnection(); var insert = connection.prepareStatement("""
                INSERT INTO erp_posting (id, erp_system, kind, payload) VALUES (?, 'release-test', 'ACCRUAL', ?::jsonb)""")) {
            insert.setString(1, id);
            insert.setString(2, "{\"externalId\":\"" + id + "\",\"customer\":{\"externalId\":\"C-" + id + "\"}}");
            insert.executeUpdate();
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> published.contains(message + " key=C-" + id));
        assertThat(failures.get()).as("the first publish failed, the second went through").isEqualTo(2);
        try (var connection = dataSource.getConnection(); var select = connection.prepareStatement(
                "SELECT published_count, published_at IS NOT NULL FROM erp_posting WHERE id = ?")) {
            select.setString(1, id);
            try (var row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getInt(1)).as("claimed, released, claimed again").isEqualTo(2);
                assertThat(row.getBoolean(2)).isTrue();
            }
        }
    }
}
