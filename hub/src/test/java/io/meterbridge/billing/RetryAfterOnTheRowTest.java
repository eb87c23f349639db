package io.meterbridge.billing;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.SandboxClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contract;
import static io.meterbridge.support.BillingFixture.deliveryStatus;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A 429 with Retry-After: the wait Stripe asked for is written on the delivery's row (next_attempt_at), longer than
 * the backoff would be (100 ms in test), and the next attempt comes only once it has passed.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class RetryAfterOnTheRowTest {

    @AfterEach
    void healthyStripe() {
        SandboxClient.of("stripe").noFaults();
    }

    @Test
    void theNextAttemptWaitsForTheRetryAfterOfA429() {
        String tenant = uniqueId("retry-after");
        String customer = "cus_" + tenant.replace("-", "");
        contract(tenant, "stripe", customer, "HUB_RATES", null, null, Map.of("api_requests", new BigDecimal("1000")),
                "api_requests", "active_users");
        send(apiRequests(tenant, "2026-09-10T10:00:00Z", 1500, "u1"));
        awaitUsage(tenant, "api_requests", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "1500");

        SandboxClient stripe = SandboxClient.of("stripe");
        long mark = stripe.mark();
        stripe.faults(Map.of("rateLimitNext", 1, "retryAfterSeconds", 3));
        String delivery = close(tenant, "2026-09-15T00:00:00Z").getString("deliveries[0]");
        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(deliveryStatus(delivery)));

        List<JsonNode> drafts = stripe.journalSince(mark).stream()
                // The draft's POSTs; a later attempt first lists the customer's invoices (GET, the Stripe resume).
                .filter(e -> e.path("method").asText().equals("POST") && e.path("path").asText().equals("/v1/invoices")
                        && customer.equals(e.path("params").path("customer").asText()))
                .toList();
        assertThat(drafts).extracting(e -> e.path("status").asInt()).containsExactly(429, 200);
        Instant refused = Instant.parse(drafts.get(0).path("at").asText());
        Instant accepted = Instant.parse(drafts.get(1).path("at").asText());
        Duration gap = Duration.between(refused, accepted);
        System.out.printf("429 with Retry-After 3 s: next attempt %d ms later%n", gap.toMillis());
        // Retry-After plus up to 20 % jitter, plus at most a relay tick and the consumer's pick-up.
        assertThat(gap).isGreaterThanOrEqualTo(Duration.ofSeconds(3)).isLessThan(Duration.ofMillis(3_600 + 2_000));

        Map<String, Object> row = finance().get("/api/v1/billing/deliveries").then().statusCode(200).extract().jsonPath()
                .getMap("find { it.id == '" + delivery + "' }");
        // The throttled attempt was given back (ThrottledCall): only the attempt that delivered counts.
        assertThat(row.get("attempts")).isEqualTo(1);
        Instant scheduled = Instant.parse(String.valueOf(row.get("next_attempt_at")));
        assertThat(Duration.between(refused, scheduled)).isGreaterThanOrEqualTo(Duration.ofMillis(2_900));
    }
}
