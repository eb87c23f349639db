package io.meterbridge.billing;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.SandboxClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.anchorDayWithEndedDays;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.contractWith;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.storage;
import static io.meterbridge.support.BillingFixture.stripeCustomer;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stripe meters take whole numbers. A fractional daily quantity is not rounded up day by day (0.4 GB on three days
 * would be billed as 3 GB): each day sends the period's rounded cumulative total minus what was already sent.
 * 0.4, 0.4, 0.4 GB: cumulative 0.4, 0.8, 1.2, rounded half up 0, 1, 1, sent 0 − 0 = 0, 1 − 0 = 1, 1 − 1 = 0; in all
 * 1 = round(1.2).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class StripeMeterRoundingTest {

    private static final String METRIC = "storage_gb_written";

    @Inject
    UsageReportService usageReport;

    @Test
    void fractionalDaysAreSentAsTheRoundedCumulativeTotalMinusWhatWasSent() throws Exception {
        admin().body(Map.of("aggregation", "SUM", "unit", "GB", "description", "GB written (bytes x 10^-9)",
                "sources", List.of(Map.of("eventType", "storage.usage", "field", "bytes", "factor", "0.000000001"))))
                .put("/api/v1/admin/metrics/" + METRIC).then().statusCode(200);
        String tenant = uniqueId("meter-round");
        String customer = stripeCustomer(tenant);
        contractWith(tenant, "netsuite", "stripe", customer, "PLATFORM_RATES", null, null, Map.of(),
                Map.of("anchorDay", anchorDayWithEndedDays(3), "metrics", List.of(Map.of("metric", METRIC, "unit", "GB",
                        "priceVersion", "storage-2026-v1", "platformPriceRef", "gb-written-meter"))));
        Instant today = Instant.now().truncatedTo(ChronoUnit.DAYS);
        List<Instant> days = List.of(today.minus(3, ChronoUnit.DAYS), today.minus(2, ChronoUnit.DAYS),
                today.minus(1, ChronoUnit.DAYS));
        for (Instant day : days) {
            send(storage(tenant, day.plusSeconds(3600).toString(), 400_000_000L));
        }
        for (Instant day : days) {
            awaitUsage(tenant, METRIC, day.toString(), day.plus(1, ChronoUnit.DAYS).toString(), "0.4");
        }
        long mark = SandboxClient.stripe().mark();

        usageReport.reportDueDays();

        await().atMost(Duration.ofSeconds(30)).until(() -> sent(mark, customer).size() == 3);
        List<String> values = new ArrayList<>();
        for (Instant day : days) {
            values.add(sent(mark, customer).stream().filter(e -> e.path("timestamp").asLong() == day.getEpochSecond())
                    .map(e -> e.path("payload").path("value").asText()).findFirst().orElse("missing"));
        }
        assertThat(values).containsExactly("0", "1", "0");
        List<Map<String, Object>> totals = SandboxClient.stripe().control().get("meter-totals").then().statusCode(200)
                .extract().jsonPath().getList("findAll { it.customer == '" + customer + "' }");
        assertThat(totals).hasSize(1);
        assertThat(((Number) totals.get(0).get("value")).longValue()).as("round(1.2)").isEqualTo(1);
    }

    /** The meter events Stripe took for the customer since the mark (a replayed request is not a new event). */
    private static List<JsonNode> sent(long mark, String customer) {
        return SandboxClient.stripe().journalSince(mark).stream()
                .filter(e -> e.path("path").asText().equals("/v1/billing/meter_events") && e.path("status").asInt() == 200
                        && !e.path("idempotentReplay").asBoolean(false)
                        && e.path("params").path("payload").path("stripe_customer_id").asText().equals(customer))
                .map(e -> e.path("params")).toList();
    }
}
