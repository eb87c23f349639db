package io.meterbridge.billing;

import io.meterbridge.support.SandboxClient;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.chargebeeInvoices;
import static io.meterbridge.support.BillingFixture.chargebeeUsages;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.anchorDayWithEndedDays;
import static io.meterbridge.support.BillingFixture.contract;
import static io.meterbridge.support.BillingFixture.contractWith;
import static io.meterbridge.support.BillingFixture.deliveryStatus;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Platform rates: the hub sends quantities, never raw events, and the platform prices them. Ended days go out as
 * daily summaries (Stripe meter events inside Stripe's 35-day window); period close sends what does not add up and
 * what arrived after its day was reported, each exactly once.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class PlatformRatesTest {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    @Inject
    UsageReportService usageReport;

    @Test
    void endedDaysBecomeOneStripeMeterEventPerMetricAndDayOnce() throws Exception {
        String tenant = uniqueId("daily");
        String customer = "cus_" + tenant.replace("-", "");
        // an anchor that keeps the reported days in a period Stripe has not finalized yet
        contractWith(tenant, "netsuite", "stripe", customer, "PLATFORM_RATES", null, null, Map.of(),
                Map.of("anchorDay", anchorDayWithEndedDays(3)), "api_requests", "active_users");
        Instant threeDaysAgo = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(3, ChronoUnit.DAYS);
        Instant twoDaysAgo = threeDaysAgo.plus(1, ChronoUnit.DAYS);
        send(apiRequests(tenant, threeDaysAgo.plusSeconds(3600).toString(), 30, "u1"),
                apiRequests(tenant, threeDaysAgo.plusSeconds(7200).toString(), 12, "u2"),
                apiRequests(tenant, twoDaysAgo.plusSeconds(60).toString(), 5, "u1"));
        // day by day: the two days may lie in two months (then a monthly window query has two windows)
        awaitUsage(tenant, "api_requests", threeDaysAgo.toString(), twoDaysAgo.toString(), "42");
        awaitUsage(tenant, "api_requests", twoDaysAgo.toString(), twoDaysAgo.plus(1, ChronoUnit.DAYS).toString(), "5");

        usageReport.reportDueDays();
        usageReport.reportDueDays();

        String key = "mb-contract-" + tenant + "-api_requests-";
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(meterEvents(customer))
                .as("meter events of %s; the sandbox received %s", customer, SandboxClient.of("stripe").journalJson().getList(
                        "findAll { it.path == '/v1/billing/meter_events' && it.params?.payload?.stripe_customer_id == '"
                                + customer + "' }"))
                .hasSize(2));
        List<Map<String, Object>> events = meterEvents(customer);
        assertThat(events).extracting(e -> e.get("identifier") + "=" + ((Map<?, ?>) e.get("payload")).get("value"))
                .containsExactlyInAnyOrder(key + DAY.format(threeDaysAgo) + "=42", key + DAY.format(twoDaysAgo) + "=5");
        assertThat(events).extracting(e -> e.get("event_name")).containsOnly("api-requests-meter");
        assertThat(events).extracting(e -> String.valueOf(e.get("timestamp")))
                .containsExactlyInAnyOrder(String.valueOf(threeDaysAgo.getEpochSecond()),
                        String.valueOf(twoDaysAgo.getEpochSecond()));
    }

    /** Meter events that took effect (an idempotent replay of a retried request is not a new event). */
    private static List<Map<String, Object>> meterEvents(String customer) {
        return SandboxClient.of("stripe").journalJson().getList("findAll { it.path == '/v1/billing/meter_events'"
                + " && it.params.payload.stripe_customer_id == '" + customer + "' && it.status == 200 && !it.idempotentReplay }.params");
    }

    @Test
    void periodCloseSendsChargebeeUsagesOncePlusCorrectionsForLateUsage() throws Exception {
        String tenant = uniqueId("cb-usage");
        String subscription = "sub_" + tenant.replace("-", "");
        contract(tenant, "chargebee", "cb_" + tenant, "PLATFORM_RATES", subscription, null, Map.of(),
                "api_requests", "active_users");
        send(apiRequests(tenant, "2026-09-10T10:00:00Z", 30, "u1"), apiRequests(tenant, "2026-09-11T10:00:00Z", 8, "u2"));
        awaitUsage(tenant, "api_requests", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "38");

        // 10 September was reported as its day ended; then a late event of that day arrived.
        var versions = PeriodCloseService.versionsByKey(masterData()).get("contract-" + tenant);
        assertThat(usageReport.report("contract-" + tenant, versions, Instant.parse("2026-09-10T00:00:00Z"))).isTrue();
        send(apiRequests(tenant, "2026-09-10T23:00:00Z", 4, "u3"));
        awaitUsage(tenant, "api_requests", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "42");

        String delivery = close(tenant, "2026-09-15T00:00:00Z").getString("deliveries[0]");
        close(tenant, "2026-09-15T00:00:00Z");
        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(deliveryStatus(delivery))
                && chargebeeUsages(subscription).getList("list").size() == 4);

        var usages = chargebeeUsages(subscription);
        List<String> got = usages.getList("list.usage", Map.class).stream()
                .map(u -> u.get("item_price_id") + ":" + u.get("quantity")).toList();
        // The day report (30), the late correction (4), 11 September (8), and the period's 3 distinct users.
        assertThat(got).containsExactlyInAnyOrder("api-requests-meter:30", "api-requests-meter:4",
                "api-requests-meter:8", "active-users-meter:3");
        assertThat(usages.getList("list.usage.id", String.class)).allMatch(id -> id.startsWith("mb-contract-" + tenant));
        assertThat(chargebeeInvoices("cb_" + tenant).getList("list")).isEmpty();
    }

    @Inject
    io.meterbridge.masterdata.MasterDataStore store;

    private io.meterbridge.masterdata.MasterData masterData() {
        return store.refresh();
    }

    @Test
    void hubRatedChargebeeContractGetsOneInvoiceForItsCharges() {
        String tenant = uniqueId("cb-inv");
        contract(tenant, "chargebee", "cb_" + tenant, "HUB_RATES", null, null, Map.of("api_requests", new BigDecimal("1000")),
                "api_requests", "active_users");
        send(apiRequests(tenant, "2026-09-10T10:00:00Z", 1500, "u1"));
        awaitUsage(tenant, "api_requests", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "1500");
        String delivery = close(tenant, "2026-09-15T00:00:00Z").getString("deliveries[0]");
        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(deliveryStatus(delivery)));
        var invoices = chargebeeInvoices("cb_" + tenant);
        assertThat(invoices.getList("list")).hasSize(1);
        // 1 user x 2.00, 500 above the commitment x 0.0010 = 0.50, true-up 49.50: 52.00 USD.
        assertThat(invoices.getLong("list[0].invoice.total")).isEqualTo(5200L);
        assertThat(invoices.getList("list[0].invoice.line_items")).hasSize(3);
    }
}
