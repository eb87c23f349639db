package io.meterbridge.sandbox;

import java.time.Instant;
import java.util.List;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.meterbridge.sandbox.Sandboxes.stripe;
import static io.meterbridge.sandbox.Sandboxes.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** GET /v1/events: newest first, type (with a wildcard), created[gte], limit and starting_after; GET one event. */
@QuarkusTest
class StripeEventsApiTest {

    private static String openInvoice(String customer, String amount) {
        String invoice = stripe().formParam("customer", customer).formParam("currency", "eur").post("/v1/invoices")
                .then().statusCode(200).extract().path("id");
        stripe().formParam("customer", customer).formParam("invoice", invoice).formParam("amount", amount)
                .post("/v1/invoiceitems").then().statusCode(200);
        stripe().post("/v1/invoices/" + invoice + "/finalize").then().statusCode(200);
        return invoice;
    }

    @Test
    void eventsAreListedNewestFirstWithFiltersAndPages() {
        long since = Instant.now().getEpochSecond();
        String customer = unique("cus_events");
        String first = openInvoice(customer, "100");
        String second = openInvoice(customer, "200");
        stripe().post("/v1/invoices/" + first + "/pay").then().statusCode(200);
        String note = stripe().formParam("invoice", second).formParam("amount", "50").post("/v1/credit_notes")
                .then().statusCode(200).extract().path("id");

        List<String> mine = stripe().queryParam("created[gte]", since).queryParam("limit", "100").get("/v1/events")
                .then().statusCode(200).extract().jsonPath().getList("data.findAll { it.data.object.customer == '"
                        + customer + "' }.type");
        assertThat(mine).containsExactly("credit_note.created", "invoice.paid", "invoice.finalized",
                "invoice.finalized");

        List<String> finalizedIds = stripe().queryParam("type", "invoice.finalized").queryParam("limit", "100")
                .get("/v1/events").then().statusCode(200).extract().jsonPath()
                .getList("data.findAll { it.data.object.customer == '" + customer + "' }.data.object.id");
        assertThat(finalizedIds).containsExactly(second, first);
        List<String> invoiceTypes = stripe().queryParam("type", "invoice.*").queryParam("created[gte]", since)
                .queryParam("limit", "100").get("/v1/events").then().extract().jsonPath()
                .getList("data.findAll { it.data.object.customer == '" + customer + "' }.type");
        assertThat(invoiceTypes).containsExactly("invoice.paid", "invoice.finalized", "invoice.finalized");

        // pages: limit 1 then starting_after the last one seen
        String newest = stripe().queryParam("limit", "1").get("/v1/events").then().statusCode(200)
                .body("data.size()", equalTo(1)).body("has_more", equalTo(true)).extract().path("data[0].id");
        String next = stripe().queryParam("limit", "1").queryParam("starting_after", newest).get("/v1/events")
                .then().statusCode(200).extract().path("data[0].id");
        assertThat(next).isNotEqualTo(newest);

        String noteEvent = stripe().queryParam("type", "credit_note.created").queryParam("limit", "1")
                .get("/v1/events").then().statusCode(200).body("data[0].data.object.id", equalTo(note))
                .extract().path("data[0].id");
        stripe().get("/v1/events/" + noteEvent).then().statusCode(200).body("type", equalTo("credit_note.created"))
                .body("object", equalTo("event")).body("data.object.invoice", equalTo(second));
        stripe().get("/v1/events/evt_nope").then().statusCode(404).body("error.code", equalTo("resource_missing"));
        stripe().queryParam("created[gt]", Instant.now().getEpochSecond() + 3600).get("/v1/events").then()
                .statusCode(200).body("data.size()", equalTo(0)).body("has_more", equalTo(false));
    }
}
