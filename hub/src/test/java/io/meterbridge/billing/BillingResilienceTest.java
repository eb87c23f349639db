package io.meterbridge.billing;

import io.meterbridge.support.SandboxClient;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.camel.CamelContext;
import org.apache.camel.component.microprofile.faulttolerance.FaultToleranceProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contract;
import static io.meterbridge.support.BillingFixture.deliveryStatus;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.stripeInvoiceItems;
import static io.meterbridge.support.BillingFixture.stripeInvoices;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Billing sync against a misbehaving Stripe: 429 storms with Retry-After, 5xx bursts that strike after Stripe stored
 * the object, an outage that opens the circuit breaker, and retries exhausted into the dead letter channel. Every
 * charge must end in Stripe exactly once.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class BillingResilienceTest {

    private static final String SEP = "2026-09-01T00:00:00Z", OCT = "2026-10-01T00:00:00Z";

    @Inject
    CamelContext camel;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @AfterEach
    void healthyStripe() {
        SandboxClient.of("stripe").noFaults();
    }

    /** A contract with September usage, ready to close: 2 users and 1,500 requests, 3 invoice items, 54.00 USD. */
    private String customerWithUsage(String prefix) {
        String tenant = uniqueId(prefix);
        contract(tenant, "stripe", "cus_" + tenant.replace("-", ""), "HUB_RATES", null, null,
                Map.of("api_requests", new BigDecimal("1000")), "api_requests", "active_users");
        send(apiRequests(tenant, "2026-09-10T10:00:00Z", 900, "u1"), apiRequests(tenant, "2026-09-20T10:00:00Z", 600, "u2"));
        awaitUsage(tenant, "api_requests", SEP, OCT, "1500");
        awaitUsage(tenant, "active_users", SEP, OCT, "2");
        return tenant;
    }

    private static void assertInvoicedOnce(String tenant) {
        String customer = "cus_" + tenant.replace("-", "");
        var invoices = stripeInvoices(customer);
        assertThat(invoices.getList("data")).as("invoices of " + customer).hasSize(1);
        assertThat(invoices.getLong("data[0].total")).isEqualTo(5400L);
        assertThat(stripeInvoiceItems(invoices.getString("data[0].id")).getList("data")).hasSize(3);
    }

    @Test
    void stormOf429sAndBurstsOf5xxDeliverEveryChargeExactlyOnce() {
        List<String> tenants = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            tenants.add(customerWithUsage("storm"));
        }
        var statsBefore = finance().get("/sandbox/stripe/_sandbox/stats").then().extract().jsonPath();
        int before = statsBefore.getInt("rateLimited");
        long mark = SandboxClient.stripe().mark();
        SandboxClient.of("stripe").faults(Map.of("rateLimitNext", 5, "retryAfterSeconds", 1, "serverErrorNext", 4,
                "serverErrorStatus", 503, "faultAfterEffect", true));
        List<String> deliveries = new ArrayList<>();
        for (String tenant : tenants) {
            deliveries.add(close(tenant, "2026-09-15T00:00:00Z").getString("deliveries[0]"));
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> deliveries.stream().allMatch(d -> "DELIVERED".equals(deliveryStatus(d))));
        // A 503 after the effect is absorbed by a replay of the same key, or, since deliveries resume from what exists
        // in Stripe, by the hub's lookup of the invoice and its items on the next attempt (counted before this test
        // reads the invoices itself).
        long lookups = SandboxClient.stripe().journalSince(mark).stream().filter(e -> e.path("method").asText().equals("GET")
                && (e.path("path").asText().equals("/v1/invoiceitems") || e.path("path").asText().startsWith("/v1/invoices"))).count();
        tenants.forEach(BillingResilienceTest::assertInvoicedOnce);
        var stats = finance().get("/sandbox/stripe/_sandbox/stats").then().extract().jsonPath();
        assertThat(stats.getInt("rateLimited")).isGreaterThanOrEqualTo(before + 5);
        assertThat(stats.getInt("faultsInjected")).isGreaterThanOrEqualTo(statsBefore.getInt("faultsInjected") + 9);
        assertThat(stats.getInt("idempotentReplays") - statsBefore.getInt("idempotentReplays") + lookups).isPositive();
    }

    @Test
    void circuitOpensDuringAnOutageAndRecoversAfterIt() {
        String tenant = customerWithUsage("circuit");
        FaultToleranceProcessor breaker = camel.getProcessor("stripe-circuit-breaker", FaultToleranceProcessor.class);
        SandboxClient.of("stripe").faults(Map.of("down", true));
        String delivery = close(tenant, "2026-09-15T00:00:00Z").getString("deliveries[0]");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> "OPEN".equals(breaker.getCircuitBreakerState()));
        // The operations gauge reads the same breaker at scrape time: 2 while open (it re-opens at each failed trial).
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> breakerGauge("stripe") == 2);
        SandboxClient.of("stripe").noFaults();
        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(deliveryStatus(delivery)));
        assertThat(breaker.getCircuitBreakerState()).isEqualTo("CLOSED");
        assertThat(breakerGauge("stripe")).isZero();
        assertInvoicedOnce(tenant);
    }

    @Test
    void exhaustedRetriesGoToTheDeadLetterChannelAndAReplayDeliversOnce() {
        String tenant = customerWithUsage("dead");
        SandboxClient.of("stripe").faults(Map.of("down", true));
        String delivery = close(tenant, "2026-09-15T00:00:00Z").getString("deliveries[0]");
        await().atMost(Duration.ofSeconds(60)).until(() -> "FAILED".equals(deliveryStatus(delivery)));
        var exceptions = finance().get("/api/v1/billing/exceptions").then().statusCode(200).extract().jsonPath();
        long exceptionId = exceptions.getLong("find { it.delivery_id == '" + delivery + "' }.id");
        assertThat(exceptions.getString("find { it.delivery_id == '" + delivery + "' }.reason")).contains("503");
        SandboxClient.of("stripe").noFaults();
        assertThat(stripeInvoices("cus_" + tenant.replace("-", "")).getList("data")).isEmpty();

        finance().post("/api/v1/billing/exceptions/" + exceptionId + "/replay").then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(deliveryStatus(delivery)));
        assertInvoicedOnce(tenant);
        // A second replay of the same exception is refused: it is no longer open.
        finance().post("/api/v1/billing/exceptions/" + exceptionId + "/replay").then().statusCode(404);
    }

    private double breakerGauge(String vendor) {
        io.micrometer.core.instrument.Gauge gauge = registry.find("meterbridge.circuit.breaker.state")
                .tag("vendor", vendor).gauge();
        return gauge == null ? -1 : gauge.value();
    }
}
