package io.meterbridge.ingest;

import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.meterbridge.producer.Signer;
import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.Topics.awaitAccepted;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * CloudEvents binary content mode, sent by the official CloudEvents Java SDK as a real producer: over HTTP ({@code ce-*}
 * headers, the data as the body) with an API key or a Meterbridge signature that covers the attributes, and on the
 * raw topic through the Kafka binding ({@code ce_*} record headers).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class BinaryModeTest {

    private static final String API_KEY = "demo-api-key-0123456789abcdef0123456789abcdef";

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    private static CloudEvent event(String id, String source) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create(source)).withType("api.request")
                .withSubject("acme").withTime(OffsetDateTime.of(2026, 11, 24, 9, 0, 0, 0, ZoneOffset.UTC))
                .withDataContentType("application/json")
                .withData("{\"count\":4,\"endpoint\":\"GET /v1/orders\",\"user_id\":\"bin@people.example\"}"
                        .getBytes(StandardCharsets.UTF_8))
                .build();
    }

    /** POSTs the event in binary mode, written by the SDK; {@code extra} adds credentials. */
    private int postBinary(CloudEvent event, Map<String, String> extra, Map<String, String> tamper) throws Exception {
        HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/api/v1/events")
                .toURL().openConnection();
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        extra.forEach(connection::setRequestProperty);
        HttpMessageFactory.createWriter((name, value) -> connection.setRequestProperty(name, tamper.getOrDefault(name, value)),
                body -> {
                    try {
                        connection.getOutputStream().write(body);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).writeBinary(event);
        return connection.getResponseCode();
    }

    @Test
    void theSdksBinaryModeWithAnApiKeyIsAccepted() throws Exception {
        String id = uniqueId("binary-key");
        assertThat(postBinary(event(id, "demo-sdk"), Map.of("Authorization", "Bearer " + API_KEY), Map.of())).isEqualTo(202);
        JsonNode accepted = awaitAccepted(id).get(0);
        assertThat(accepted.path("source").asText()).isEqualTo("demo-sdk");
        assertThat(accepted.path("subject").asText()).isEqualTo("acme");
        assertThat(accepted.path("type").asText()).isEqualTo("api.request");
        assertThat(accepted.path("data").path("count").asInt()).isEqualTo(4);
        assertThat(accepted.path("data").path("user_id").asText()).startsWith("tok_k1_");
        assertThat(accepted.path("meterbridgeschema").asText()).isEqualTo("api.request/v1");
        // a duplicate in binary mode is a duplicate
        assertThat(postBinary(event(id, "demo-sdk"), Map.of("Authorization", "Bearer " + API_KEY), Map.of())).isEqualTo(202);
        assertThat(Topics.accepted(id)).hasSize(1);
    }

    @Test
    void aSignedBinaryRequestIsAcceptedAndItsAttributesCannotBeChangedAfterSigning() throws Exception {
        String id = uniqueId("binary-signed");
        CloudEvent event = event(id, "demo");
        long t = Instant.now().getEpochSecond();
        Map<String, String> attributes = new TreeMap<>(Map.of("specversion", "1.0", "id", id, "source", "demo",
                "type", "api.request", "subject", "acme", "time", "2026-11-24T09:00:00Z"));
        String signature = new Signer("demo-secret").signBinary(t, attributes, event.getData().toBytes());
        assertThat(postBinary(event, Map.of("Meterbridge-Signature", signature), Map.of())).isEqualTo(202);
        awaitAccepted(id);

        String replayed = uniqueId("binary-replayed");
        CloudEvent other = event(replayed, "demo");
        String otherSignature = new Signer("demo-secret").signBinary(t, new TreeMap<>(Map.of("specversion", "1.0",
                "id", replayed, "source", "demo", "type", "api.request", "subject", "acme", "time", "2026-11-24T09:00:00Z")),
                other.getData().toBytes());
        // the same signed body, sent for another tenant: the signature covers the subject
        assertThat(postBinary(other, Map.of("Meterbridge-Signature", otherSignature), Map.of("ce-subject", "globex")))
                .isEqualTo(401);
        assertThat(Topics.accepted(replayed)).isEmpty();
    }

    @Test
    void withoutCredentialsOrWithAnUnknownKeyNothingIsWritten() throws Exception {
        String id = uniqueId("binary-anonymous");
        assertThat(postBinary(event(id, "demo-sdk"), Map.of(), Map.of())).isEqualTo(401);
        assertThat(postBinary(event(id, "demo-sdk"), Map.of("Authorization", "Bearer not-a-registered-key-000000000000"),
                Map.of())).isEqualTo(401);
        // a key belongs to one source: it cannot sign for another
        assertThat(postBinary(event(id, "demo"), Map.of("Authorization", "Bearer " + API_KEY), Map.of())).isEqualTo(401);
        assertThat(Topics.deadLetters(id)).isEmpty();
        assertThat(Topics.accepted(id)).isEmpty();
    }

    @Test
    void structuredModeTakesAnApiKeyToo() {
        String id = uniqueId("structured-key");
        String body = "[{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"demo-sdk\",\"type\":\"api.request\","
                + "\"subject\":\"globex\",\"data\":{\"count\":1,\"endpoint\":\"GET /\",\"user_id\":\"u\"}}]";
        RestAssured.given().contentType("application/cloudevents-batch+json").header("Authorization", "Bearer " + API_KEY)
                .body(body).post("/api/v1/events").then().statusCode(202);
        awaitAccepted(id);
    }

    @Test
    void theKafkaBindingsBinaryModeOnTheRawTopicIsAccepted() throws Exception {
        String id = uniqueId("binary-kafka");
        CloudEvent event = event(id, "demo");
        ProducerRecord<Void, byte[]> record = KafkaMessageFactory.<Void>createWriter(Topics.RAW).writeBinary(event);
        Map<String, String> attributes = new TreeMap<>(Map.of("specversion", "1.0", "id", id, "source", "demo",
                "type", "api.request", "subject", "acme", "time", "2026-11-24T09:00:00Z"));
        record.headers().add("Meterbridge-Signature", new Signer("demo-secret")
                .signBinary(Instant.now().getEpochSecond(), attributes, record.value()).getBytes(StandardCharsets.UTF_8));
        java.util.Properties props = new java.util.Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Topics.bootstrapServers());
        try (KafkaProducer<Void, byte[]> producer = new KafkaProducer<>(props,
                (topic, value) -> null, new ByteArraySerializer())) {
            producer.send(record).get();
        }
        JsonNode accepted = awaitAccepted(id).get(0);
        assertThat(accepted.path("subject").asText()).isEqualTo("acme");
        assertThat(accepted.path("data").path("count").asInt()).isEqualTo(4);
    }
}
