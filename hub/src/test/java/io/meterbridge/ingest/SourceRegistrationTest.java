package io.meterbridge.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.MasterDataFixture;
import io.meterbridge.support.ProducerSignature;
import io.meterbridge.support.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.Events.apiRequest;
import static io.meterbridge.support.Events.batch;
import static io.meterbridge.support.Events.bytes;
import static io.meterbridge.support.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * A source emits only for the tenants and event types it is registered for; a source removed from the files stops
 * authenticating at the next reload; credentials rest encrypted or hashed; a source's personal subjects are tokenized
 * and still metered.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class SourceRegistrationTest {

    @Inject
    DataSource dataSource;

    @Inject
    SourceSecrets secrets;

    @Inject
    SourceRegistry registry;

    private static Response send(String source, String secret, ObjectNode... events) {
        byte[] body = bytes(batch(events));
        return RestAssured.given().contentType("application/cloudevents-batch+json").header("Meterbridge-Source", source)
                .header("Meterbridge-Signature", ProducerSignature.sign(secret, Instant.now().getEpochSecond(), body))
                .body(body).post("/api/v1/events");
    }

    private static ObjectNode event(String id, String source, String subject) {
        ObjectNode event = apiRequest(id, 1, "u-1");
        event.put("source", source).put("subject", subject);
        return event;
    }

    @Test
    void aSourceEmittingForATenantItDoesNotOwnIsRefusedAndDeadLettered() {
        String own = uniqueId("own"), foreign = uniqueId("foreign");
        send("acme-only", "acme-only-secret", event(own, "acme-only", "acme"), event(foreign, "acme-only", "globex"))
                .then().statusCode(202).body("accepted", equalTo(1))
                .body("rejected[0].reason", equalTo("subject: source 'acme-only' is not registered for this tenant"));
        Topics.awaitAccepted(own);
        JsonNode deadLetter = Topics.awaitDeadLetters(foreign).get(0);
        assertThat(deadLetter.path("code").asText()).isEqualTo("not_registered");
        assertThat(Topics.accepted(foreign)).isEmpty();
    }

    @Test
    void aSourceEmittingAnEventTypeItIsNotRegisteredForIsRefused() {
        String id = uniqueId("wrong-type");
        ObjectNode storage = event(id, "acme-only", "acme");
        storage.put("type", "storage.usage");
        storage.putObject("data").put("bytes", 1).put("bucket", "b").put("storage_class", "archive");
        send("acme-only", "acme-only-secret", storage).then().statusCode(400)
                .body("rejected[0].reason", equalTo("type: source 'acme-only' is not registered for event type 'storage.usage'"));
        assertThat(Topics.awaitDeadLetters(id).get(0).path("code").asText()).isEqualTo("not_registered");
    }

    @Test
    void aSourceNoFileNamesAnyMoreStopsAuthenticatingAtTheNextReload() throws Exception {
        // A source registered earlier, by a file that has since dropped it.
        try (Connection connection = dataSource.getConnection(); PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO ingest_source (id, description, secrets, tenants, event_types, active)
                VALUES ('retired-app', 'dropped from the files', ARRAY[?], ARRAY['*'], ARRAY['*'], true)
                ON CONFLICT (id) DO UPDATE SET secrets = EXCLUDED.secrets, active = true""")) {
            insert.setString(1, secrets.encrypt("retired-secret"));
            insert.executeUpdate();
        }
        registry.reload();
        send("retired-app", "retired-secret", event(uniqueId("before"), "retired-app", "acme")).then().statusCode(202);

        MasterDataFixture.admin().post("/api/v1/admin/sources/reload").then().statusCode(200)
                .body("deactivated", org.hamcrest.Matchers.hasItem("retired-app"));
        String after = uniqueId("after");
        send("retired-app", "retired-secret", event(after, "retired-app", "acme")).then().statusCode(401);
        assertThat(Topics.deadLetters(after)).isEmpty();
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
                "SELECT active, cardinality(secrets), deactivated_at IS NOT NULL FROM ingest_source WHERE id = 'retired-app'");
                ResultSet row = select.executeQuery()) {
            assertThat(row.next()).isTrue();
            assertThat(row.getBoolean(1)).isFalse();
            assertThat(row.getInt(2)).as("its secret is erased").isZero();
            assertThat(row.getBoolean(3)).isTrue();
        }
        // the sources of the files are still there
        MasterDataFixture.admin().get("/api/v1/admin/sources").then().statusCode(200)
                .body("id", org.hamcrest.Matchers.hasItems("demo", "demo-sdk", "acme-only", "people-app"));
    }

    @Test
    void credentialsRestEncryptedOrHashedNeverInClear() throws Exception {
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
                "SELECT id, secrets::text, api_key_hashes::text FROM ingest_source WHERE active");
                ResultSet rows = select.executeQuery()) {
            int seen = 0;
            while (rows.next()) {
                seen++;
                assertThat(rows.getString(2)).doesNotContain("demo-secret", "acme-only-secret", "people-app-secret");
                assertThat(rows.getString(3)).doesNotContain("demo-api-key");
                if (rows.getString(1).equals("demo")) {
                    assertThat(rows.getString(2)).contains("enc:v1:");
                }
                if (rows.getString(1).equals("demo-sdk")) {
                    assertThat(rows.getString(3)).contains(SourceSecrets.apiKeyHash("demo-api-key-0123456789abcdef0123456789abcdef"));
                }
            }
            assertThat(seen).isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void personalSubjectsAreTokenizedAndStillMeteredUnderTheirToken() {
        String person = "pat-" + System.nanoTime() + "@people.example";
        String token = MasterDataFixture.admin().body("{\"value\":\"" + person + "\"}")
                .post("/api/v1/admin/personal-data/tokens").then().statusCode(200).extract().path("tokens.k1");
        assertThat(token).startsWith("tok_k1_");
        // The admin registers the person's tenant by its token: master data never holds the address.
        String account = "cus_" + Math.abs(person.hashCode());
        MasterDataFixture.customer(token, account, "2026-01-01T00:00:00Z");
        MasterDataFixture.contract("pat-" + account, account, "UTC", 1, "2026-01-01T00:00:00Z", "api_requests");
        String id = uniqueId("personal-subject");
        ObjectNode event = apiRequest(id, 7, "u-1");
        event.put("source", "people-app").put("subject", person);
        send("people-app", "people-app-secret", event).then().statusCode(202);
        assertThat(Topics.awaitAccepted(id).get(0).path("subject").asText()).isEqualTo(token);
        await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> MasterDataFixture
                .usage("subject", token, "api_requests", "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", "MONTH")
                .then().statusCode(200).body("windows[0].quantity", equalTo(7)));
    }
}
