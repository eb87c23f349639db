package io.meterbridge.erp;

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

import static io.meterbridge.support.BillingFixture.awaitPosted;
import static io.meterbridge.support.BillingFixture.closedSeptember;
import static io.meterbridge.support.BillingFixture.deliveredAs;
import static io.meterbridge.support.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End to end through the posting's outbox row: the NetSuite connector makes one request per attempt, and the waiting
 * between attempts is the row's. A 429 with Retry-After: 3 is attempted again no sooner than 3 s later (the row's
 * next_attempt_at, not a sleeping thread); after a 5xx and a timeout that both took effect, the accrual and the invoice
 * each exist exactly once in NetSuite.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class ErpCallRetryAfterTest {

    private static final SandboxClient NETSUITE = SandboxClient.netSuite();

    @AfterEach
    void netSuiteBack() {
        NETSUITE.noFaults();
    }

    private static long count(String type, String externalId) {
        return NETSUITE.recordsJson(type).getList("findAll { it.externalId == '" + externalId + "' }").size();
    }

    /** When the sandbox received the request (an ISO instant, or epoch seconds with a fraction). */
    private static Instant at(JsonNode entry) {
        JsonNode at = entry.path("at");
        return at.isTextual() ? Instant.parse(at.asText())
                : Instant.ofEpochSecond(0, at.decimalValue().movePointRight(9).longValueExact());
    }

    @Test
    void aThrottledRequestIsAttemptedAgainOnlyAfterItsRetryAfter() {
        String tenant = uniqueId("retry-after");
        String accrual = "mb-accr-contract-" + tenant + "-20260901";
        long mark = NETSUITE.mark();
        NETSUITE.faults(Map.of("rateLimitNext", 1, "retryAfterSeconds", 3));

        String invoice = deliveredAs(closedSeptember(tenant, "netsuite"));
        awaitPosted(accrual);
        awaitPosted("mb-inv-stripe-" + invoice);

        List<JsonNode> journal = NETSUITE.journalSince(mark);
        JsonNode throttled = journal.stream().filter(e -> e.path("status").asInt() == 429).findFirst().orElseThrow();
        JsonNode again = journal.stream()
                .filter(e -> e.path("seq").asLong() > throttled.path("seq").asLong())
                .filter(e -> e.path("method").asText().equals(throttled.path("method").asText())
                        && e.path("path").asText().equals(throttled.path("path").asText()))
                .findFirst().orElseThrow();
        Duration waited = Duration.between(at(throttled), at(again));
        assertThat(waited).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        assertThat(count("journalEntry", accrual)).isEqualTo(1);
        assertThat(count("invoice", "mb-inv-stripe-" + invoice)).isEqualTo(1);
    }

    @Test
    void afterA5xxAndATimeoutThatTookEffectEachDocumentExistsOnce() {
        String tenant = uniqueId("lost-answers");
        String accrual = "mb-accr-contract-" + tenant + "-20260901";
        long mark = NETSUITE.mark();
        // Both answers are lost after NetSuite did the write; the timeout holds the answer beyond the 5 s endpoint timeout.
        NETSUITE.faults(Map.of("serverErrorNext", 1, "timeoutNext", 1, "timeoutMs", 6000, "faultAfterEffect", true));

        String invoice = deliveredAs(closedSeptember(tenant, "netsuite"));
        awaitPosted(accrual);
        awaitPosted("mb-inv-stripe-" + invoice);

        await().atMost(Duration.ofSeconds(10)).until(() -> NETSUITE.journalSince(mark).stream()
                .filter(e -> e.path("fault").asText("").endsWith("AFTER_EFFECT")).count() == 2);
        assertThat(count("journalEntry", accrual)).isEqualTo(1);
        assertThat(count("invoice", "mb-inv-stripe-" + invoice)).isEqualTo(1);
    }
}
