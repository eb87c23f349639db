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
import static io.meterbridge.sandbox.Sandboxes.stripe;
import static io.meterbridge.sandbox.Sandboxes.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Meter event adjustments as Stripe takes them: type cancel, by the meter event's identifier, only within 24 h of
 * Stripe receiving the event. 5 + 7 = 12; the 7 cancelled: 5; an event received more than 24 h ago cannot be cancelled.
 */
@QuarkusTest
class MeterEventAdjustmentTest {

    @AfterEach
    void resetClock() {
        control(STRIPE).delete("clock").then().statusCode(200);
    }

    private static Response meterEvent(String event, String customer, String identifier, String value) {
        return stripe().formParam("event_name", event).formParam("identifier", identifier)
                .formParam("payload[stripe_customer_id]", customer).formParam("payload[value]", value)
                .formParam("timestamp", String.valueOf(Instant.now().getEpochSecond()))
                .post("/v1/billing/meter_events");
    }

    private static Response cancel(String event, String identifier) {
        return stripe().formParam("event_name", event).formParam("type", "cancel")
                .formParam("cancel[identifier]", identifier).post("/v1/billing/meter_event_adjustments");
    }

    private static Map<String, Object> total(String event, String customer) {
        List<Map<String, Object>> totals = control(STRIPE).get("meter-totals").jsonPath().getList("$");
        return totals.stream().filter(t -> event.equals(t.get("eventName")) && customer.equals(t.get("customer")))
                .findFirst().orElse(Map.of());
    }

    @Test
    void aMeterEventIsCancelledByItsIdentifierWithin24Hours() {
        String event = unique("api_calls_");
        String customer = unique("cus_adj");
        String kept = unique("evt-"), cancelled = unique("evt-");
        meterEvent(event, customer, kept, "5").then().statusCode(200);
        meterEvent(event, customer, cancelled, "7").then().statusCode(200);
        assertThat(total(event, customer)).containsEntry("value", 12).containsEntry("events", 2);

        cancel(event, cancelled).then().statusCode(200).body("object", equalTo("billing.meter_event_adjustment"))
                .body("type", equalTo("cancel")).body("cancel.identifier", equalTo(cancelled));
        assertThat(total(event, customer)).containsEntry("value", 5).containsEntry("events", 1);
        cancel(event, cancelled).then().statusCode(400).body("error.code", equalTo("resource_missing"));
        assertThat(total(event, customer)).containsEntry("value", 5);
    }

    @Test
    void aMeterEventReceivedMoreThan24HoursAgoCannotBeCancelled() {
        String event = unique("api_calls_");
        String customer = unique("cus_adj");
        String identifier = unique("evt-");
        meterEvent(event, customer, identifier, "5").then().statusCode(200);
        control(STRIPE).contentType("application/json").body(Map.of("seconds", 24 * 3600)).post("clock/advance").then()
                .statusCode(200);

        cancel(event, identifier).then().statusCode(400).body("error.param", equalTo("cancel[identifier]"))
                .body("error.message", containsString("within the last 24 hours"));
        assertThat(total(event, customer)).containsEntry("value", 5).containsEntry("events", 1);
    }

    @Test
    void anAdjustmentOtherThanCancelIsRefused() {
        stripe().formParam("event_name", "api_requests").formParam("type", "refund")
                .formParam("cancel[identifier]", "x").post("/v1/billing/meter_event_adjustments").then().statusCode(400);
    }
}
