package io.meterbridge.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.sandbox.Sandboxes.STRIPE;
import static io.meterbridge.sandbox.Sandboxes.configuredWebhooks;
import static io.meterbridge.sandbox.Sandboxes.control;
import static io.meterbridge.sandbox.Sandboxes.noFaults;
import static io.meterbridge.sandbox.Sandboxes.stripe;
import static io.meterbridge.sandbox.Sandboxes.unique;
import static io.meterbridge.sandbox.Sandboxes.webhooksTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** The fault switch dropWebhooks: events are created and listed by GET /v1/events, but no webhook is sent. */
@QuarkusTest
class StripeDropWebhooksTest {

    private WebhookReceiver receiver;

    @BeforeEach
    void receiver() throws Exception {
        receiver = new WebhookReceiver();
        webhooksTo(STRIPE, receiver.url("/hooks"));
    }

    @AfterEach
    void restore() {
        noFaults(STRIPE);
        configuredWebhooks(STRIPE);
        receiver.close();
    }

    @Test
    void droppedEventsAreListedForPollingButNotDelivered() {
        control(STRIPE).contentType("application/json").body("{\"dropWebhooks\": true}").put("faults").then()
                .statusCode(200).body("dropWebhooks", equalTo(true));
        long since = Instant.now().getEpochSecond();
        String customer = unique("cus_drop");
        String invoice = stripe().formParam("customer", customer).formParam("currency", "usd").post("/v1/invoices")
                .then().statusCode(200).extract().path("id");
        stripe().formParam("customer", customer).formParam("invoice", invoice).formParam("amount", "700")
                .post("/v1/invoiceitems").then().statusCode(200);
        stripe().post("/v1/invoices/" + invoice + "/finalize").then().statusCode(200);
        stripe().post("/v1/invoices/" + invoice + "/pay").then().statusCode(200);

        // what a client polling for missed events sees: newest first
        List<Map<String, Object>> events = stripe().queryParam("created[gte]", since).queryParam("limit", "100")
                .get("/v1/events").then().statusCode(200).body("object", equalTo("list"))
                .body("url", equalTo("/v1/events")).extract().jsonPath()
                .getList("data.findAll { it.data.object.id == '" + invoice + "' }");
        assertThat(events).extracting(e -> e.get("type")).containsExactly("invoice.paid", "invoice.finalized");
        String paidEvent = (String) events.get(0).get("id");

        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                .until(() -> receiver.received().isEmpty());
        List<Map<String, Object>> deliveries = control(STRIPE).get("webhooks").jsonPath().getList("$");
        assertThat(deliveries).filteredOn(d -> d.get("eventId").equals(paidEvent)).singleElement()
                .satisfies(d -> assertThat(d).containsEntry("status", "dropped").containsEntry("attempts", 0));

        // switched off, new events are delivered again; a dropped one on request
        noFaults(STRIPE);
        control(STRIPE).post("webhooks/" + paidEvent + "/resend").then().statusCode(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().stream()
                .anyMatch(r -> r.body().contains(paidEvent)));
    }
}
