package io.meterbridge.billing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.SandboxClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.deliveredAs;
import static io.meterbridge.support.BillingFixture.deliveryStatus;
import static io.meterbridge.support.BillingFixture.stripeCustomer;
import static io.meterbridge.support.BillingFixture.stripeInvoiceItems;
import static io.meterbridge.support.BillingFixture.stripeInvoices;
import static io.meterbridge.support.BillingFixture.stripeTenantWithSeptemberUsage;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Stripe invoice delivery sent again after Stripe forgot its idempotency keys (the sandbox clock moved 25 h) resumes
 * the invoice that exists: the invoice id stored in PostgreSQL, the items already on it. Exactly one invoice, with
 * each charge once, whichever way the delivery comes back (a replay of its dead letter, a re-publish).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class StripeReplayAfterIdempotencyWindowTest {

    private static final Duration PAST_THE_WINDOW = Duration.ofHours(25);

    @Inject
    DataSource dataSource;

    @AfterEach
    void healthyStripeOnRealTime() {
        SandboxClient.stripe().noFaults().realClock();
    }

    /** Requests to Stripe that took effect for this customer's invoice (a replayed answer is not one). */
    private static List<Map<String, Object>> writes(String customer, String path) {
        return SandboxClient.stripe().journalJson().getList("findAll { it.method == 'POST' && it.path == '" + path
                + "' && it.status == 200 && !it.idempotentReplay && it.params?.customer == '" + customer + "' }");
    }

    private static void assertOneInvoiceOf5400(String customer, String delivery) {
        JsonPath invoices = stripeInvoices(customer);
        assertThat(invoices.getList("data")).as("invoices of " + customer).hasSize(1);
        assertThat(invoices.getString("data[0].status")).isEqualTo("open");
        assertThat(invoices.getLong("data[0].total")).isEqualTo(5400L);
        String invoice = invoices.getString("data[0].id");
        JsonPath items = stripeInvoiceItems(invoice);
        assertThat(items.getList("data.amount", Long.class)).containsExactlyInAnyOrder(400L, 50L, 4950L);
        assertThat(items.getList("data.metadata.line", String.class)).doesNotHaveDuplicates();
        assertThat(deliveredAs(delivery)).isEqualTo(invoice);
    }

    @Test
    void aDeadLetteredHalfSentInvoiceIsCompletedNotDuplicated() {
        String tenant = stripeTenantWithSeptemberUsage("horizon-dl");
        String customer = stripeCustomer(tenant);
        // Slow answers, then an outage as soon as the draft exists: the request in flight (the first item) still
        // gets through, what follows fails until the delivery is dead-lettered with a half-built draft in Stripe.
        SandboxClient.stripe().faults(Map.of("delayMs", 1500));
        String delivery = close(tenant, "2026-09-15T00:00:00Z").getString("deliveries[0]");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> !writes(customer, "/v1/invoices").isEmpty());
        SandboxClient.stripe().faults(Map.of("down", true));
        await().atMost(Duration.ofSeconds(90)).until(() -> "FAILED".equals(deliveryStatus(delivery)));
        SandboxClient.stripe().noFaults();
        JsonPath before = stripeInvoices(customer);
        assertThat(before.getList("data")).hasSize(1);
        assertThat(before.getString("data[0].status")).isEqualTo("draft");
        int itemsBefore = stripeInvoiceItems(before.getString("data[0].id")).getList("data").size();
        assertThat(itemsBefore).isLessThan(3);

        SandboxClient.stripe().advanceClock(PAST_THE_WINDOW);
        long exception = finance().get("/api/v1/billing/exceptions").then().statusCode(200).extract().jsonPath()
                .getLong("find { it.delivery_id == '" + delivery + "' }.id");
        finance().post("/api/v1/billing/exceptions/" + exception + "/replay").then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(deliveryStatus(delivery)));

        assertOneInvoiceOf5400(customer, delivery);
        assertThat(writes(customer, "/v1/invoices")).as("draft invoices created").hasSize(1);
        assertThat(writes(customer, "/v1/invoiceitems")).as("invoice items created").hasSize(3);
    }

    @Test
    void aDeliveredInvoicePublishedAgainAfterTheWindowCreatesNothing() throws Exception {
        String tenant = stripeTenantWithSeptemberUsage("horizon-rp");
        String customer = stripeCustomer(tenant);
        String delivery = close(tenant, "2026-09-15T00:00:00Z").getString("deliveries[0]");
        String invoice = deliveredAs(delivery);

        SandboxClient.stripe().advanceClock(PAST_THE_WINDOW);
        long mark = SandboxClient.stripe().mark();
        // What the outbox's re-publish does with a delivery whose outcome was not recorded (hub.billing.republish-after)
        try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement(
                "UPDATE billing_delivery SET status = 'PENDING', published_at = NULL WHERE id = ?")) {
            update.setString(1, delivery);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(deliveryStatus(delivery))
                && SandboxClient.stripe().journalSince(mark).stream()
                        .anyMatch(e -> e.path("path").asText().equals("/v1/invoices/" + invoice)));

        assertOneInvoiceOf5400(customer, delivery);
        assertThat(SandboxClient.stripe().journalSince(mark)).filteredOn(e -> e.path("method").asText().equals("POST")
                && (e.path("params").path("customer").asText().equals(customer) || e.path("path").asText().contains(invoice)))
                .as("writes to Stripe after the re-publish").isEmpty();
    }
}
