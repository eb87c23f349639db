package io.meterbridge.billing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contract;
import static io.meterbridge.support.BillingFixture.contractKey;
import static io.meterbridge.support.BillingFixture.deliveryStatus;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The log lines of a billing delivery carry, in their MDC (the fields of prod's JSON lines), the Camel route and
 * exchange and the business keys: the close's lines its contract and period, the delivery's lines also the delivery
 * id. And once the delivery is done, the consumer thread's later lines no longer name it.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class DeliveryLogContextTest {

    private static final String SEP = "2026-09-01T00:00:00Z", OCT = "2026-10-01T00:00:00Z";

    /** Each record's logger, message and MDC at the time it was written. */
    record Line(String logger, String message, Map<String, String> mdc) {
    }

    static final class Capture extends Handler {
        final List<Line> lines = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void publish(LogRecord record) {
            Map<String, String> mdc = record instanceof ExtLogRecord ext ? ext.getMdcCopy() : Map.of();
            String message = record.getMessage();
            if (record.getParameters() != null) {
                message = message + " " + java.util.Arrays.toString(record.getParameters());
            }
            lines.add(new Line(String.valueOf(record.getLoggerName()), message, Map.copyOf(mdc)));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void theDeliveryLinesNameRouteExchangeContractPeriodAndDelivery() {
        String tenant = uniqueId("log-context");
        String key = contractKey(tenant);
        contract(tenant, "stripe", "cus_" + tenant.replace("-", ""), "HUB_RATES", null, null, Map.of(), "api_requests");
        send(apiRequests(tenant, "2026-09-10T10:00:00Z", 900, "u1"));
        awaitUsage(tenant, "api_requests", SEP, OCT, "900");

        Capture capture = new Capture();
        Logger.getLogger("").addHandler(capture);
        String delivery;
        try {
            JsonPath closed = close(tenant, "2026-09-15T00:00:00Z");
            delivery = closed.getString("deliveries[0]");
            await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(deliveryStatus(delivery)));
            await().atMost(Duration.ofSeconds(5)).until(() -> delivered(capture, delivery) != null);
        } finally {
            Logger.getLogger("").removeHandler(capture);
        }

        Line closeLine = capture.lines.stream().filter(l -> l.message().startsWith("Closed period")
                && l.message().contains(key)).findFirst().orElseThrow();
        assertThat(closeLine.mdc()).containsEntry("contract", key).containsEntry("period", SEP)
                .doesNotContainKey("delivery");

        Line deliveredLine = delivered(capture, delivery);
        assertThat(deliveredLine.mdc()).containsEntry("contract", key).containsEntry("period", SEP)
                .containsEntry("delivery", delivery).containsEntry("camel.routeId", "billing-sync")
                .containsKey("camel.exchangeId");
        assertThat(deliveredLine.mdc().get("camel.exchangeId")).isNotBlank();
        // Every line written while the delivery was being worked on, whatever wrote it, names it.
        String exchange = deliveredLine.mdc().get("camel.exchangeId");
        assertThat(capture.lines.stream().filter(l -> exchange.equals(l.mdc().get("camel.exchangeId"))).toList())
                .isNotEmpty().allSatisfy(l -> assertThat(l.mdc()).containsEntry("delivery", delivery));
    }

    private static Line delivered(Capture capture, String delivery) {
        synchronized (capture.lines) {
            return capture.lines.stream().filter(l -> l.message().startsWith("Delivered ")
                    && l.message().contains(delivery)).findFirst().orElse(null);
        }
    }
}
