package io.meterbridge.billing;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.SandboxClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.deliveryStatus;
import static io.meterbridge.support.BillingFixture.stripeTenantWithSeptemberUsage;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 429s do not use up a delivery's attempts: Stripe throttles more attempts in a row than the attempt budget
 * (%test.hub.billing.retry.maximum-redeliveries = 12), and the invoice is still delivered once the throttle ends, not
 * dead-lettered. (bin/chaos found it: under a lasting share of 429s an attempt that makes several calls fails often,
 * and whole invoices ran out of attempts.)
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class ThrottledAttemptsTest {

    private static final int THROTTLED = 16;

    @AfterEach
    void healthyStripe() {
        SandboxClient.of("stripe").noFaults();
    }

    @Test
    void moreThrottledAttemptsThanTheBudgetStillDeliver() {
        String tenant = stripeTenantWithSeptemberUsage("throttled");

        SandboxClient stripe = SandboxClient.of("stripe");
        long mark = stripe.mark();
        stripe.faults(Map.of("rateLimitNext", THROTTLED, "retryAfterSeconds", 0));
        String delivery = close(tenant, "2026-09-15T00:00:00Z").getString("deliveries[0]");
        await().atMost(Duration.ofSeconds(90)).until(() -> !"PENDING".equals(deliveryStatus(delivery)));

        assertThat(deliveryStatus(delivery)).isEqualTo("DELIVERED");
        List<JsonNode> throttled = stripe.journalSince(mark).stream()
                .filter(e -> e.path("status").asInt() == 429).toList();
        assertThat(throttled).hasSize(THROTTLED);

        // Leave nothing in flight: the invoice's ERP postings would otherwise take a fault the next test class sets on
        // the ERP sandbox. The accrual's reversal posts last (after the invoice, ledger order).
        await().atMost(Duration.ofSeconds(60)).until(() -> finance().get("/api/v1/erp/postings").then().statusCode(200)
                .extract().jsonPath().getList("findAll { it.id.startsWith('mb-accrrev-contract-" + tenant
                        + "') && it.status == 'POSTED' }").size() == 1);
    }
}
