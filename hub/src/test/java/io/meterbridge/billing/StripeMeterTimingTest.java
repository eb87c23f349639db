package io.meterbridge.billing;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import io.meterbridge.masterdata.BillingPeriod;
import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.SandboxClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contractKey;
import static io.meterbridge.support.BillingFixture.contractWith;
import static io.meterbridge.support.BillingFixture.deliveryStatus;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.storage;
import static io.meterbridge.support.BillingFixture.stripeCustomer;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Stripe-metered period's usage reaches Stripe before Stripe finalizes the period's invoice (the period's end plus
 * the contract's finalizationGrace): the scheduler closes it within the first half of that grace, whatever the
 * contract's grace period for late events, and the close sends the peak, the distinct count and the latest value with
 * the sums. What
 * would arrive after finalization is not sent: Stripe would bill it on no invoice.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class StripeMeterTimingTest {

    @Inject
    PeriodCloseService periodClose;

    @Test
    void peakAndDistinctUsageReachTheInvoiceBeforeStripeFinalizesIt() throws Exception {
        String tenant = uniqueId("meter-timing");
        String customer = stripeCustomer(tenant);
        // The previous period ended between 48 h and 72 h ago: past half a 72 h finalization grace (36 h), not yet
        // past the contract's 3 days grace period, by which the hub closed it until now.
        int anchor = LocalDate.now(ZoneOffset.UTC).minusDays(2).getDayOfMonth();
        List<Map<String, String>> metrics = new java.util.ArrayList<>();
        for (String[] m : new String[][] {{"api_requests", "request", "api-requests-2026-v1"},
                {"active_users", "user", "active-users-2026-v1"}, {"storage_gb_peak", "GB", "storage-2026-v1"},
                {"storage_gb_latest", "GB", "storage-2026-v1"}}) {
            metrics.add(Map.of("metric", m[0], "unit", m[1], "priceVersion", m[2],
                    "platformPriceRef", m[0].replace('_', '-') + "-meter"));
        }
        contractWith(tenant, "netsuite", "stripe", customer, "PLATFORM_RATES", null, null, Map.of(),
                Map.of("anchorDay", anchor, "finalizationGrace", "PT72H", "gracePeriod", "P3D", "metrics", metrics));
        BillingPeriod current = BillingPeriod.monthly(Instant.now(), ZoneOffset.UTC, anchor);
        BillingPeriod previous = BillingPeriod.monthly(current.start().minusNanos(1), ZoneOffset.UTC, anchor);
        assertThat(previous.end().plus(Duration.ofDays(3))).as("not due by the contract's grace period").isAfter(Instant.now());

        Instant day = previous.start().plus(1, ChronoUnit.DAYS);
        send(apiRequests(tenant, day.plusSeconds(3600).toString(), 30, "u1"),
                apiRequests(tenant, day.plusSeconds(7200).toString(), 12, "u2"),
                storage(tenant, day.plusSeconds(3600).toString(), 250_000_000_000L),
                storage(tenant, day.plusSeconds(7200).toString(), 100_000_000_000L));
        String to = day.plus(1, ChronoUnit.DAYS).toString();
        awaitUsage(tenant, "api_requests", day.toString(), to, "42");
        awaitUsage(tenant, "active_users", day.toString(), to, "2");
        awaitUsage(tenant, "storage_gb_peak", day.toString(), to, "250");
        awaitUsage(tenant, "storage_gb_latest", day.toString(), to, "100");

        // What the scheduler does for this contract (closeDue() would close the periods due of every test contract in
        // the shared database, and their deliveries would keep the billing consumer busy for the next test class).
        periodClose.closeDueOf(contractKey(tenant), Instant.now());

        PeriodCloseService.Closed closed = periodClose.find(contractKey(tenant), previous.start()).orElseThrow(
                () -> new AssertionError("the scheduler did not close the period within the finalization grace"));
        assertThat(closed.deliveries()).hasSize(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(deliveryStatus(closed.deliveries().get(0))));

        // 30 + 12 requests; users u1 and u2; the peak of 250 and 100 GB; the latest reading, 100 GB
        for (Map.Entry<String, Long> meter : Map.of("api-requests-meter", 42L, "active-users-meter", 2L,
                "storage-gb-peak-meter", 250L, "storage-gb-latest-meter", 100L).entrySet()) {
            JsonPath invoice = SandboxClient.stripe().control().queryParam("event_name", meter.getKey())
                    .queryParam("customer", customer).queryParam("start", previous.start().getEpochSecond())
                    .queryParam("end", previous.end().getEpochSecond())
                    .queryParam("finalization_grace_seconds", 72 * 3600).get("meter-usage").then().statusCode(200)
                    .extract().jsonPath();
            assertThat(invoice.getString("status")).as("%s: the invoice is still a draft", meter.getKey())
                    .isEqualTo("draft");
            assertThat(invoice.getLong("billed")).as(meter.getKey()).isEqualTo(meter.getValue());
            assertThat(invoice.getLong("afterFinalization")).isZero();
        }
    }

    @Test
    void meterEventsOfAPeriodStripeHasFinalizedAreNotSentButDeadLettered() {
        String tenant = uniqueId("meter-late");
        String customer = stripeCustomer(tenant);
        // the default finalization grace, 1 h: September's invoice was finalized on 1 October at 01:00
        contractWith(tenant, "netsuite", "stripe", customer, "PLATFORM_RATES", null, null, Map.of(), Map.of(),
                "api_requests");
        send(apiRequests(tenant, "2026-09-10T10:00:00Z", 30, "u1"));
        awaitUsage(tenant, "api_requests", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "30");
        long mark = SandboxClient.stripe().mark();

        String delivery = close(tenant, "2026-09-15T00:00:00Z").getString("deliveries[0]");

        await().atMost(Duration.ofSeconds(30)).until(() -> "FAILED".equals(deliveryStatus(delivery)));
        List<Map<String, Object>> rows = finance().get("/api/v1/billing/deliveries").then().statusCode(200).extract()
                .jsonPath().getList("findAll { it.id == '" + delivery + "' }");
        assertThat(String.valueOf(rows.get(0).get("last_error"))).contains("finalized the invoice of their period at "
                + "2026-10-01T01:00:00Z").contains("api_requests 30");
        assertThat(SandboxClient.stripe().journalSince(mark)).noneMatch(e -> e.path("path").asText()
                .equals("/v1/billing/meter_events") && e.path("params").path("payload").path("stripe_customer_id")
                .asText().equals(customer));
    }
}
