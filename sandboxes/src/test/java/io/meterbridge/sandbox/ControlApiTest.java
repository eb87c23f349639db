package io.meterbridge.sandbox;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.meterbridge.sandbox.Sandboxes.CHARGEBEE;
import static io.meterbridge.sandbox.Sandboxes.STRIPE;
import static io.meterbridge.sandbox.Sandboxes.chargebee;
import static io.meterbridge.sandbox.Sandboxes.chargebeeKey;
import static io.meterbridge.sandbox.Sandboxes.control;
import static io.meterbridge.sandbox.Sandboxes.stripe;
import static io.meterbridge.sandbox.Sandboxes.stripeKey;
import static io.meterbridge.sandbox.Sandboxes.unique;
import static org.assertj.core.api.Assertions.assertThat;

/** The request journal: every request in order, parameters as nested JSON, credentials masked; and forgetting it. */
@QuarkusTest
class ControlApiTest {

    @Test
    void theJournalRecordsRequestsWithMaskedCredentials() {
        String key = stripeKey();
        String customer = unique("cus_journal");
        String idempotencyKey = unique("key-");
        stripe(key).header("Idempotency-Key", idempotencyKey).formParam("customer", customer)
                .formParam("amount", "10").formParam("metadata[order]", "42").post("/v1/invoiceitems").then()
                .statusCode(200);

        String journal = control(STRIPE).get("requests").then().statusCode(200).extract().asString();
        assertThat(journal).doesNotContain(key.substring("sk_test_".length()));
        List<Map<String, Object>> entries = control(STRIPE).get("requests").jsonPath().getList("$");
        Map<String, Object> entry = entries.stream().filter(e -> idempotencyKey.equals(e.get("idempotencyKey")))
                .findFirst().orElseThrow();
        assertThat(entry).containsEntry("method", "POST").containsEntry("path", "/v1/invoiceitems")
                .containsEntry("status", 200);
        assertThat((Map<String, Object>) entry.get("headers")).containsEntry("authorization", "Bearer sk_test_****");
        assertThat((Map<String, Object>) entry.get("params")).containsEntry("customer", customer)
                .containsEntry("metadata", Map.of("order", "42"));

        String cbKey = chargebeeKey();
        chargebee(cbKey).get("/api/v2/usages").then().statusCode(200);
        assertThat(control(CHARGEBEE).get("requests").asString()).doesNotContain(cbKey)
                .contains("Basic ****");
    }

    @Test
    void forgettingRequestsEmptiesTheJournal() {
        chargebee().get("/api/v2/invoices").then().statusCode(200);
        control(CHARGEBEE).delete("requests").then().statusCode(204);
        assertThat(control(CHARGEBEE).get("requests").jsonPath().getList("$")).isEmpty();
        assertThat(control(CHARGEBEE).get("stats").jsonPath().getMap("$")).containsKeys("received",
                "rejectedValidation", "rateLimited", "faultsInjected", "idempotentReplays");
    }
}
