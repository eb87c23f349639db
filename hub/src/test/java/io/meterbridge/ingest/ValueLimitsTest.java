package io.meterbridge.ingest;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.meterbridge.support.Events.BATCH;
import static io.meterbridge.support.Events.apiRequest;
import static io.meterbridge.support.Events.batch;
import static io.meterbridge.support.Events.bytes;
import static io.meterbridge.support.Events.post;
import static io.meterbridge.support.Events.signature;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.admin;
import static io.meterbridge.support.MasterDataFixture.contract;
import static io.meterbridge.support.MasterDataFixture.customer;
import static io.meterbridge.support.MasterDataFixture.usage;
import static io.meterbridge.support.Topics.accepted;
import static io.meterbridge.support.Topics.awaitAccepted;
import static io.meterbridge.support.Topics.awaitDeadLetters;
import static io.meterbridge.support.Topics.deadLetters;
import static io.meterbridge.support.Topics.produceRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * The value limits of docs/api/ingest.md#limits: each value PostgreSQL (or an index, or exact arithmetic) would refuse
 * later is a 400 now, naming the field and the limit but never the value, dead-lettered with its code, counted; over
 * the raw topic a dead letter with the reason. Values at the limits are accepted and metered.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class ValueLimitsTest {

    private static final String TOO_LONG = "x".repeat(257);
    private static final com.fasterxml.jackson.databind.ObjectMapper EXACT = new com.fasterxml.jackson.databind.ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    @Inject
    DataSource dataSource;

    static Stream<Arguments> badValues() {
        return Stream.of(
                bad("NUL in id", e -> e.put("id", e.path("id").asText() + "\u0000"), "id: contains a NUL character", "bad_character"),
                bad("NUL in a data string", e -> data(e).put("endpoint", "GET /\u0000orders"),
                        "data.endpoint: contains a NUL character", "bad_character"),
                bad("NUL in a field name", e -> data(e).putObject("labels").put("te\u0000am", "a"),
                        "data.labels: a field name contains a NUL character", "bad_character"),
                bad("NUL in an extension attribute", e -> e.put("region", "eu\u0000"),
                        "region: contains a NUL character", "bad_character"),
                bad("unpaired surrogate in a personal field", e -> data(e).put("user_id", "surrogate\uD800user"),
                        "data.user_id: contains an unpaired surrogate", "bad_character"),
                bad("unpaired surrogate in an array", e -> data(e).putArray("tags").add("ok").add("\uDC00"),
                        "data.tags[1]: contains an unpaired surrogate", "bad_character"),
                bad("unpaired surrogate in subject", e -> e.put("subject", "ac\uD83Dme"),
                        "subject: contains an unpaired surrogate", "bad_character"),
                bad("control character in subject", e -> e.put("subject", "ac\nme"),
                        "subject: contains a control character", "bad_character"),
                bad("id too long", e -> e.put("id", e.path("id").asText() + TOO_LONG), "id: longer than 256 characters", "too_long"),
                bad("source too long", e -> e.put("source", TOO_LONG), "source: longer than 256 characters", "too_long"),
                bad("type too long", e -> e.put("type", TOO_LONG), "type: longer than 256 characters", "too_long"),
                bad("subject too long", e -> e.put("subject", TOO_LONG), "subject: longer than 256 characters", "too_long"),
                bad("time too old", e -> e.put("time", Instant.now().minus(Duration.ofDays(401)).toString()),
                        "time: more than 400 days before the hub received the event", "time_range"),
                bad("time too far ahead", e -> e.put("time", Instant.now().plus(Duration.ofMinutes(10)).toString()),
                        "time: more than 5 minutes after the hub received the event", "time_range"),
                bad("time beyond PostgreSQL's range", e -> e.put("time", "+300000-01-01T00:00:00Z"),
                        "time: more than 5 minutes after", "time_range"),
                bad("number over a double's range", e -> data(e).set("count", new DecimalNode(new BigDecimal("1E+400"))),
                        "data.count: more than 18 digits before the decimal point", "number_range"),
                bad("integer of 19 digits", e -> data(e).set("count", new BigIntegerNode(new BigInteger("1234567890123456789"))),
                        "data.count: more than 18 digits before the decimal point", "number_range"),
                bad("fraction of 20 digits", e -> data(e).set("ratio", new DecimalNode(new BigDecimal("1E-20"))),
                        "data.ratio: more than 15 digits after the decimal point", "number_range"),
                bad("17 significant digits", e -> data(e).set("ratio", new DecimalNode(new BigDecimal("12345.123456789012"))),
                        "data.ratio: more than 15 significant digits", "number_range"));
    }

    private static Arguments bad(String name, Consumer<ObjectNode> breakIt, String reason, String code) {
        return Arguments.of(name, breakIt, reason, code);
    }

    private static ObjectNode data(ObjectNode event) {
        return (ObjectNode) event.get("data");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void aValueOverALimitIs400NamingTheFieldAndTheLimit(String name, Consumer<ObjectNode> breakIt, String reason,
            String code) {
        String marker = uniqueId("limit");
        ObjectNode event = apiRequest(marker, 1, "limits-user");
        breakIt.accept(event);
        double rejectedBefore = counter("meterbridge_ingest_events_total", "channel=\"http\"", "outcome=\"rejected\"");
        double codeBefore = counter("meterbridge_ingest_dead_letters_total", "channel=\"http\"", "reason=\"" + code + "\"");

        String answer = post(batch(event), BATCH).then().statusCode(400).body("accepted", equalTo(0))
                .body("rejected[0].reason", containsString(reason))
                .extract().path("rejected[0].reason");

        // The reason names the field and the limit, never the value: not the long one, not the personal one.
        assertThat(answer).doesNotContain(TOO_LONG).doesNotContain("surrogate\uD800user").doesNotContain("limits-user");
        assertThat(accepted(marker)).isEmpty();
        JsonNode deadLetter = deadLetters(marker).get(0);
        assertThat(deadLetter.path("code").asText()).isEqualTo(code);
        assertThat(deadLetter.path("reason").asText()).isEqualTo(answer);
        assertThat(deadLetter.path("channel").asText()).isEqualTo("http");
        // The dead letter keeps the event, tokenized: the personal field is a token, not the original.
        assertThat(deadLetter.path("event").path("data").path("user_id").asText()).startsWith(Tokenizer.PREFIX);
        assertThat(counter("meterbridge_ingest_events_total", "channel=\"http\"", "outcome=\"rejected\""))
                .isEqualTo(rejectedBefore + 1);
        assertThat(counter("meterbridge_ingest_dead_letters_total", "channel=\"http\"", "reason=\"" + code + "\""))
                .isEqualTo(codeBefore + 1);
    }

    @Test
    void aBadValueRejectsOnlyItsOwnEventOfABatch() {
        String good = uniqueId("limit-good"), bad = uniqueId("limit-bad");
        ObjectNode broken = apiRequest(bad, 1, "u");
        data(broken).put("endpoint", "GET /\u0000");

        post(batch(apiRequest(good, 2, "u"), broken), BATCH).then().statusCode(202)
                .body("accepted", equalTo(1))
                .body("rejected[0].id", equalTo(bad))
                .body("rejected[0].reason", containsString("data.endpoint: contains a NUL character"));

        assertThat(awaitAccepted(good)).hasSize(1);
        assertThat(deadLetters(bad)).hasSize(1);
    }

    @Test
    void binaryModeAttributesAreCheckedToo() {
        String id = uniqueId("limit-binary");
        // ce- header values are percent-decoded: %00 is a NUL in the subject.
        RestAssured.given().header("Authorization", "Bearer demo-api-key-0123456789abcdef0123456789abcdef")
                .header("ce-specversion", "1.0").header("ce-id", id).header("ce-source", "demo-sdk")
                .header("ce-type", "api.request").header("ce-subject", "ac%00me")
                .contentType("application/json").body("{\"count\":1,\"endpoint\":\"GET /\",\"user_id\":\"u\"}")
                .post("/api/v1/events").then().statusCode(400)
                .body("rejected[0].reason", equalTo("subject: contains a NUL character (U+0000), which is not allowed"));
        assertThat(deadLetters(id).get(0).path("code").asText()).isEqualTo("bad_character");
    }

    @Test
    void onTheRawTopicABadValueIsDeadLetteredWithItsReason() throws Exception {
        String id = uniqueId("limit-raw");
        ObjectNode event = apiRequest(id, 1, "u");
        data(event).put("endpoint", "GET /\u0000orders");
        double before = counter("meterbridge_ingest_dead_letters_total", "channel=\"kafka\"", "reason=\"bad_character\"");
        byte[] body = bytes(event);

        produceRaw("acme", body, signature(body));

        JsonNode deadLetter = awaitDeadLetters(id).get(0);
        assertThat(deadLetter.path("code").asText()).isEqualTo("bad_character");
        assertThat(deadLetter.path("reason").asText()).isEqualTo("data.endpoint: contains a NUL character (U+0000), which is not allowed");
        assertThat(deadLetter.path("channel").asText()).isEqualTo("kafka");
        // Its content is kept (tokenized), so it can be read and fixed.
        assertThat(deadLetter.path("event").path("id").asText()).isEqualTo(id);
        assertThat(accepted(id)).isEmpty();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(counter(
                "meterbridge_ingest_dead_letters_total", "channel=\"kafka\"", "reason=\"bad_character\"")).isEqualTo(before + 1));
    }

    @Test
    void valuesAtTheLimitsAreAcceptedAndMetered() throws Exception {
        // A subject and an id of 256 characters of 4 UTF-8 bytes each: the largest index entries the limits allow.
        String tenant = (uniqueId("lim") + "-").substring(0, 40) + "\uD83D\uDE00".repeat(216);
        String account = "cus_" + uniqueId("limits");
        String distinct = "limits_long_endpoints";
        admin().body(Map.of("aggregation", "UNIQUE_COUNT", "unit", "endpoint", "sources",
                List.of(Map.of("eventType", "api.request", "field", "endpoint"))))
                .put("/api/v1/admin/metrics/" + distinct).then().statusCode(200);
        Instant now = Instant.now();
        customer(tenant, account, now.minus(Duration.ofDays(500)).truncatedTo(ChronoUnit.DAYS).toString());
        contract("contract-" + account, account, "UTC", 1, now.minus(Duration.ofDays(500)).truncatedTo(ChronoUnit.DAYS).toString(),
                "api_requests", "storage_gb_peak", distinct);

        long largest = 999_999_999_999_999_999L; // 18 digits
        String oldest = now.minus(Duration.ofDays(400)).plus(Duration.ofHours(1)).toString();
        String ahead = now.plus(Duration.ofMinutes(4)).toString();
        String hour = now.minus(Duration.ofDays(10)).truncatedTo(ChronoUnit.HOURS).toString();
        String longEndpoint = "GET /" + "a".repeat(300), otherLongEndpoint = "GET /" + "b".repeat(300);
        List<ObjectNode> events = new ArrayList<>();
        events.add(event(uniqueId("limit-old").substring(0, 40) + "\uD83D\uDE00".repeat(216), tenant, oldest, largest, "GET /v1/orders"));
        events.add(event(uniqueId("limit-ahead"), tenant, ahead, largest, "GET /v1/orders"));
        events.add(event(uniqueId("limit-distinct"), tenant, hour, 1, longEndpoint));
        events.add(event(uniqueId("limit-distinct"), tenant, hour, 1, longEndpoint));
        events.add(event(uniqueId("limit-distinct"), tenant, hour, 1, otherLongEndpoint));
        ObjectNode storage = event(uniqueId("limit-storage"), tenant, hour, 1, "GET /");
        storage.put("type", "storage.usage");
        storage.putObject("data").put("bytes", largest).put("bucket", "b").put("storage_class", "standard")
                .put("region", "eu-\uD83D\uDE00"); // a pair is one character, not an unpaired surrogate
        events.add(storage);

        post(batch(events.toArray(ObjectNode[]::new)), BATCH).then().statusCode(202).body("accepted", equalTo(6))
                .body("rejected", org.hamcrest.Matchers.empty());

        String from = now.minus(Duration.ofDays(450)).toString(), to = now.plus(Duration.ofDays(1)).toString();
        // Two events of 18 digits (and three of 1): the sum has 19, and is exact.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(quantities(tenant, "api_requests", from, to)
                .stream().reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualByComparingTo("2000000000000000001"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(quantities(tenant, "storage_gb_peak", from, to))
                .singleElement().satisfies(q -> assertThat(q).isEqualByComparingTo("999999999.999999999")));
        // Distinct values longer than 256 characters count by their digest: two distinct, the repeat once.
        String hourEnd = Instant.parse(hour).plus(Duration.ofHours(1)).toString();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(usage("subject", tenant, distinct, hour,
                hourEnd, "HOUR").then().statusCode(200).extract().jsonPath().getInt("windows[0].quantity")).isEqualTo(2));
        try (var connection = dataSource.getConnection(); var select = connection.prepareStatement(
                "SELECT value FROM usage_unique_value WHERE subject = ? AND metric = ? ORDER BY value")) {
            select.setString(1, tenant);
            select.setString(2, distinct);
            List<String> values = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
            assertThat(values).hasSize(4).contains("GET /v1/orders")
                    .filteredOn(v -> v.startsWith("sha256:")).hasSize(2).allMatch(v -> v.length() == 71);
        }
        // The event 400 days back was counted, late (its period closed long ago), not refused.
        try (var connection = dataSource.getConnection(); var select = connection.prepareStatement(
                "SELECT late, quantity FROM metered_event WHERE subject = ? AND metric = 'api_requests' AND event_time < ?::timestamptz")) {
            select.setString(1, tenant);
            select.setString(2, now.minus(Duration.ofDays(300)).toString());
            try (ResultSet rows = select.executeQuery()) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getBoolean(1)).isTrue();
                assertThat(rows.getBigDecimal(2)).isEqualByComparingTo(BigDecimal.valueOf(largest));
            }
        }
    }

    private static ObjectNode event(String id, String tenant, String time, long count, String endpoint) {
        ObjectNode event = apiRequest(id, 1, "limits-user");
        event.put("subject", tenant);
        event.put("time", time);
        data(event).put("count", count).put("endpoint", endpoint);
        return event;
    }

    /** The monthly quantities, read as decimals: a JSON path reader would round them through a double. */
    private static List<BigDecimal> quantities(String tenant, String metric, String from, String to) throws Exception {
        JsonNode windows = EXACT.readTree(usage("subject", tenant, metric, from, to, "MONTH").then().statusCode(200)
                .extract().asByteArray()).path("windows");
        List<BigDecimal> quantities = new ArrayList<>();
        windows.forEach(w -> quantities.add(w.path("quantity").decimalValue()));
        return quantities;
    }

    /** A counter ops alert on, read from the Prometheus endpoint (summed over the lines with every tag given). */
    static double counter(String name, String... tags) {
        return RestAssured.get("/q/metrics").asString().lines()
                .filter(l -> l.startsWith(name + "{") && Stream.of(tags).allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
