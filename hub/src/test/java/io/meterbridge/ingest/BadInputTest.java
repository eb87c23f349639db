package io.meterbridge.ingest;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.Events;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.meterbridge.support.Events.BATCH;
import static io.meterbridge.support.Events.SINGLE;
import static io.meterbridge.support.Events.apiRequest;
import static io.meterbridge.support.Events.batch;
import static io.meterbridge.support.Events.bytes;
import static io.meterbridge.support.Events.post;
import static io.meterbridge.support.Events.signature;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.Topics.accepted;
import static io.meterbridge.support.Topics.deadLetters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Every kind of bad input: its status, a reason naming the field, a dead letter, and a counted rejection. */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class BadInputTest {

    static Stream<Arguments> badEvents() {
        return Stream.of(
                bad("id missing", e -> e.remove("id"), "id: required attribute is missing", "missing_attribute"),
                bad("source missing", e -> e.remove("source"), "source: required attribute is missing", "missing_attribute"),
                bad("type not a string", e -> e.put("type", 7), "type: must be a non-empty string", "missing_attribute"),
                bad("subject missing", e -> e.remove("subject"), "subject: required attribute is missing", "missing_attribute"),
                bad("specversion 0.3", e -> e.put("specversion", "0.3"), "specversion: must be \"1.0\"", "specversion"),
                bad("time not RFC 3339", e -> e.put("time", "24/11/2026 09:00"), "time: '24/11/2026 09:00' is not an RFC 3339", "time"),
                bad("time without offset", e -> e.put("time", "2026-11-24T09:00:00"), "time: ", "time"),
                bad("data missing", e -> e.remove("data"), "data: required, must be a JSON object", "data"),
                bad("data an array", e -> e.putArray("data").add(1), "data: must be a JSON object, got array", "data"),
                bad("count below 1", e -> ((ObjectNode) e.get("data")).put("count", 0), "data.count: ", "schema"),
                bad("count a string", e -> ((ObjectNode) e.get("data")).put("count", "many"), "data.count: ", "schema"),
                bad("user_id missing", e -> ((ObjectNode) e.get("data")).remove("user_id"), "data.user_id: required field is missing", "schema"),
                bad("unknown type", e -> e.put("type", "coffee.brewed"), "type: no schema is registered for event type 'coffee.brewed'", "schema_unknown"),
                bad("unknown dataschema", e -> e.put("dataschema", "https://schemas.meterbridge.io/api.request/v9.json"),
                        "dataschema: 'https://schemas.meterbridge.io/api.request/v9.json' is not a registered schema", "schema_unknown"),
                bad("retracts itself", e -> e.put("retracts", e.get("id").asText()),
                        "retracts: an event cannot name itself as its original", "bad_adjustment"),
                bad("corrects not a string", e -> e.put("corrects", 7),
                        "corrects: must be the non-empty id of the original event", "bad_adjustment"),
                bad("retracts and corrects", e -> e.put("retracts", "evt-1").put("corrects", "evt-2"),
                        "retracts and corrects: an event does one or the other", "bad_adjustment"));
    }

    private static Arguments bad(String name, Consumer<ObjectNode> breakIt, String reason, String code) {
        return Arguments.of(name, breakIt, reason, code);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badEvents")
    void aBadEventIsRejectedWithItsFieldNamedAndDeadLettered(String name, Consumer<ObjectNode> breakIt, String reason,
            String code) {
        String id = uniqueId("bad");
        ObjectNode event = apiRequest(id, 1, "u-bad");
        breakIt.accept(event);
        double before = rejectedCount();

        var response = post(batch(event), BATCH).then().statusCode(400).body("accepted", equalTo(0))
                .body("rejected[0].reason", containsString(reason));
        if (event.has("id")) {
            response.body("rejected[0].id", equalTo(id));
        }

        assertThat(accepted(id)).isEmpty();
        if (event.has("id")) {
            JsonNode deadLetter = deadLetters(id).get(0);
            assertThat(deadLetter.path("reason").asText()).contains(reason);
            assertThat(deadLetter.path("code").asText()).isEqualTo(code);
            assertThat(deadLetter.path("channel").asText()).isEqualTo("http");
            assertThat(deadLetter.path("event").path("type").isMissingNode()).isFalse();
        } else {
            assertThat(deadLettersWithReason(reason)).isNotEmpty();
        }
        assertThat(rejectedCount()).isEqualTo(before + 1);
    }

    @Test
    void aWrongContentTypeIs415AndDeadLettered() throws Exception {
        byte[] body = bytes(batch(apiRequest(uniqueId("ct"), 1, "u")));
        post(body, "text/plain", signature(body)).then().statusCode(415)
                .body("error", containsString("Content-Type: 'text/plain"));
        assertDeadLettered(body, "content_type");
    }

    @Test
    void malformedJsonIs400NamingWhereAndDeadLettered() throws Exception {
        byte[] body = "[{\"id\": \"x\",, }]".getBytes();
        post(body, BATCH, signature(body)).then().statusCode(400)
                .body("error", containsString("body: malformed JSON at line 1, column"));
        assertDeadLettered(body, "malformed");
    }

    @Test
    void theShapeMustMatchTheContentType() throws Exception {
        byte[] array = bytes(batch(apiRequest(uniqueId("shape"), 1, "u")));
        post(array, SINGLE, signature(array)).then().statusCode(400).body("error", containsString("takes one event object"));
        byte[] object = bytes(apiRequest(uniqueId("shape"), 1, "u"));
        post(object, BATCH, signature(object)).then().statusCode(400).body("error", containsString("takes a JSON array"));
        byte[] empty = "[]".getBytes();
        post(empty, BATCH, signature(empty)).then().statusCode(400).body("error", containsString("the batch is empty"));
        assertDeadLettered(empty, "malformed");
    }

    @Test
    void tooManyEventsIs413AndDeadLettered() throws Exception {
        ArrayNode events = Events.MAPPER.createArrayNode();
        for (int i = 0; i < 501; i++) {
            events.add(apiRequest(uniqueId("many"), 1, "u"));
        }
        byte[] body = bytes(events);
        post(body, BATCH, signature(body)).then().statusCode(413)
                .body("error", containsString("501 events is over the limit of 500 per batch"));
        assertDeadLettered(body, "too_many_events");
        assertThat(accepted(events.get(0).path("id").asText())).isEmpty();
    }

    @Test
    void aBodyOverTheSizeLimitIs413BeforeAnySignatureIsChecked() throws Exception {
        ObjectNode event = apiRequest(uniqueId("big"), 1, "u");
        ((ObjectNode) event.get("data")).put("padding", "x".repeat(210_000));
        byte[] body = bytes(batch(event));
        post(body, BATCH, signature(body)).then().statusCode(413)
                .body("error", containsString("bytes is over the limit of 200000 bytes"));
        // No HMAC was computed over it: an unsigned or forged one gets the same 413, not a 401.
        post(body, BATCH, null).then().statusCode(413);
        post(body, BATCH, "t=1,v1=00").then().statusCode(413);
        // The sender was not authenticated, so nothing is written for it.
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        assertThat(deadLetters(digest)).isEmpty();
    }

    @Test
    void onlyPostIsServed() {
        RestAssured.given().get("/api/v1/events").then().statusCode(405);
    }

    private static void assertDeadLettered(byte[] body, String code) throws Exception {
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        JsonNode deadLetter = deadLetters(digest).get(0);
        assertThat(deadLetter.path("code").asText()).isEqualTo(code);
        assertThat(deadLetter.path("source").asText()).isEqualTo("demo");
        assertThat(deadLetter.path("bodyBytes").asInt()).isEqualTo(body.length);
    }

    private static java.util.List<JsonNode> deadLettersWithReason(String reason) {
        return io.meterbridge.support.Topics.values(io.meterbridge.support.Topics.DEAD_LETTER,
                v -> v.path("reason").asText().contains(reason));
    }

    /** The counter ops alert on, read from the Prometheus endpoint. */
    static double rejectedCount() {
        String metrics = RestAssured.get("/q/metrics").asString();
        return metrics.lines()
                .filter(l -> l.startsWith("meterbridge_ingest_events_total{") && l.contains("channel=\"http\"")
                        && l.contains("outcome=\"rejected\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
