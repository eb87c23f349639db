package io.meterbridge.crm;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Usage crossing 80% and then 100% of the commitment creates one CRM task per threshold and period, and no more. */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class CommitmentThresholdTest {

    /** Holds for a few ticks of the timer (500 ms in the test profile). */
    private static void stays(Commitments c, int tasks) {
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> c.tasks().size() == tasks);
    }

    @Test
    void eightyThenHundredPercentCreateExactlyTwoTasks() {
        Commitments c = new Commitments("thresholds", 1000);

        c.requestsNow(700);
        c.awaitUsage(c.current, 700);
        stays(c, 0); // 70%: nothing

        c.requestsNow(100);
        c.awaitUsage(c.current, 800);
        List<JsonNode> tasks = await().atMost(Duration.ofSeconds(30)).until(c::tasks, t -> t.size() == 1);
        JsonNode eighty = tasks.get(0);
        assertThat(eighty.path("Meterbridge_Alert_Key__c").asText()).isEqualTo(c.alertKey(c.current, 80));
        assertThat(eighty.path("WhatId").asText()).isEqualTo(c.crmAccountId);
        assertThat(eighty.path("Subject").asText()).contains("80%", "api_requests", c.contractKey);
        assertThat(eighty.path("Description").asText()).contains("800", "1000", c.tenant);
        assertThat(eighty.path("Priority").asText()).isEqualTo("Normal");
        assertThat(eighty.path("Status").asText()).isEqualTo("Not Started");
        assertThat(eighty.path("ActivityDate").asText()).matches("\\d{4}-\\d{2}-\\d{2}");
        stays(c, 1);

        c.requestsNow(250);
        c.awaitUsage(c.current, 1050);
        tasks = await().atMost(Duration.ofSeconds(30)).until(c::tasks, t -> t.size() == 2);
        JsonNode hundred = tasks.get(1);
        assertThat(hundred.path("Meterbridge_Alert_Key__c").asText()).isEqualTo(c.alertKey(c.current, 100));
        assertThat(hundred.path("Priority").asText()).isEqualTo("High");
        assertThat(hundred.path("Description").asText()).contains("1050");

        // More usage after 100%: nothing new.
        c.requestsNow(500);
        c.awaitUsage(c.current, 1550);
        stays(c, 2);
        assertThat(c.crmRequests()).hasSize(2);
    }

    @Test
    void aJumpOverBothThresholdsCreatesBothTasksInOrder() {
        Commitments c = new Commitments("jump", 1000);
        c.requestsNow(1200);
        c.awaitUsage(c.current, 1200);
        List<JsonNode> tasks = await().atMost(Duration.ofSeconds(30)).until(c::tasks, t -> t.size() == 2);
        assertThat(tasks).extracting(t -> t.path("Meterbridge_Alert_Key__c").asText())
                .containsExactly(c.alertKey(c.current, 80), c.alertKey(c.current, 100));
        stays(c, 2);
    }
}
