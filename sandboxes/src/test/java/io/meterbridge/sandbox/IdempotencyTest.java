package io.meterbridge.sandbox;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import static io.meterbridge.sandbox.Sandboxes.CHARGEBEE;
import static io.meterbridge.sandbox.Sandboxes.STRIPE;
import static io.meterbridge.sandbox.Sandboxes.chargebee;
import static io.meterbridge.sandbox.Sandboxes.control;
import static io.meterbridge.sandbox.Sandboxes.stripe;
import static io.meterbridge.sandbox.Sandboxes.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Idempotency keys: a replay returns the saved response and changes nothing; a key reused with other params fails. */
@QuarkusTest
class IdempotencyTest {

    private static Response invoiceItem(String key, String customer, String amount) {
        return stripe().header("Idempotency-Key", key).formParam("customer", customer).formParam("amount", amount)
                .formParam("currency", "usd").post("/v1/invoiceitems");
    }

    @Test
    void stripeReplayReturnsTheSavedResponseWithoutANewEffect() {
        String customer = unique("cus_idem");
        String key = unique("key-");
        long replaysBefore = control(STRIPE).get("stats").jsonPath().getLong("idempotentReplays");

        Response first = invoiceItem(key, customer, "700");
        first.then().statusCode(200);
        assertThat(first.header("Idempotent-Replayed")).isNull();
        Response second = invoiceItem(key, customer, "700");
        second.then().statusCode(200).header("Idempotent-Replayed", "true");

        assertThat(second.jsonPath().getString("id")).isEqualTo(first.jsonPath().getString("id"));
        assertThat(second.asString()).isEqualTo(first.asString());
        stripe().queryParam("customer", customer).get("/v1/invoiceitems").then().statusCode(200)
                .body("data.size()", equalTo(1));
        assertThat(control(STRIPE).get("stats").jsonPath().getLong("idempotentReplays")).isEqualTo(replaysBefore + 1);
    }

    @Test
    void stripeKeyReusedWithOtherParametersIsAnIdempotencyError() {
        String customer = unique("cus_idem");
        String key = unique("key-");
        invoiceItem(key, customer, "700").then().statusCode(200);
        invoiceItem(key, customer, "701").then().statusCode(400)
                .body("error.type", equalTo("idempotency_error"))
                .body("error.message", containsString(key));
        stripe().queryParam("customer", customer).get("/v1/invoiceitems").then().body("data.size()", equalTo(1))
                .body("data[0].amount", equalTo(700));
    }

    @Test
    void stripeKeyLongerThan255CharactersIsRefused() {
        invoiceItem("k".repeat(256), unique("cus_idem"), "1").then().statusCode(400)
                .body("error.type", equalTo("invalid_request_error"));
    }

    @Test
    void chargebeeReplayAndMismatch() {
        String customer = unique("cust_");
        String key = unique("cb-key-");
        Response first = chargebee().header("chargebee-idempotency-key", key).formParam("customer_id", customer)
                .formParam("charges[amount][0]", "1500").formParam("charges[description][0]", "usage")
                .post("/api/v2/invoices/create_for_charge_items_and_charges");
        first.then().statusCode(200);
        Response replay = chargebee().header("chargebee-idempotency-key", key).formParam("customer_id", customer)
                .formParam("charges[amount][0]", "1500").formParam("charges[description][0]", "usage")
                .post("/api/v2/invoices/create_for_charge_items_and_charges");
        replay.then().statusCode(200).header("chargebee-idempotency-replayed", "true");
        assertThat(replay.jsonPath().getString("invoice.id")).isEqualTo(first.jsonPath().getString("invoice.id"));

        chargebee().header("chargebee-idempotency-key", key).formParam("customer_id", customer)
                .formParam("charges[amount][0]", "9999").formParam("charges[description][0]", "usage")
                .post("/api/v2/invoices/create_for_charge_items_and_charges").then().statusCode(400)
                .body("type", equalTo("invalid_request"));
        chargebee().queryParam("customer_id[is]", customer).get("/api/v2/invoices").then().statusCode(200)
                .body("list.size()", equalTo(1));
        assertThat(control(CHARGEBEE).get("stats").jsonPath().getLong("idempotentReplays")).isPositive();
    }
}
