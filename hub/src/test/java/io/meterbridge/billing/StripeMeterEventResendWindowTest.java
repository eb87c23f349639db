package io.meterbridge.billing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.SandboxClient;
import io.meterbridge.support.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.anchorDayWithEndedDays;
import static io.meterbridge.support.BillingFixture.contractWith;
import static io.meterbridge.support.BillingFixture.contractKey;
import static io.meterbridge.support.BillingFixture.deliveryStatus;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.stripeCustomer;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stripe deduplicates meter event identifiers for 24 h and has no lookup of single meter events. A meter events
 * delivery sent again within that window counts nothing twice (Stripe refuses the known identifiers); sent again
 * after it, the hub refuses to send and dead-letters the delivery with its reason, instead of counting twice.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class StripeMeterEventResendWindowTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Inject
    DataSource dataSource;

    @Inject
    UsageReportService usageReport;

    @AfterEach
    void realTime() {
        SandboxClient.stripe().realClock();
    }

    /** A platform-rated tenant whose last 2 ended days (42 and 5 requests) went to Stripe; its meter deliveries. */
    private List<String> reportedTwoDays(String tenant) throws Exception {
        // an anchor that keeps the reported days in a period Stripe has not finalized yet
        contractWith(tenant, "netsuite", "stripe", stripeCustomer(tenant), "PLATFORM_RATES", null, null, Map.of(),
                Map.of("anchorDay", anchorDayWithEndedDays(3)), "api_requests");
        Instant threeDaysAgo = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(3, ChronoUnit.DAYS);
        Instant twoDaysAgo = threeDaysAgo.plus(1, ChronoUnit.DAYS);
        send(apiRequests(tenant, threeDaysAgo.plusSeconds(3600).toString(), 42, "u1"),
                apiRequests(tenant, twoDaysAgo.plusSeconds(60).toString(), 5, "u1"));
        // day by day: the two days may lie in two months
        awaitUsage(tenant, "api_requests", threeDaysAgo.toString(), twoDaysAgo.toString(), "42");
        awaitUsage(tenant, "api_requests", twoDaysAgo.toString(), twoDaysAgo.plus(1, ChronoUnit.DAYS).toString(), "5");
        usageReport.reportDueDays();
        List<String> deliveries = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
                "SELECT id FROM billing_delivery WHERE contract_key = ? AND kind = 'STRIPE_METER_EVENTS'")) {
            select.setString(1, contractKey(tenant));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    deliveries.add(rows.getString(1));
                }
            }
        }
        assertThat(deliveries).isNotEmpty();
        await().atMost(Duration.ofSeconds(30)).until(() -> deliveries.stream()
                .allMatch(d -> "DELIVERED".equals(deliveryStatus(d))));
        assertThat(meterTotal(tenant)).isEqualTo(Map.of("value", 47, "events", 2));
        return deliveries;
    }

    /** What the Stripe sandbox's meter counted for the tenant's customer: summed value and number of events. */
    private static Map<String, Object> meterTotal(String tenant) {
        List<Map<String, Object>> totals = SandboxClient.stripe().control().get("meter-totals").then().statusCode(200)
                .extract().jsonPath().getList("findAll { it.customer == '" + stripeCustomer(tenant) + "' }");
        assertThat(totals).hasSize(1);
        return Map.of("value", totals.get(0).get("value"), "events", totals.get(0).get("events"));
    }

    /** What the outbox's re-publish does with a delivery whose outcome was not recorded. */
    private void publishAgain(List<String> deliveries) throws Exception {
        try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement(
                "UPDATE billing_delivery SET status = 'PENDING', published_at = NULL WHERE id = ANY(?)")) {
            update.setArray(1, connection.createArrayOf("text", deliveries.toArray()));
            assertThat(update.executeUpdate()).isEqualTo(deliveries.size());
        }
    }

    private static List<Map<String, Object>> meterEventsSince(long mark, String tenant) {
        return SandboxClient.stripe().journalSince(mark).stream()
                .filter(e -> e.path("path").asText().equals("/v1/billing/meter_events")
                        && e.path("params").path("payload").path("stripe_customer_id").asText().equals(stripeCustomer(tenant)))
                .map(e -> Map.<String, Object>of("status", e.path("status").asInt(),
                        "replayed", e.path("idempotentReplay").asBoolean()))
                .toList();
    }

    @Test
    void aResendWithinTheWindowCountsNothingTwice() throws Exception {
        String tenant = uniqueId("meter-within");
        List<String> deliveries = reportedTwoDays(tenant);
        // The hub recorded both events as acknowledged: a resend sends neither.
        long before = SandboxClient.stripe().mark();
        publishAgain(deliveries);
        await().atMost(Duration.ofSeconds(30)).until(() -> deliveries.stream()
                .allMatch(d -> "DELIVERED".equals(deliveryStatus(d))));
        assertThat(meterEventsSince(before, tenant)).isEmpty();

        // Had the hub lost that record, Stripe's identifiers would still protect within the window.
        try (Connection connection = dataSource.getConnection(); PreparedStatement forget = connection.prepareStatement(
                "DELETE FROM stripe_meter_event_sent WHERE delivery_id = ANY(?)")) {
            forget.setArray(1, connection.createArrayOf("text", deliveries.toArray()));
            assertThat(forget.executeUpdate()).isEqualTo(2);
        }
        long mark = SandboxClient.stripe().mark();
        publishAgain(deliveries);
        await().atMost(Duration.ofSeconds(30)).until(() -> meterEventsSince(mark, tenant).size() == 2
                && deliveries.stream().allMatch(d -> "DELIVERED".equals(deliveryStatus(d))));
        // the same keys: Stripe answers its saved 200s again (a duplicate identifier, 400, would do as well)
        assertThat(meterEventsSince(mark, tenant)).allSatisfy(e -> assertThat(
                Boolean.TRUE.equals(e.get("replayed")) || Integer.valueOf(400).equals(e.get("status"))).isTrue());
        assertThat(meterTotal(tenant)).isEqualTo(Map.of("value", 47, "events", 2));
    }

    @Test
    void aResendAfterTheWindowIsRefusedAndDeadLettered() throws Exception {
        String tenant = uniqueId("meter-after");
        List<String> deliveries = reportedTwoDays(tenant);
        // A day and an hour later, for Stripe (it has forgotten the identifiers) and for the hub's record of the
        // first attempt alike.
        SandboxClient.stripe().advanceClock(Duration.ofHours(25));
        try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement(
                "UPDATE stripe_delivery_progress SET first_sent_at = first_sent_at - interval '25 hours'"
                        + " WHERE delivery_id = ANY(?)")) {
            update.setArray(1, connection.createArrayOf("text", deliveries.toArray()));
            assertThat(update.executeUpdate()).isEqualTo(deliveries.size());
        }
        long mark = SandboxClient.stripe().mark();
        publishAgain(deliveries);

        await().atMost(Duration.ofSeconds(30)).until(() -> deliveries.stream()
                .allMatch(d -> "FAILED".equals(deliveryStatus(d))));
        var exceptions = finance().get("/api/v1/billing/exceptions").then().statusCode(200).extract().jsonPath();
        for (String delivery : deliveries) {
            assertThat(exceptions.getString("find { it.delivery_id == '" + delivery + "' }.reason"))
                    .contains("first sent 25 h ago").contains("24 h");
        }
        assertThat(meterEventsSince(mark, tenant)).as("meter events sent after the window").isEmpty();
        assertThat(meterTotal(tenant)).isEqualTo(Map.of("value", 47, "events", 2));

        // the billing dead letter (route billing-dead-letter, Camel Kafka producer): the delivery with its reason, keyed
        // by contract, and no header of the failed attempt's exchange
        List<ConsumerRecord<String, byte[]>> letters = await().atMost(Duration.ofSeconds(30)).until(
                () -> Topics.readAll("meterbridge.billing.dead-letter").stream()
                        .filter(r -> deliveries.contains(json(r.value()).path("id").asText())).toList(),
                found -> found.size() == deliveries.size());
        for (ConsumerRecord<String, byte[]> letter : letters) {
            assertThat(letter.key()).isEqualTo(contractKey(tenant));
            assertThat(letter.headers().toArray()).isEmpty();
            JsonNode body = json(letter.value());
            assertThat(body.path("kind").asText()).isEqualTo("STRIPE_METER_EVENTS");
            assertThat(body.path("contractKey").asText()).isEqualTo(contractKey(tenant));
            assertThat(body.path("reason").asText()).contains("first sent 25 h ago");
        }
    }
}
