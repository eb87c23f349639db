package io.meterbridge.crm;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each billing period is evaluated on its own: the previous period (still within its grace period, so late events
 * count) and the current one each fire their own 80% alert, and usage of one never counts toward the other.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class CommitmentPeriodTest {

    @Test
    void aNewPeriodStartsFreshAndThePreviousOneCountsLateUsageWhileInGrace() {
        Commitments c = new Commitments("periods", 1000);

        // Late usage of the previous period (closed, but within its 10 days of grace): 85%.
        c.requests(850, c.previous.end().minus(1, ChronoUnit.HOURS));
        c.awaitUsage(c.previous, 850);
        List<JsonNode> tasks = await().atMost(Duration.ofSeconds(30)).until(c::tasks, t -> t.size() == 1);
        assertThat(tasks.get(0).path("Meterbridge_Alert_Key__c").asText()).isEqualTo(c.alertKey(c.previous, 80));

        // The current period starts from zero: 850 of the previous period do not make 50 more cross anything.
        c.requestsNow(50);
        c.awaitUsage(c.current, 50);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> c.tasks().size() == 1);

        c.requestsNow(780);
        c.awaitUsage(c.current, 830);
        tasks = await().atMost(Duration.ofSeconds(30)).until(c::tasks, t -> t.size() == 2);
        assertThat(tasks).extracting(t -> t.path("Meterbridge_Alert_Key__c").asText())
                .containsExactly(c.alertKey(c.previous, 80), c.alertKey(c.current, 80));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> c.tasks().size() == 2);
    }
}
