package io.meterbridge.sandbox;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.sandbox.Sandboxes.STRIPE;
import static io.meterbridge.sandbox.Sandboxes.control;
import static io.meterbridge.sandbox.Sandboxes.noFaults;
import static io.meterbridge.sandbox.Sandboxes.stripe;
import static io.meterbridge.sandbox.Sandboxes.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Stripe's idempotency horizon on the sandbox clock: keys and meter event identifiers are kept 24 h and then
 * forgotten; a 500 is saved under its key and replayed for it, a 503 or a 429 saves nothing.
 */
@QuarkusTest
class StripeIdempotencyHorizonTest {

    private static final long DAY = 86_400;

    @AfterEach
    void realTimeAndNoFaults() {
        control(STRIPE).delete("clock").then().statusCode(200).body("offsetSeconds", equalTo(0));
        noFaults(STRIPE);
    }

    private static void advance(long seconds) {
        control(STRIPE).contentType("application/json").body(Map.of("seconds", seconds)).post("clock/advance")
                .then().statusCode(200);
    }

    private static void faults(String json) {
        control(STRIPE).contentType("application/json").body(json).put("faults").then().statusCode(200);
    }

    private static Response invoiceItem(String key, String customer) {
        return stripe().header("Idempotency-Key", key).formParam("customer", customer).formParam("amount", "300")
                .post("/v1/invoiceitems");
    }

    private static List<String> items(String customer) {
        return stripe().queryParam("customer", customer).get("/v1/invoiceitems").jsonPath().getList("data.id");
    }

    @Test
    void theClockMovesForwardOnlyAndResetsToRealTime() {
        long before = Instant.now().getEpochSecond();
        advance(90_000);
        var clock = control(STRIPE).get("clock").then().statusCode(200).extract().jsonPath();
        assertThat(clock.getLong("offsetSeconds")).isEqualTo(90_000);
        assertThat(Instant.parse(clock.getString("now")).getEpochSecond()).isGreaterThanOrEqualTo(before + 90_000);
        control(STRIPE).contentType("application/json").body("{\"seconds\": -5}").post("clock/advance")
                .then().statusCode(400);
        control(STRIPE).contentType("application/json").body("{\"minutes\": 5}").post("clock/advance")
                .then().statusCode(400);
        assertThat(control(STRIPE).get("clock").jsonPath().getLong("offsetSeconds")).isEqualTo(90_000);
        // every sandbox with a pipeline has its own clock
        control("/sandbox/chargebee").get("clock").then().statusCode(200).body("offsetSeconds", equalTo(0));
    }

    @Test
    void aKeyReplaysWithin24HoursAndIsForgottenAfter() {
        String customer = unique("cus_horizon");
        String key = unique("key-");
        String first = invoiceItem(key, customer).then().statusCode(200).extract().path("id");

        advance(DAY - 60);
        Response replay = invoiceItem(key, customer);
        replay.then().statusCode(200).header("Idempotent-Replayed", "true").body("id", equalTo(first));
        assertThat(items(customer)).containsExactly(first);

        advance(120);
        Response afterHorizon = invoiceItem(key, customer);
        afterHorizon.then().statusCode(200);
        assertThat(afterHorizon.header("Idempotent-Replayed")).isNull();
        assertThat(afterHorizon.jsonPath().getString("id")).isNotEqualTo(first);
        assertThat(items(customer)).hasSize(2);
    }

    @Test
    void aMeterEventIdentifierIsForgottenAfter24Hours() {
        String event = unique("api_calls_");
        String customer = unique("cus_meter");
        String identifier = unique("evt-");
        meterEvent(event, customer, identifier).then().statusCode(200);
        advance(DAY - 60);
        meterEvent(event, customer, identifier).then().statusCode(400).body("error.param", equalTo("identifier"));
        advance(120);
        // past the horizon Stripe counts the same identifier again: a client must not resend that late
        meterEvent(event, customer, identifier).then().statusCode(200);
        List<Map<String, Object>> totals = control(STRIPE).get("meter-totals").jsonPath().getList("$");
        assertThat(totals).filteredOn(t -> event.equals(t.get("eventName")))
                .singleElement().satisfies(t -> assertThat(t).containsEntry("value", 10).containsEntry("events", 2));
    }

    private static Response meterEvent(String event, String customer, String identifier) {
        // a fresh key each time: the identifier, not the key, is what deduplicates here
        return stripe().header("Idempotency-Key", unique("key-")).formParam("event_name", event)
                .formParam("identifier", identifier).formParam("payload[stripe_customer_id]", customer)
                .formParam("payload[value]", "5").post("/v1/billing/meter_events");
    }

    @Test
    void aSaved500ReplaysForItsKeyAndANewKeyRuns() {
        String customer = unique("cus_saved500");
        String key = unique("key-");
        faults("{\"serverErrorNext\": 1}");
        invoiceItem(key, customer).then().statusCode(500).body("error.type", equalTo("api_error"));
        assertThat(items(customer)).isEmpty();

        Response replay = invoiceItem(key, customer);
        replay.then().statusCode(500).header("Idempotent-Replayed", "true").body("error.type", equalTo("api_error"));
        assertThat(items(customer)).isEmpty();

        invoiceItem(unique("key-"), customer).then().statusCode(200);
        assertThat(items(customer)).hasSize(1);

        // the saved 500 goes with the key after 24 h like any saved answer
        advance(DAY + 1);
        invoiceItem(key, customer).then().statusCode(200);
        assertThat(items(customer)).hasSize(2);
    }

    @Test
    void aSaved500AfterTheEffectKeepsTheObjectAndReplaysThe500() {
        String customer = unique("cus_saved500");
        String key = unique("key-");
        faults("{\"serverErrorNext\": 1, \"faultAfterEffect\": true}");
        invoiceItem(key, customer).then().statusCode(500);
        assertThat(items(customer)).hasSize(1);
        invoiceItem(key, customer).then().statusCode(500).header("Idempotent-Replayed", "true");
        assertThat(items(customer)).hasSize(1);
    }

    @Test
    void a503OrA429SavesNothing() {
        String customer = unique("cus_nosave");
        String key = unique("key-");
        faults("{\"serverErrorNext\": 1, \"serverErrorStatus\": 503}");
        invoiceItem(key, customer).then().statusCode(503);
        Response retry = invoiceItem(key, customer);
        retry.then().statusCode(200);
        assertThat(retry.header("Idempotent-Replayed")).isNull();

        String other = unique("key-");
        faults("{\"rateLimitNext\": 1}");
        invoiceItem(other, customer).then().statusCode(429);
        Response afterLimit = invoiceItem(other, customer);
        afterLimit.then().statusCode(200);
        assertThat(afterLimit.header("Idempotent-Replayed")).isNull();
        assertThat(items(customer)).hasSize(2);
    }
}
