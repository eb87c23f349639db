package io.meterbridge.ingest;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.support.Events;
import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.Events.BATCH;
import static io.meterbridge.support.Events.SECRET;
import static io.meterbridge.support.Events.apiRequest;
import static io.meterbridge.support.Events.batch;
import static io.meterbridge.support.Events.bytes;
import static io.meterbridge.support.Events.post;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.Topics.accepted;
import static io.meterbridge.support.Topics.awaitAccepted;
import static io.meterbridge.support.Topics.awaitDeadLetters;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Personal data never reaches a hub-written topic, a table or a log line in clear, wherever a producer puts it:
 * declared personal fields, fields of composed schemas, a field personal in another version, undeclared strings,
 * extension attributes, subjects of a source whose subjects are personal, and values a rejection would otherwise echo;
 * accepted or rejected, over HTTP or the raw topic. The raw topic is excluded: producers write it (and only the hub may
 * read it).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class PersonalDataTest {

    @Inject
    DataSource dataSource;

    @ConfigProperty(name = "hub.pii.token-key")
    String tokenKey;

    @Test
    void noPersonalValueAppearsInClearOnAnyTopicTableOrLogLine() throws Exception {
        LogCapture logs = LogCapture.start();
        // Debug lines too: a personal value must not reach the log at any level.
        java.util.logging.Logger hubLogger = java.util.logging.Logger.getLogger("io.meterbridge");
        java.util.logging.Level hubLevel = hubLogger.getLevel();
        hubLogger.setLevel(java.util.logging.Level.FINEST);
        org.jboss.logging.Logger.getLogger("io.meterbridge.ingest").info("personal-data scan starts");
        String marker = "pii" + System.nanoTime();
        String email = marker + "@people.example", ip = "198.51.100." + (System.nanoTime() % 200);
        String user = "user-" + marker, owner = "owner-" + marker + "@people.example", runner = "runner-" + marker;
        String note = "note-" + marker, extension = "ext-" + marker + "@people.example", person = "person-" + marker;
        String device = "device-" + marker, actorEmail = "actor-" + marker + "@people.example";
        String label = "label-" + marker, nickname = "nick-" + marker, employee = "emp-" + marker;
        String foreign = "foreign-" + marker + "@people.example", garbage = "garbage" + marker;

        // 1. declared personal fields; 2. an undeclared data string; 3. an extension attribute
        String acceptedId = uniqueId("pii-ok");
        ObjectNode api = apiRequest(acceptedId, 2, user);
        ((ObjectNode) api.get("data")).put("client_ip", ip).put("note", note);
        api.put("customeremail", extension);
        String storageId = uniqueId("pii-storage");
        ObjectNode storage = apiRequest(storageId, 1, user);
        storage.put("type", "storage.usage");
        storage.putObject("data").put("bytes", 10).put("bucket", "b").put("storage_class", "archive").put("owner_email", owner);
        // 4. a rejected event and 5. an event of an unknown type: every string of its data is a token
        String rejectedId = uniqueId("pii-rejected");
        ObjectNode rejected = apiRequest(rejectedId, 0, email);
        String unknownId = uniqueId("pii-unknown");
        ObjectNode unknown = apiRequest(unknownId, 1, email);
        unknown.put("type", "mystery.type");
        ((ObjectNode) unknown.get("data")).put("contact", runner);
        // 6. schema composition ($ref, allOf, oneOf, patternProperties, additionalProperties) and 7. a field personal
        // only in another version of the type (v2), in an event pinned to v1
        String seatId = uniqueId("pii-seat");
        ObjectNode seat = apiRequest(seatId, 1, user);
        seat.put("type", "seat.activity").put("dataschema", "seat.activity/v1");
        ObjectNode seatData = seat.putObject("data").put("action", "login").put("device", device);
        seatData.putObject("actor").put("seat_id", "seat-7").put("email", actorEmail).put("nickname", nickname);
        seatData.putObject("labels").put("pii_name", label).put("plan", "pro");
        String seatEmployeeId = uniqueId("pii-seat-employee");
        ObjectNode seatEmployee = apiRequest(seatEmployeeId, 1, user);
        seatEmployee.put("type", "seat.activity");
        seatEmployee.putObject("data").put("action", "logout").putObject("actor").put("employee_id", employee);
        post(batch(api, storage, rejected, unknown, seat, seatEmployee), BATCH).then().statusCode(202);

        // 8. a source whose subjects are personal: the subject (also the Kafka key) is tokenized
        String personalSubjectId = uniqueId("pii-subject");
        ObjectNode bySubject = apiRequest(personalSubjectId, 3, user);
        bySubject.put("source", "people-app").put("subject", person);
        signedBy("people-app", "people-app-secret", bytes(batch(bySubject))).then().statusCode(202);
        // 9. a rejection whose natural reason would name a personal value: a tenant the source does not own, and
        // malformed JSON around a personal value
        ObjectNode notOwned = apiRequest(uniqueId("pii-not-owned"), 1, user);
        notOwned.put("source", "acme-only").put("subject", foreign);
        signedBy("acme-only", "acme-only-secret", bytes(batch(notOwned))).then().statusCode(400)
                .body("rejected[0].reason", org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString(foreign)));
        byte[] malformed = ("[{\"id\": " + garbage + "}]").getBytes(StandardCharsets.UTF_8);
        post(malformed, BATCH, Events.signature(malformed)).then().statusCode(400)
                .body("error", org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString(garbage)));

        String rawId = uniqueId("pii-raw");
        byte[] rawBody = bytes(apiRequest(rawId, 1, email));
        Topics.produceRaw(null, rawBody, null); // unsigned: dead-lettered
        String rawOk = uniqueId("pii-raw-ok");
        byte[] rawOkBody = bytes(apiRequest(rawOk, 1, user));
        Topics.produceRaw(null, rawOkBody, SignatureVerifier.sign(SECRET, Instant.now().getEpochSecond(), rawOkBody));
        awaitAccepted(rawOk);
        awaitDeadLetters(rawId);
        awaitAccepted(personalSubjectId);

        // The tokens are there, keyed and deterministic (computed here independently of the hub's code).
        JsonNode acceptedApi = accepted(acceptedId).get(0);
        assertThat(acceptedApi.path("data").path("user_id").asText()).isEqualTo(token(user));
        assertThat(acceptedApi.path("data").path("client_ip").asText()).isEqualTo(token(ip));
        assertThat(acceptedApi.path("data").path("note").asText()).isEqualTo(token(note));
        assertThat(acceptedApi.path("customeremail").asText()).isEqualTo(token(extension));
        assertThat(acceptedApi.path("data").path("endpoint").asText()).isEqualTo("GET /v1/orders");
        assertThat(accepted(storageId).get(0).path("data").path("owner_email").asText()).isEqualTo(token(owner));
        JsonNode acceptedSeat = accepted(seatId).get(0);
        assertThat(acceptedSeat.path("meterbridgeschema").asText()).isEqualTo("seat.activity/v1");
        assertThat(acceptedSeat.path("data").path("device").asText()).isEqualTo(token(device));
        assertThat(acceptedSeat.path("data").path("actor").path("email").asText()).isEqualTo(token(actorEmail));
        assertThat(acceptedSeat.path("data").path("actor").path("nickname").asText()).isEqualTo(token(nickname));
        assertThat(acceptedSeat.path("data").path("actor").path("seat_id").asText()).isEqualTo("seat-7");
        assertThat(acceptedSeat.path("data").path("labels").path("pii_name").asText()).isEqualTo(token(label));
        assertThat(acceptedSeat.path("data").path("labels").path("plan").asText()).isEqualTo("pro");
        assertThat(accepted(seatEmployeeId).get(0).path("data").path("actor").path("employee_id").asText())
                .isEqualTo(token(employee));
        JsonNode acceptedBySubject = accepted(personalSubjectId).get(0);
        assertThat(acceptedBySubject.path("subject").asText()).isEqualTo(token(person));
        assertThat(Topics.readAll(Topics.ACCEPTED).stream().filter(r -> token(person).equals(r.key())).count())
                .as("the accepted record is keyed by the subject's token").isEqualTo(1);

        List<String> clear = List.of(email, ip, user, owner, runner, marker, note, extension, person, device, actorEmail,
                label, nickname, employee, foreign, garbage);
        // Metering has read the accepted events (the subject's usage is counted under its token) before the scan.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> tableRowsMention(acceptedId));
        for (String topic : hubTopics()) {
            for (var record : Topics.readAll(topic)) {
                String text = new String(record.value(), StandardCharsets.UTF_8) + " " + record.key() + " "
                        + headers(record);
                for (String value : clear) {
                    assertThat(text).as("topic " + topic).doesNotContain(value);
                }
            }
        }
        for (String row : allTableRows()) {
            for (String value : clear) {
                assertThat(row).as("table row").doesNotContain(value);
            }
        }
        List<String> lines = logs.stop();
        hubLogger.setLevel(hubLevel);
        assertThat(lines).as("the capture sees the application's log").anyMatch(l -> l.contains("personal-data scan starts"));
        for (String line : lines) {
            for (String value : clear) {
                assertThat(line).as("log line").doesNotContain(value);
            }
        }
    }

    private boolean tableRowsMention(String eventId) throws Exception {
        return allTableRows().stream().anyMatch(row -> row.contains(eventId) && row.contains("api_requests"));
    }

    private static String headers(org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> record) {
        StringBuilder text = new StringBuilder();
        record.headers().forEach(h -> text.append(h.key()).append('=').append(new String(h.value(), StandardCharsets.UTF_8)).append(' '));
        return text.toString();
    }

    private static io.restassured.response.Response signedBy(String source, String secret, byte[] body) {
        return io.restassured.RestAssured.given().contentType(BATCH).header("Meterbridge-Source", source)
                .header("Meterbridge-Signature", io.meterbridge.support.ProducerSignature.sign(secret,
                        Instant.now().getEpochSecond(), body))
                .body(body).post("/api/v1/events");
    }

    private String token(String value) {
        try {
            return tokenUnchecked(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String tokenUnchecked(String value) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(tokenKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "tok_k1_" + Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> hubTopics() throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Topics.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            return admin.listTopics().names().get().stream().filter(t -> !t.equals(Topics.RAW)).toList();
        }
    }

    private List<String> allTableRows() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet names = statement.executeQuery(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")) {
                while (names.next()) {
                    tables.add(names.getString(1));
                }
            }
            assertThat(tables).contains("ingested_event", "ingest_source");
            for (String table : tables) {
                try (ResultSet all = statement.executeQuery("SELECT t::text FROM \"" + table + "\" t")) {
                    while (all.next()) {
                        rows.add(all.getString(1));
                    }
                }
            }
        }
        return rows;
    }

}
