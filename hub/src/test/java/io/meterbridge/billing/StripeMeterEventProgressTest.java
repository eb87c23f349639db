package io.meterbridge.billing;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.SandboxClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.anchorDayWithEndedDays;
import static io.meterbridge.support.BillingFixture.contractWith;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.stripeCustomer;
import static io.meterbridge.support.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Under a lasting share of 429s a delivery of several meter events still completes: each attempt sends only the
 * events Stripe has not acknowledged yet (bin/chaos found deliveries that restarted from the first event every time
 * and, with one call in four refused, never got through). No acknowledged event is sent again.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class StripeMeterEventProgressTest {

    @Inject
    UsageReportService usageReport;

    @AfterEach
    void healthyStripe() {
        SandboxClient.stripe().noFaults();
    }

    @Test
    void eachAttemptSendsOnlyTheMeterEventsNotYetAcknowledged() throws Exception {
        String tenant = uniqueId("meter-progress");
        // an anchor that keeps the reported days in a period Stripe has not finalized yet
        contractWith(tenant, "netsuite", "stripe", stripeCustomer(tenant), "PLATFORM_RATES", null, null, Map.of(),
                Map.of("anchorDay", anchorDayWithEndedDays(6)), "api_requests");
        Instant today = Instant.now().truncatedTo(ChronoUnit.DAYS);
        int days = 6;
        long expected = 0;
        for (int d = days; d >= 1; d--) {
            Instant day = today.minus(d, ChronoUnit.DAYS);
            send(apiRequests(tenant, day.plusSeconds(3600).toString(), 10 + d, "u1"));
            expected += 10 + d;
        }
        for (int d = days; d >= 1; d--) {
            Instant day = today.minus(d, ChronoUnit.DAYS);
            awaitUsage(tenant, "api_requests", day.toString(), day.plus(1, ChronoUnit.DAYS).toString(),
                    String.valueOf(10 + d));
        }
        SandboxClient stripe = SandboxClient.stripe();
        long mark = stripe.mark();
        stripe.faults(Map.of("rateLimitRate", 0.4, "retryAfterSeconds", 1));
        usageReport.reportDueDays();

        long total = expected;
        await().atMost(Duration.ofSeconds(90)).until(() -> meterValue(tenant) == total);
        stripe.noFaults();

        List<JsonNode> calls = stripe.journalSince(mark).stream()
                .filter(e -> e.path("path").asText().equals("/v1/billing/meter_events")
                        && e.path("params").path("payload").path("stripe_customer_id").asText().equals(stripeCustomer(tenant)))
                .toList();
        assertThat(calls.stream().filter(e -> e.path("status").asInt() == 429)).as("the fault was felt").isNotEmpty();
        Map<String, Integer> acknowledged = new HashMap<>();
        for (JsonNode call : calls) {
            String identifier = call.path("params").path("identifier").asText();
            assertThat(acknowledged).as("no acknowledged meter event is sent again").doesNotContainKey(identifier);
            if (call.path("status").asInt() / 100 == 2) {
                acknowledged.put(identifier, 1);
            }
        }
        assertThat(acknowledged).hasSize(days);
    }

    private static long meterValue(String tenant) {
        List<Map<String, Object>> totals = SandboxClient.stripe().control().get("meter-totals").then().statusCode(200)
                .extract().jsonPath().getList("findAll { it.customer == '" + stripeCustomer(tenant) + "' }");
        return totals.isEmpty() ? 0 : ((Number) totals.get(0).get("value")).longValue();
    }
}
