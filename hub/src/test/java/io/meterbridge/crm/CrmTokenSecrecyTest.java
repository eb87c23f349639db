package io.meterbridge.crm;

import io.meterbridge.support.SandboxClient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The CRM access token is a secret: it appears in no log line (also while the CRM fails and the retries log at WARN),
 * in no recorded request of the sandbox, and in no stored error.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class CrmTokenSecrecyTest {

    @ConfigProperty(name = "hub.crm.access-token")
    String token;

    @Inject
    DataSource dataSource;

    private final List<String> logLines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message = record.getMessage();
            Object[] parameters = record.getParameters();
            logLines.add(message + " " + (parameters == null ? "" : List.of(parameters))
                    + (record.getThrown() == null ? "" : " " + record.getThrown()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLogs() {
        capture.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger("").removeHandler(capture);
        SandboxClient.crm().noFaults();
    }

    @Test
    void theTokenIsNeverLoggedRecordedOrStored() throws Exception {
        assertThat(token).isNotBlank();
        SandboxClient.crm().faults(Map.of("rateLimitNext", 1, "retryAfterSeconds", 0, "serverErrorNext", 2));
        Commitments c = new Commitments("secret", 100);
        c.requestsNow(100);
        c.awaitUsage(c.current, 100);
        await().atMost(Duration.ofSeconds(60)).until(() -> c.tasks().size() == 2 && c.notifications().size() == 2);

        // The request really carried the token: the sandbox accepted it, and shows it masked.
        List<JsonNode> requests = c.crmRequests();
        assertThat(requests).hasSizeGreaterThanOrEqualTo(5);
        assertThat(requests).allSatisfy(r -> assertThat(r.path("headers").path("Authorization").asText())
                .isEqualTo("Bearer ****"));
        String journal = RestAssured.get("/sandbox/crm/_sandbox/requests").then().statusCode(200).extract().asString();
        assertThat(journal).doesNotContain(token);

        assertThat(logLines).anyMatch(line -> line.contains(c.contractKey)); // the capture works
        assertThat(logLines).noneMatch(line -> line.contains(token));

        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
                "SELECT count(*) FROM commitment_alert WHERE last_error LIKE '%' || ? || '%'")) {
            select.setString(1, token);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                assertThat(rows.getInt(1)).isZero();
            }
        }
    }
}
