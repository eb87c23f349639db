package io.meterbridge.sandbox;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import static io.meterbridge.sandbox.Sandboxes.STRIPE;
import static io.meterbridge.sandbox.Sandboxes.control;
import static io.meterbridge.sandbox.Sandboxes.stripe;
import static io.meterbridge.sandbox.Sandboxes.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** A meter event identifier is accepted once (within 24 h): the same identifier again is an error and counts nothing. */
@QuarkusTest
class MeterEventDedupTest {

    private static Response meterEvent(String event, String customer, String identifier, String value) {
        return stripe().formParam("event_name", event).formParam("identifier", identifier)
                .formParam("payload[stripe_customer_id]", customer).formParam("payload[value]", value)
                .formParam("timestamp", String.valueOf(Instant.now().getEpochSecond()))
                .post("/v1/billing/meter_events");
    }

    private static Map<String, Object> total(String event, String customer) {
        List<Map<String, Object>> totals = control(STRIPE).get("meter-totals").jsonPath().getList("$");
        return totals.stream().filter(t -> event.equals(t.get("eventName")) && customer.equals(t.get("customer")))
                .findFirst().orElse(Map.of());
    }

    @Test
    void sameIdentifierTwiceIsRefusedAndNotCounted() {
        String event = unique("api_calls_");
        String customer = unique("cus_meter");
        String identifier = unique("evt-");
        meterEvent(event, customer, identifier, "5").then().statusCode(200)
                .body("object", equalTo("billing.meter_event")).body("identifier", equalTo(identifier))
                .body("payload.value", equalTo("5"));
        meterEvent(event, customer, identifier, "7").then().statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo("identifier"))
                .body("error.message", containsString("already exists"));
        assertThat(total(event, customer)).containsEntry("value", 5).containsEntry("events", 1);

        meterEvent(event, customer, unique("evt-"), "7").then().statusCode(200);
        assertThat(total(event, customer)).containsEntry("value", 12).containsEntry("events", 2);
    }

    @Test
    void anIdentifierIsGeneratedWhenNoneIsGiven() {
        stripe().formParam("event_name", "api_requests").formParam("payload[stripe_customer_id]", unique("cus_gen"))
                .formParam("payload[value]", "1").post("/v1/billing/meter_events").then().statusCode(200)
                .body("identifier", org.hamcrest.Matchers.startsWith("mtrevt_"));
    }
}
