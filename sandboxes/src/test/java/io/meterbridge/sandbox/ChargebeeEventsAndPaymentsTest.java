package io.meterbridge.sandbox;

import java.time.Instant;
import java.util.List;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.sandbox.Sandboxes.CHARGEBEE;
import static io.meterbridge.sandbox.Sandboxes.chargebee;
import static io.meterbridge.sandbox.Sandboxes.configuredWebhooks;
import static io.meterbridge.sandbox.Sandboxes.control;
import static io.meterbridge.sandbox.Sandboxes.noFaults;
import static io.meterbridge.sandbox.Sandboxes.unique;
import static io.meterbridge.sandbox.Sandboxes.webhooksTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Chargebee record_payment (partial, then in full), adjustment credit notes, their validation, and GET /api/v2/events
 * (newest first, event_type[is], occurred_at[after], limit and offset), also with dropWebhooks on.
 */
@QuarkusTest
class ChargebeeEventsAndPaymentsTest {

    @AfterEach
    void faultsOff() {
        noFaults(CHARGEBEE);
        configuredWebhooks(CHARGEBEE);
    }

    @Test
    void paymentsAndCreditNotesChangeTheInvoiceAndAreListedAsEvents() {
        // An endpoint is configured, but dropWebhooks keeps the events from it: their deliveries are "skipped".
        webhooksTo(CHARGEBEE, "http://127.0.0.1:9/hooks/chargebee");
        control(CHARGEBEE).contentType("application/json").body("{\"dropWebhooks\": true}").put("faults").then()
                .statusCode(200);
        long since = Instant.now().getEpochSecond() - 1;
        String customer = unique("cust_");
        String invoice = chargebee().formParam("customer_id", customer).formParam("currency_code", "USD")
                .formParam("charges[amount][0]", "1000").formParam("charges[description][0]", "Usage")
                .post("/api/v2/invoices/create_for_charge_items_and_charges").then().statusCode(200)
                .extract().path("invoice.id");

        chargebee().formParam("transaction[amount]", "100").post("/api/v2/invoices/" + invoice + "/record_payment")
                .then().statusCode(400).body("param", equalTo("transaction[payment_method]"));
        chargebee().formParam("transaction[amount]", "100").formParam("transaction[payment_method]", "bitcoin")
                .post("/api/v2/invoices/" + invoice + "/record_payment").then().statusCode(400)
                .body("param", equalTo("transaction[payment_method]"));
        chargebee().formParam("transaction[amount]", "5000").formParam("transaction[payment_method]", "other")
                .post("/api/v2/invoices/" + invoice + "/record_payment").then().statusCode(400)
                .body("param", equalTo("transaction[amount]"));

        chargebee().formParam("transaction[amount]", "300").formParam("transaction[payment_method]", "bank_transfer")
                .post("/api/v2/invoices/" + invoice + "/record_payment").then().statusCode(200)
                .body("invoice.status", equalTo("payment_due")).body("invoice.amount_paid", equalTo(300))
                .body("invoice.amount_due", equalTo(700));
        chargebee().formParam("reference_invoice_id", invoice).formParam("total", "800").formParam("type", "adjustment")
                .post("/api/v2/credit_notes").then().statusCode(400).body("param", equalTo("total"));
        chargebee().formParam("reference_invoice_id", invoice).formParam("total", "200").formParam("type", "discount")
                .post("/api/v2/credit_notes").then().statusCode(400).body("param", equalTo("type"));
        chargebee().formParam("reference_invoice_id", "sbx_nope").formParam("total", "200")
                .formParam("type", "adjustment").post("/api/v2/credit_notes").then().statusCode(404);
        chargebee().formParam("reference_invoice_id", invoice).formParam("type", "adjustment")
                .formParam("line_items[amount][0]", "150").formParam("line_items[description][0]", "Goodwill")
                .formParam("line_items[amount][1]", "50").formParam("line_items[description][1]", "Rounding")
                .formParam("reason_code", "waiver").post("/api/v2/credit_notes").then().statusCode(200)
                .body("credit_note.status", equalTo("adjusted")).body("credit_note.total", equalTo(200))
                .body("credit_note.line_items.size()", equalTo(2));
        chargebee().get("/api/v2/invoices/" + invoice).then().body("invoice.amount_adjusted", equalTo(200))
                .body("invoice.amount_due", equalTo(500));
        chargebee().formParam("transaction[payment_method]", "other")
                .post("/api/v2/invoices/" + invoice + "/record_payment").then().statusCode(200)
                .body("invoice.status", equalTo("paid")).body("invoice.amount_paid", equalTo(800))
                .body("transaction.amount", equalTo(500)).body("invoice.linked_payments.size()", equalTo(2));
        chargebee().formParam("transaction[payment_method]", "other")
                .post("/api/v2/invoices/" + invoice + "/record_payment").then().statusCode(400)
                .body("api_error_code", equalTo("invalid_state_for_request"));

        // dropped webhooks, listed events: newest first
        List<String> types = chargebee().queryParam("occurred_at[after]", since).queryParam("limit", "100")
                .get("/api/v2/events").then().statusCode(200).extract().jsonPath()
                .getList("list.event.findAll { it.content.invoice?.id == '" + invoice + "' || "
                        + "it.content.credit_note?.reference_invoice_id == '" + invoice + "' }.event_type");
        assertThat(types).containsExactly("payment_succeeded", "credit_note_created", "payment_succeeded",
                "invoice_generated");
        List<String> statuses = chargebee().queryParam("event_type[is]", "payment_succeeded")
                .queryParam("limit", "100").get("/api/v2/events").then().statusCode(200).extract().jsonPath()
                .getList("list.event.findAll { it.content.invoice.id == '" + invoice + "' }.webhook_status");
        assertThat(statuses).containsExactly("skipped", "skipped");
        chargebee().queryParam("limit", "1").get("/api/v2/events").then().statusCode(200)
                .body("list.size()", equalTo(1)).body("next_offset", equalTo("1"))
                .body("list[0].event.event_type", equalTo("payment_succeeded"));
        String second = chargebee().queryParam("limit", "1").queryParam("offset", "1").get("/api/v2/events").then()
                .statusCode(200).extract().path("list[0].event.event_type");
        assertThat(second).isEqualTo("credit_note_created");
        chargebee().get("/api/v2/events/ev_nope").then().statusCode(404);
    }
}
