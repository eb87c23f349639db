package io.meterbridge.ingest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.Events.BATCH;
import static io.meterbridge.support.Events.SINGLE;
import static io.meterbridge.support.Events.apiRequest;
import static io.meterbridge.support.Events.batch;
import static io.meterbridge.support.Events.post;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.Topics.accepted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class HttpIngestTest {

    @TestHTTPResource("/api/v1/events")
    String ingestUrl;

    @Test
    void signedBatchIsAcceptedOntoTheAcceptedTopicAndResentItIsReportedAsDuplicates() {
        String a = uniqueId("accept"), b = uniqueId("accept"), c = uniqueId("accept");
        var events = batch(apiRequest(a, 3, "u-1"), apiRequest(b, 5, "u-2"), apiRequest(c, 7, "u-3"));

        post(events, BATCH).then().statusCode(202)
                .body("accepted", equalTo(3)).body("duplicates", equalTo(0)).body("rejected", empty());

        for (String id : List.of(a, b, c)) {
            List<JsonNode> records = accepted(id);
            assertThat(records).hasSize(1);
            JsonNode event = records.get(0);
            assertThat(event.path("meterbridgeschema").asText()).isEqualTo("api.request/v1");
            assertThat(event.path("time").asText()).isEqualTo("2026-11-24T09:00:00Z");
            assertThat(event.path("meterbridgereceived").asText()).isNotEmpty();
        }

        post(events, BATCH).then().statusCode(202)
                .body("accepted", equalTo(0)).body("duplicates", equalTo(3)).body("rejected", empty());
        for (String id : List.of(a, b, c)) {
            assertThat(accepted(id)).as("a resent event is not produced again").hasSize(1);
        }
    }

    @Test
    void everyContentTypeOfTheOpenMeterIngestApiIsTaken() {
        String single = uniqueId("ct-single"), jsonOne = uniqueId("ct-json-one"), jsonMany = uniqueId("ct-json-many");
        post(apiRequest(single, 1, "u"), SINGLE).then().statusCode(202).body("accepted", equalTo(1));
        post(apiRequest(jsonOne, 1, "u"), "application/json; charset=utf-8").then().statusCode(202).body("accepted", equalTo(1));
        post(batch(apiRequest(jsonMany, 1, "u")), "application/json").then().statusCode(202).body("accepted", equalTo(1));
        assertThat(accepted(single)).hasSize(1);
        assertThat(accepted(jsonOne)).hasSize(1);
        assertThat(accepted(jsonMany)).hasSize(1);
    }

    @Test
    void aMixedBatchAcceptsTheGoodEventsAndNamesTheBadOne() {
        String good = uniqueId("mixed-good"), bad = uniqueId("mixed-bad");
        post(batch(apiRequest(good, 2, "u"), apiRequest(bad, 0, "u")), BATCH).then().statusCode(202)
                .body("accepted", equalTo(1))
                .body("rejected.id", contains(bad))
                .body("rejected[0].reason", containsString("data.count"));
        assertThat(accepted(good)).hasSize(1);
        assertThat(accepted(bad)).isEmpty();
    }

    @Test
    void anIdRepeatedInsideOneBatchCountsOnce() {
        String id = uniqueId("in-batch");
        post(batch(apiRequest(id, 1, "u"), apiRequest(id, 1, "u")), BATCH).then().statusCode(202)
                .body("accepted", equalTo(1)).body("duplicates", equalTo(1));
        assertThat(accepted(id)).hasSize(1);
    }

    @Test
    void anEventWithoutTimeGetsItsReceiptTimeAndAnExplicitDataschemaVersionIsRecorded() {
        String untimed = uniqueId("untimed"), versioned = uniqueId("versioned");
        ObjectNode event = apiRequest(untimed, 1, "u");
        event.remove("time");
        ObjectNode storage = apiRequest(versioned, 1, "u");
        storage.put("type", "storage.usage");
        storage.put("dataschema", "https://schemas.meterbridge.io/storage.usage/v1.json");
        storage.putObject("data").put("bytes", 1024).put("bucket", "b");
        post(batch(event, storage), BATCH).then().statusCode(202).body("accepted", equalTo(2));

        JsonNode timed = accepted(untimed).get(0);
        assertThat(timed.path("time").asText()).isEqualTo(timed.path("meterbridgereceived").asText());
        assertThat(accepted(versioned).get(0).path("meterbridgeschema").asText()).isEqualTo("storage.usage/v1");
    }

    @Test
    void theSendEventsCommandSignsAndPostsAFileAsAProducerWould() throws Exception {
        String id = uniqueId("cli");
        Path file = Files.createTempFile("events", ".json");
        Files.writeString(file, batch(apiRequest(id, 4, "u-cli")).toString());
        Process process = new ProcessBuilder("../bin/send-events", "-u", ingestUrl, file.toString())
                .redirectErrorStream(true).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("\"accepted\":1");
        assertThat(accepted(id)).hasSize(1);
    }
}
