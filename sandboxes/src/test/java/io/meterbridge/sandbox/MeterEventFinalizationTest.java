package io.meterbridge.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.sandbox.Sandboxes.STRIPE;
import static io.meterbridge.sandbox.Sandboxes.control;
import static io.meterbridge.sandbox.Sandboxes.stripe;
import static io.meterbridge.sandbox.Sandboxes.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Stripe's timing of meter events, on the sandbox clock: a timestamp more than 35 days old or more than 5 minutes
 * ahead is refused, and a period's invoice bills only the events that arrived before it was finalized (the period's
 * end plus the finalization grace); events that arrive later are taken but change that invoice no more.
 */
@QuarkusTest
class MeterEventFinalizationTest {

    @AfterEach
    void realTime() {
        control(STRIPE).delete("clock").then().statusCode(200);
    }

    private static Response meterEvent(String event, String customer, long timestamp, String value) {
        return stripe().formParam("event_name", event).formParam("identifier", unique("evt-"))
                .formParam("payload[stripe_customer_id]", customer).formParam("payload[value]", value)
                .formParam("timestamp", String.valueOf(timestamp)).post("/v1/billing/meter_events");
    }

    private static JsonPath usage(String event, String customer, long start, long end, long grace) {
        return control(STRIPE).queryParam("event_name", event).queryParam("customer", customer)
                .queryParam("start", start).queryParam("end", end).queryParam("finalization_grace_seconds", grace)
                .get("meter-usage").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void timestampsOlderThan35DaysOrMoreThan5MinutesAheadAreRefused() {
        String event = unique("storage_");
        String customer = unique("cus_time");
        long now = Instant.now().getEpochSecond();
        meterEvent(event, customer, now - Duration.ofDays(35).plusMinutes(5).toSeconds(), "3").then().statusCode(400)
                .body("error.code", equalTo("timestamp_out_of_range")).body("error.param", equalTo("timestamp"));
        meterEvent(event, customer, now + 360, "3").then().statusCode(400)
                .body("error.code", equalTo("timestamp_out_of_range"));
        meterEvent(event, customer, now - Duration.ofDays(34).toSeconds(), "3").then().statusCode(200);
    }

    @Test
    void usageArrivingAfterTheInvoiceIsFinalizedDoesNotChangeIt() {
        String event = unique("api_");
        String customer = unique("cus_final");
        long now = Instant.now().getEpochSecond();
        // a period that ended 30 min ago; with the default 1 h grace its invoice is finalized 30 min from now
        long start = now - Duration.ofDays(30).toSeconds();
        long end = now - 1800;
        meterEvent(event, customer, start + 3600, "40").then().statusCode(200);
        meterEvent(event, customer, end - 1, "2").then().statusCode(200);
        meterEvent(event, customer, end, "100").then().statusCode(200); // the next period's
        JsonPath draft = usage(event, customer, start, end, 3600);
        assertThat(draft.getString("status")).isEqualTo("draft");
        assertThat(draft.getLong("billed")).isEqualTo(42);
        assertThat(draft.getLong("finalizesAt")).isEqualTo(end + 3600);

        control(STRIPE).contentType("application/json").body(Map.of("seconds", 1801)).post("clock/advance").then()
                .statusCode(200);
        meterEvent(event, customer, end - 2, "5").then().statusCode(200);
        JsonPath open = usage(event, customer, start, end, 3600);
        assertThat(open.getString("status")).isEqualTo("open");
        assertThat(open.getLong("billed")).as("the finalized invoice").isEqualTo(42);
        assertThat(open.getLong("billedEvents")).isEqualTo(2);
        assertThat(open.getLong("afterFinalization")).isEqualTo(5);
        // a 72 h grace would still have taken it
        assertThat(usage(event, customer, start, end, 72 * 3600).getLong("billed")).isEqualTo(47);
    }

    @Test
    void aGraceOutsideOneTo72HoursIsRefused() {
        control(STRIPE).queryParam("event_name", "x").queryParam("customer", "cus_x").queryParam("start", 0)
                .queryParam("end", 1).queryParam("finalization_grace_seconds", 73 * 3600).get("meter-usage").then()
                .statusCode(400);
    }
}
