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

import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * Personal fields (user ids, IP addresses, e-mails) never reach a hub-written topic or a table in clear, whether the
 * event is accepted or rejected, over HTTP or the raw topic. The raw topic is excluded: producers write it.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class PersonalDataTest {

    @Inject
    DataSource dataSource;

    @ConfigProperty(name = "hub.pii.token-key")
    String tokenKey;

    @Test
    void noPersonalValueAppearsInClearOnAnyTopicOrTable() throws Exception {
        String marker = "pii" + System.nanoTime();
        String email = marker + "@people.example", ip = "198.51.100." + (System.nanoTime() % 200);
        String user = "user-" + marker, owner = "owner-" + marker + "@people.example", runner = "runner-" + marker;

        String acceptedId = uniqueId("pii-ok");
        ObjectNode api = apiRequest(acceptedId, 2, user);
        ((ObjectNode) api.get("data")).put("client_ip", ip);
        String storageId = uniqueId("pii-storage");
        ObjectNode storage = apiRequest(storageId, 1, user);
        storage.put("type", "storage.usage");
        storage.putObject("data").put("bytes", 10).put("bucket", "b").put("storage_class", "archive").put("owner_email", owner);
        String rejectedId = uniqueId("pii-rejected");
        ObjectNode rejected = apiRequest(rejectedId, 0, email); // count 0: rejected, personal user_id inside
        String unknownId = uniqueId("pii-unknown");
        ObjectNode unknown = apiRequest(unknownId, 1, email);
        unknown.put("type", "mystery.type"); // no schema says which fields are personal: every string is tokenized
        ((ObjectNode) unknown.get("data")).put("contact", runner);

        post(batch(api, storage, rejected, unknown), BATCH).then().statusCode(202);

        String rawId = uniqueId("pii-raw");
        byte[] rawBody = bytes(apiRequest(rawId, 1, email));
        Topics.produceRaw(null, rawBody, null); // unsigned: dead-lettered
        String rawOk = uniqueId("pii-raw-ok");
        byte[] rawOkBody = bytes(apiRequest(rawOk, 1, user));
        Topics.produceRaw(null, rawOkBody, SignatureVerifier.sign(SECRET, Instant.now().getEpochSecond(), rawOkBody));
        awaitAccepted(rawOk);
        awaitDeadLetters(rawId);

        // The tokens are there, keyed and deterministic (computed here independently of the hub's code).
        assertThat(accepted(acceptedId).get(0).path("data").path("user_id").asText()).isEqualTo(token(user));
        assertThat(accepted(acceptedId).get(0).path("data").path("client_ip").asText()).isEqualTo(token(ip));
        assertThat(accepted(storageId).get(0).path("data").path("owner_email").asText()).isEqualTo(token(owner));
        assertThat(accepted(acceptedId).get(0).path("data").path("endpoint").asText()).isEqualTo("GET /v1/orders");

        List<String> clear = List.of(email, ip, user, owner, runner, marker);
        for (String topic : hubTopics()) {
            for (var record : Topics.readAll(topic)) {
                String text = new String(record.value(), StandardCharsets.UTF_8) + " " + record.key();
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
    }

    private String token(String value) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(tokenKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "tok_" + Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
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
