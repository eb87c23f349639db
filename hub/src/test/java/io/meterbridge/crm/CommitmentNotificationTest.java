package io.meterbridge.crm;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Each alert is published to meterbridge.notifications, keyed by contract, with the alert's facts and task id. */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class CommitmentNotificationTest {

    @Test
    void everyCrossedThresholdIsNotifiedOnceWithItsFacts() {
        Commitments c = new Commitments("notify", 2000);
        c.requestsNow(1700);
        c.awaitUsage(c.current, 1700);
        List<JsonNode> events = await().atMost(Duration.ofSeconds(30)).until(c::notifications, e -> e.size() == 1);

        c.requestsNow(400);
        c.awaitUsage(c.current, 2100);
        events = await().atMost(Duration.ofSeconds(30)).until(c::notifications, e -> e.size() == 2);
        List<JsonNode> tasks = c.tasks();
        assertThat(tasks).hasSize(2);

        for (int i = 0; i < 2; i++) {
            JsonNode event = events.get(i);
            int threshold = i == 0 ? 80 : 100;
            assertThat(event.path("specversion").asText()).isEqualTo("1.0");
            assertThat(event.path("type").asText()).isEqualTo("meterbridge.commitment.threshold-crossed");
            assertThat(event.path("id").asText()).isEqualTo(c.alertKey(c.current, threshold));
            assertThat(Instant.parse(event.path("time").asText())).isBefore(Instant.now());
            JsonNode data = event.path("data");
            assertThat(data.path("contract").asText()).isEqualTo(c.contractKey);
            assertThat(data.path("tenant").asText()).isEqualTo(c.tenant);
            assertThat(data.path("crmAccountId").asText()).isEqualTo(c.crmAccountId);
            assertThat(data.path("metric").asText()).isEqualTo("api_requests");
            assertThat(Instant.parse(data.path("periodStart").asText())).isEqualTo(c.current.start());
            assertThat(Instant.parse(data.path("periodEnd").asText())).isEqualTo(c.current.end());
            assertThat(data.path("thresholdPercent").asInt()).isEqualTo(threshold);
            assertThat(Commitments.decimal(data.path("committedQuantity"))).isEqualByComparingTo("2000");
            assertThat(Commitments.decimal(data.path("usageAtDetection")))
                    .isEqualByComparingTo(threshold == 80 ? "1700" : "2100");
            assertThat(data.path("crmTaskId").asText()).isEqualTo(tasks.get(i).path("Id").asText());
        }
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> c.notifications().size() == 2);
    }
}
