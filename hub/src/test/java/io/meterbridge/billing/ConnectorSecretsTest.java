package io.meterbridge.billing;

import io.meterbridge.support.SandboxClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contract;
import static io.meterbridge.support.BillingFixture.deliveryStatus;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Stripe and Chargebee API keys never appear in a log line, not even when calls fail and are retried, nor in
 * what the platforms record of the requests (the sandbox journals mask Authorization only if it is there).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class ConnectorSecretsTest {

    private static final List<String> KEYS = List.of("sk_test_meterbridge_sandbox", "test_meterbridge_sandbox",
            "dGVzdF9tZXRlcmJyaWRnZV9zYW5kYm94Og"); // the Chargebee key as it travels in basic auth

    @Test
    void apiKeysNeverReachALogLine() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(String.valueOf(record.getMessage()) + " " + java.util.Arrays.toString(record.getParameters())
                        + " " + (record.getThrown() == null ? "" : record.getThrown().toString()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(Level.ALL);
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            String stripeTenant = uniqueId("secret-s");
            String chargebeeTenant = uniqueId("secret-c");
            contract(stripeTenant, "stripe", "cus_" + stripeTenant.replace("-", ""), "HUB_RATES", null, null, Map.of(),
                    "api_requests");
            contract(chargebeeTenant, "chargebee", "cb_" + chargebeeTenant, "HUB_RATES", null, null, Map.of(),
                    "api_requests");
            send(apiRequests(stripeTenant, "2026-09-10T10:00:00Z", 10, "u"), apiRequests(chargebeeTenant, "2026-09-10T10:00:00Z", 10, "u"));
            awaitUsage(stripeTenant, "api_requests", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "10");
            awaitUsage(chargebeeTenant, "api_requests", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "10");
            SandboxClient.of("stripe").faults(Map.of("serverErrorNext", 2));
            SandboxClient.of("chargebee").faults(Map.of("rateLimitNext", 1, "retryAfterSeconds", 1));
            String stripe = close(stripeTenant, "2026-09-15T00:00:00Z").getString("deliveries[0]");
            String chargebee = close(chargebeeTenant, "2026-09-15T00:00:00Z").getString("deliveries[0]");
            await().atMost(Duration.ofSeconds(60)).until(() -> "DELIVERED".equals(deliveryStatus(stripe))
                    && "DELIVERED".equals(deliveryStatus(chargebee)));
        } finally {
            root.removeHandler(capture);
            SandboxClient.of("stripe").noFaults();
            SandboxClient.of("chargebee").noFaults();
        }
        assertThat(lines).isNotEmpty();
        assertThat(lines).noneMatch(line -> KEYS.stream().anyMatch(line::contains));
        String recorded = String.valueOf(SandboxClient.of("stripe").journalJson().getList("headers")) + SandboxClient.of("chargebee").journalJson().getList("headers");
        assertThat(recorded).doesNotContain(KEYS.get(0)).doesNotContain(KEYS.get(2));
    }
}
