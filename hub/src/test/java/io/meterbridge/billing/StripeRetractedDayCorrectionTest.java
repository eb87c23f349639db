package io.meterbridge.billing;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.masterdata.BillingPeriod;
import io.meterbridge.masterdata.MasterDataStore;
import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.SandboxClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.Adjustments.retraction;
import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.contractKey;
import static io.meterbridge.support.BillingFixture.contractWith;
import static io.meterbridge.support.BillingFixture.deliveryStatus;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.stripeCustomer;
import static io.meterbridge.support.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A platform-rated Stripe contract (docs/architecture.md, "Retractions and corrections"): a day of 3 x 100 requests is
 * reported as one meter event of 300; one event is then retracted (usage 200). The close, inside the invoice's
 * finalization grace, sends the day's corrected summary as a meter event of 200 - 300 = -100, so Stripe bills 200 on
 * the still-draft invoice.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class StripeRetractedDayCorrectionTest {

    @Inject
    UsageReportService usageReport;

    @Inject
    PeriodCloseService periodClose;

    @Inject
    MasterDataStore store;

    @Test
    void aRetractionAfterTheDaysReportReachesStripeAsANegativeCorrectionAtClose() throws Exception {
        String tenant = uniqueId("meter-retract");
        String customer = stripeCustomer(tenant);
        String key = contractKey(tenant);
        // The previous period ended 2 days ago: inside a 72 h finalization grace and the contract's 3 days grace.
        int anchor = LocalDate.now(ZoneOffset.UTC).minusDays(2).getDayOfMonth();
        contractWith(tenant, "netsuite", "stripe", customer, "PLATFORM_RATES", null, null, Map.of(),
                Map.of("anchorDay", anchor, "finalizationGrace", "PT72H", "gracePeriod", "P3D"), "api_requests");
        long mark = SandboxClient.stripe().mark();
        BillingPeriod current = BillingPeriod.monthly(Instant.now(), ZoneOffset.UTC, anchor);
        BillingPeriod previous = BillingPeriod.monthly(current.start().minusNanos(1), ZoneOffset.UTC, anchor);
        Instant day = previous.start().plus(1, ChronoUnit.DAYS);
        String to = day.plus(1, ChronoUnit.DAYS).toString();
        ObjectNode first = apiRequests(tenant, day.plusSeconds(3600).toString(), 100, "u1");
        send(first, apiRequests(tenant, day.plusSeconds(3600).toString(), 100, "u2"),
                apiRequests(tenant, day.plusSeconds(7200).toString(), 100, "u3"));
        awaitUsage(tenant, "api_requests", day.toString(), to, "300");

        assertThat(usageReport.report(key, PeriodCloseService.versionsByKey(store.refresh()).get(key), day)).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> values(mark, customer).equals(List.of(300L)));

        send(retraction(first));
        awaitUsage(tenant, "api_requests", day.toString(), to, "200");

        periodClose.closeDueOf(key, Instant.now());
        PeriodCloseService.Closed closed = periodClose.find(key, previous.start()).orElseThrow(
                () -> new AssertionError("the scheduler did not close the period within the finalization grace"));
        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(deliveryStatus(closed.deliveries().get(0))));

        assertThat(values(mark, customer)).containsExactly(300L, -100L);
        JsonPath invoice = SandboxClient.stripe().control().queryParam("event_name", "api-requests-meter")
                .queryParam("customer", customer).queryParam("start", previous.start().getEpochSecond())
                .queryParam("end", previous.end().getEpochSecond())
                .queryParam("finalization_grace_seconds", 72 * 3600).get("meter-usage").then().statusCode(200)
                .extract().jsonPath();
        assertThat(invoice.getString("status")).isEqualTo("draft");
        assertThat(invoice.getLong("billed")).isEqualTo(200L);
    }

    /** The values of the meter events Stripe took for the customer, in order (replays are not new events). */
    private static List<Long> values(long mark, String customer) {
        return SandboxClient.stripe().journalSince(mark).stream()
                .filter(e -> e.path("path").asText().equals("/v1/billing/meter_events") && e.path("status").asInt() == 200
                        && !e.path("idempotentReplay").asBoolean(false)
                        && e.path("params").path("payload").path("stripe_customer_id").asText().equals(customer))
                .map(e -> e.path("params").path("payload").path("value").asLong()).toList();
    }
}
