package io.meterbridge.erp.bc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.meterbridge.erp.bc.BcFixture.API;
import static io.meterbridge.erp.bc.BcFixture.COMPANY;
import static io.meterbridge.erp.bc.BcFixture.raw;
import static io.meterbridge.erp.bc.BcFixture.token;
import static io.meterbridge.erp.bc.BcFixture.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** The sandbox's $batch: at most 100 operations (101 is a 400 and runs none); transactional with Isolation: snapshot. */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class BcBatchLimitTest {

    private static ObjectNode batch(int operations, String prefix) {
        ObjectNode batch = JsonNodeFactory.instance.objectNode();
        var requests = batch.putArray("requests");
        for (int i = 0; i < operations; i++) {
            ObjectNode op = requests.addObject();
            op.put("id", String.valueOf(i + 1));
            op.put("method", "POST");
            op.put("url", "companies(" + COMPANY + ")/customers");
            op.putObject("headers").put("Content-Type", "application/json");
            op.putObject("body").put("number", prefix + i).put("displayName", "Batch customer " + i);
        }
        return batch;
    }

    @Test
    void moreThan100OperationsAreRefusedAndNoneRuns() {
        String token = token(unique("client-batch-"));
        String prefix = unique("B");
        raw(token).body(batch(101, prefix).toString()).post(API + "/$batch").then().statusCode(400)
                .body("error.code", equalTo("BadRequest_BatchRequestTooLarge"));
        assertThat(BcFixture.records("customers")).noneMatch(c -> c.path("number").asText().startsWith(prefix));
    }

    @Test
    void exactly100OperationsRun() {
        String token = token(unique("client-batch-"));
        String prefix = unique("C");
        JsonNode answer = BcFixture.json(raw(token).body(batch(100, prefix).toString()).post(API + "/$batch").then()
                .statusCode(200).extract().asString());
        assertThat(answer.path("responses")).hasSize(100).allSatisfy(r -> assertThat(r.path("status").asInt()).isEqualTo(201));
        assertThat(BcFixture.records("customers")).filteredOn(c -> c.path("number").asText().startsWith(prefix)).hasSize(100);
    }

    @Test
    void snapshotIsolationRollsTheWholeBatchBack() {
        String token = token(unique("client-batch-"));
        String prefix = unique("D");
        ObjectNode batch = batch(3, prefix);
        ((ObjectNode) batch.get("requests").get(2).get("body")).put("number", prefix + "0"); // duplicate of op 1
        JsonNode answer = BcFixture.json(raw(token).header("Isolation", "snapshot").body(batch.toString())
                .post(API + "/$batch").then().statusCode(200).extract().asString());
        assertThat(answer.path("responses").get(2).path("status").asInt()).isEqualTo(400);
        assertThat(answer.path("responses").get(2).path("body").path("error").path("code").asText())
                .isEqualTo("Internal_EntityWithSameKeyExists");
        assertThat(BcFixture.records("customers")).noneMatch(c -> c.path("number").asText().startsWith(prefix));
    }
}
