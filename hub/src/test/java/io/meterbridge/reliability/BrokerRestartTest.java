package io.meterbridge.reliability;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.Events;
import io.meterbridge.support.Topics;
import io.meterbridge.support.UsageStream;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.Events.BATCH;
import static io.meterbridge.support.Events.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Kafka broker restarted while a producer streams batches over HTTP (retrying what gets a 503, as producers
 * do) and records wait on the raw topic: every event is counted exactly once afterwards.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class BrokerRestartTest {

    private static final int BATCHES = 30;
    private static final int BATCH_SIZE = 10;

    @Inject
    DataSource dataSource;

    @Test
    void everyEventCountsOnceAcrossABrokerRestart() throws Exception {
        UsageStream http = UsageStream.tenant("restart-http");
        UsageStream raw = UsageStream.tenant("restart-raw");
        AtomicInteger sent = new AtomicInteger();
        CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
            for (int b = 0; b < BATCHES; b++) {
                var events = http.events(b * BATCH_SIZE + 1, (b + 1) * BATCH_SIZE + 1);
                // A producer retries a batch until it is accepted (202), whatever the hub answered before.
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                        .until(() -> post(events, BATCH).statusCode() == 202);
                sent.incrementAndGet();
            }
        });
        for (int i = 1; i <= 20; i++) {
            byte[] body = Events.bytes(raw.event(i));
            Topics.produceRaw(raw.tenant, body, Events.signature(body));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> sent.get() >= 5);
        EmbeddedEngines.restartKafka();
        assertThat(sent.get()).as("the restart happened mid-stream").isLessThan(BATCHES);
        for (int i = 21; i <= 40; i++) {
            byte[] body = Events.bytes(raw.event(i));
            Topics.produceRaw(raw.tenant, body, Events.signature(body));
        }
        producer.get(180, TimeUnit.SECONDS);

        int events = BATCHES * BATCH_SIZE;
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            assertThat(http.metered(dataSource)).containsExactly(UsageStream.expected(1, events + 1), events);
            assertThat(raw.metered(dataSource)).containsExactly(UsageStream.expected(1, 41), 40);
        });
        assertThat(http.total()).isEqualTo(UsageStream.expected(1, events + 1));
        assertThat(raw.total()).isEqualTo(UsageStream.expected(1, 41));
    }
}
