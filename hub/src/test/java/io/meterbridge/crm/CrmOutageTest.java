package io.meterbridge.crm;

import io.meterbridge.support.SandboxClient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A misbehaving CRM (429 with Retry-After, bursts of 5xx, an outage longer than the retries, a response lost after
 * the task was created) still ends with exactly one task per threshold, and nothing is dropped meanwhile.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class CrmOutageTest {

    @Inject
    DataSource dataSource;

    @AfterEach
    void healCrm() {
        SandboxClient.crm().noFaults();
    }

    record Row(String status, int attempts, String lastError, String taskId, Instant notifiedAt) {
    }

    private List<Row> alerts(Commitments c) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
                "SELECT crm_status, attempts, last_error, crm_task_id, notified_at FROM commitment_alert "
                        + "WHERE contract_key = ? ORDER BY threshold_percent")) {
            select.setString(1, c.contractKey);
            try (ResultSet r = select.executeQuery()) {
                while (r.next()) {
                    rows.add(new Row(r.getString(1), r.getInt(2), r.getString(3), r.getString(4),
                            r.getTimestamp(5) == null ? null : r.getTimestamp(5).toInstant()));
                }
            }
        }
        return rows;
    }

    @Test
    void rateLimitsAndServerErrorsAreRetriedHonouringRetryAfterWithoutDuplicates() throws Exception {
        SandboxClient.crm().faults(Map.of("rateLimitNext", 2, "retryAfterSeconds", 2, "serverErrorNext", 3,
                "serverErrorStatus", 500));
        Commitments c = new Commitments("outage", 1000);
        c.requestsNow(1000);
        c.awaitUsage(c.current, 1000);

        await().atMost(Duration.ofSeconds(60)).until(() -> c.tasks().size() == 2 && c.notifications().size() == 2);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> c.tasks().size() == 2);
        assertThat(c.tasks()).extracting(t -> t.path("Meterbridge_Alert_Key__c").asText())
                .containsExactly(c.alertKey(c.current, 80), c.alertKey(c.current, 100));

        List<JsonNode> requests = c.crmRequests();
        assertThat(requests).extracting(r -> r.path("status").asInt()).containsExactly(429, 429, 500, 500, 500, 201, 201);
        // Retry-After: 2 was waited for, not the 100 ms of the test profile's backoff.
        for (int i = 0; i < 2; i++) {
            Duration gap = Duration.between(Instant.parse(requests.get(i).path("receivedAt").asText()),
                    Instant.parse(requests.get(i + 1).path("receivedAt").asText()));
            assertThat(gap).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        }
        assertThat(alerts(c)).extracting(Row::status).containsExactly("CREATED", "CREATED");
        assertThat(alerts(c).get(0).attempts()).isEqualTo(6);
    }

    @Test
    void anOutageLongerThanTheRetriesKeepsTheAlertOpenUntilTheCrmIsBack() throws Exception {
        SandboxClient.crm().faults(Map.of("down", true));
        Commitments c = new Commitments("down", 1000);
        c.requestsNow(900);
        c.awaitUsage(c.current, 900);

        List<Row> failed = await().atMost(Duration.ofSeconds(60)).until(() -> alerts(c),
                rows -> rows.size() == 1 && "FAILED".equals(rows.get(0).status()));
        assertThat(failed.get(0).lastError()).contains("503", "SERVER_UNAVAILABLE");
        assertThat(failed.get(0).attempts()).isGreaterThanOrEqualTo(6); // 1 + 5 redeliveries
        assertThat(failed.get(0).notifiedAt()).isNull();
        assertThat(c.tasks()).isEmpty();

        SandboxClient.crm().noFaults();
        await().atMost(Duration.ofSeconds(60)).until(() -> alerts(c).get(0).notifiedAt() != null);
        Row done = alerts(c).get(0);
        assertThat(done.status()).isEqualTo("CREATED");
        assertThat(done.lastError()).isNull();
        assertThat(c.tasks()).hasSize(1);
        assertThat(done.taskId()).isEqualTo(c.tasks().get(0).path("Id").asText());
        assertThat(c.notifications()).hasSize(1);
    }

    @Test
    void aCreateWhoseAnswerWasLostIsNotDuplicatedOnRetry() throws Exception {
        // The sandbox answers after 3 s; the connector gives up after 2 s (test profile) and retries.
        SandboxClient.crm().faults(Map.of("delayMs", 3000));
        Commitments c = new Commitments("lost", 1000);
        c.requestsNow(850);
        c.awaitUsage(c.current, 850);
        await().atMost(Duration.ofSeconds(30)).until(() -> !c.tasks().isEmpty());
        SandboxClient.crm().noFaults();

        await().atMost(Duration.ofSeconds(60)).until(() -> !alerts(c).isEmpty() && alerts(c).get(0).notifiedAt() != null);
        assertThat(c.tasks()).hasSize(1);
        assertThat(c.crmRequests()).extracting(r -> r.path("status").asInt()).contains(201, 400);
        assertThat(alerts(c).get(0).taskId()).isEqualTo(c.tasks().get(0).path("Id").asText());
        assertThat(c.notifications()).hasSize(1);
    }
}
