package io.meterbridge.metering;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.Events;
import io.meterbridge.support.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.Events.BATCH;
import static io.meterbridge.support.Events.apiRequest;
import static io.meterbridge.support.Events.post;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.contract;
import static io.meterbridge.support.MasterDataFixture.customer;
import static io.meterbridge.support.MasterDataFixture.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** The same events sent three times, interleaved with new ones, count once: at the front door and in metering. */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class ExactlyOnceTest {

    @Inject
    DataSource dataSource;

    private static ArrayNode events(String tenant, int from, int to, String prefix) {
        ArrayNode batch = Events.MAPPER.createArrayNode();
        for (int i = from; i < to; i++) {
            ObjectNode event = apiRequest(prefix + "-" + i, i, "user-" + i);
            event.put("subject", tenant);
            event.put("time", "2026-11-20T10:" + String.format("%02d", i % 60) + ":00Z");
            batch.add(event);
        }
        return batch;
    }

    private static long total(String tenant) {
        return usage("subject", tenant, "api_requests", "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", "PERIOD")
                .then().statusCode(200).extract().jsonPath().getList("windows.quantity", Number.class).stream()
                .mapToLong(Number::longValue).sum();
    }

    @Test
    void resentEventsInterleavedWithNewOnesCountOnce() {
        String tenant = uniqueId("once");
        customer(tenant, "cus_" + tenant, "2026-01-01T00:00:00Z");
        contract("contract-" + tenant, "cus_" + tenant, "UTC", 1, "2026-01-01T00:00:00Z", "api_requests");
        String prefix = uniqueId("once-evt");

        ArrayNode first = events(tenant, 1, 21, prefix);   // counts 1..20
        ArrayNode second = events(tenant, 21, 31, prefix); // counts 21..30
        ArrayNode third = events(tenant, 31, 41, prefix);  // counts 31..40
        post(first, BATCH).then().statusCode(202).body("accepted", equalTo(20));
        post(first, BATCH).then().statusCode(202).body("duplicates", equalTo(20));
        post(second, BATCH).then().statusCode(202).body("accepted", equalTo(10));
        post(events(tenant, 1, 31, prefix), BATCH).then().statusCode(202) // all sent so far, again
                .body("accepted", equalTo(0)).body("duplicates", equalTo(30));
        post(third, BATCH).then().statusCode(202).body("accepted", equalTo(10));
        post(events(tenant, 1, 41, prefix), BATCH).then().statusCode(202) // all forty, the first twenty a fourth time
                .body("accepted", equalTo(0)).body("duplicates", equalTo(40));

        long expected = 40 * 41 / 2; // 1 + 2 + ... + 40
        await().atMost(Duration.ofSeconds(30)).until(() -> total(tenant) == expected);
    }

    @Test
    void anAcceptedEventDeliveredAgainIsNotMeteredAgain() throws Exception {
        String tenant = uniqueId("redelivered");
        customer(tenant, "cus_" + tenant, "2026-01-01T00:00:00Z");
        contract("contract-" + tenant, "cus_" + tenant, "UTC", 1, "2026-01-01T00:00:00Z", "api_requests");
        String prefix = uniqueId("redelivered-evt");
        post(events(tenant, 1, 4, prefix), BATCH).then().statusCode(202).body("accepted", equalTo(3));
        await().atMost(Duration.ofSeconds(30)).until(() -> total(tenant) == 6);

        // What Kafka's at-least-once delivery or a producer retry after a lost ack can do: the same records again.
        List<byte[]> records = new ArrayList<>();
        for (int i = 1; i < 4; i++) {
            records.add(Topics.accepted(prefix + "-" + i).get(0).toString().getBytes());
        }
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Topics.bootstrapServers());
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (int round = 0; round < 3; round++) {
                for (byte[] record : records) {
                    producer.send(new ProducerRecord<>(Topics.ACCEPTED, tenant, record)).get(10, TimeUnit.SECONDS);
                }
            }
        }
        // A brand-new event delivered twice back to back: both copies arrive in the same poll.
        ObjectNode twice = apiRequest(prefix + "-twice", 100, "user-twice");
        twice.put("subject", tenant);
        twice.put("time", "2026-11-20T11:00:00Z");
        twice.put("meterbridgeschema", "api.request/v1");
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            byte[] value = Events.bytes(twice);
            producer.send(new ProducerRecord<>(Topics.ACCEPTED, tenant, value));
            producer.send(new ProducerRecord<>(Topics.ACCEPTED, tenant, value));
            producer.flush();
        }
        // A new event behind the redeliveries, same key (same partition): once it counts, they were all read.
        post(events(tenant, 10, 11, prefix), BATCH).then().statusCode(202).body("accepted", equalTo(1));
        await().atMost(Duration.ofSeconds(30)).until(() -> total(tenant) == 116);
        assertThat(total(tenant)).isEqualTo(116);
        try (var connection = dataSource.getConnection(); var select = connection.prepareStatement(
                "SELECT count(*), sum(quantity) FROM metered_event WHERE subject = ?")) {
            select.setString(1, tenant);
            try (var rows = select.executeQuery()) {
                rows.next();
                assertThat(rows.getLong(1)).isEqualTo(5);
                assertThat(rows.getBigDecimal(2)).isEqualByComparingTo("116");
            }
        }
    }
}
