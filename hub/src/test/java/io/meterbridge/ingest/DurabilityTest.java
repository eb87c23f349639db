package io.meterbridge.ingest;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.Events.BATCH;
import static io.meterbridge.support.Events.apiRequest;
import static io.meterbridge.support.Events.batch;
import static io.meterbridge.support.Events.bytes;
import static io.meterbridge.support.Events.post;
import static io.meterbridge.support.Events.signature;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.Topics.accepted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * "A 2xx means durable" and "a failure never leaves an id claimed": when Kafka cannot take the accepted events the
 * producer gets a 503, no id stays claimed, and the retry is accepted once.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class DurabilityTest {

    @Inject
    DataSource dataSource;

    @Test
    void whenKafkaCannotTakeTheEventsNothingIsClaimedAndTheRetryCountsOnce() throws Exception {
        String id = uniqueId("durable");
        var events = batch(apiRequest(id, 1, "u"));
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Topics.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            var description = admin.describeTopics(List.of(Topics.ACCEPTED)).allTopicNames().get().get(Topics.ACCEPTED);
            var settings = admin.describeConfigs(List.of(new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, Topics.ACCEPTED))).all().get();
            String retention = settings.values().iterator().next().get("retention.ms").value();
            admin.deleteTopics(List.of(Topics.ACCEPTED)).all().get(30, TimeUnit.SECONDS);
            await().until(() -> !admin.listTopics().names().get().contains(Topics.ACCEPTED));
            try {
                // A producer that already sent to the topic (any earlier test that had events accepted) still has
                // its partitions in its metadata: the send is then retried until the 30 s acks wait gives up, not
                // refused within max.block.ms. So this call may take 30 s: wait longer than the default 30 s.
                byte[] body = bytes(events);
                RestAssured.given().config(RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
                        .setParam("http.socket.timeout", 90_000))).contentType(BATCH)
                        .header(SignatureVerifier.HEADER, signature(body)).body(body).post("/api/v1/events")
                        .then().statusCode(503).header("Retry-After", "5");
                assertThat(Claims.count(dataSource, id)).as("no id left claimed").isZero();
            } finally {
                admin.createTopics(List.of(new NewTopic(Topics.ACCEPTED, description.partitions().size(), (short) 1)
                        .configs(Map.of("retention.ms", retention)))).all().get(30, TimeUnit.SECONDS);
            }
        }
        await().untilAsserted(() -> post(events, BATCH).then().statusCode(202).body("accepted", equalTo(1)));
        assertThat(Claims.count(dataSource, id)).isEqualTo(1);
        assertThat(accepted(id)).hasSize(1);
        post(events, BATCH).then().statusCode(202).body("duplicates", equalTo(1));
    }
}
