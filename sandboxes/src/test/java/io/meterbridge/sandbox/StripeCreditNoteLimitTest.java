package io.meterbridge.sandbox;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.meterbridge.sandbox.Sandboxes.stripeKey;
import static io.meterbridge.sandbox.Sandboxes.unique;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Credit notes as Stripe takes them: only on a finalized invoice, and all the credit notes of an invoice together never
 * more than its total. An invoice of 54.00: 30.00 credited, then 25.00 more is refused (55.00 > 54.00), 24.00 is
 * accepted (amount due 0.00). The same idempotency key replays the first answer and credits nothing twice.
 */
@QuarkusTest
class StripeCreditNoteLimitTest {

    @Test
    void creditNotesNeverCreditMoreThanTheInvoice() {
        String apiKey = stripeKey();
        String customer = unique("cus_cnlimit");
        String invoice = Sandboxes.stripe(apiKey).formParam("customer", customer).formParam("currency", "usd").post("/v1/invoices")
                .then().statusCode(200).extract().path("id");
        Sandboxes.stripe(apiKey).formParam("customer", customer).formParam("invoice", invoice).formParam("amount", "5400")
                .post("/v1/invoiceitems").then().statusCode(200);
        Sandboxes.stripe(apiKey).formParam("invoice", invoice).formParam("amount", "100").post("/v1/credit_notes").then()
                .statusCode(400).body("error.code", equalTo("invoice_not_finalized"));
        Sandboxes.stripe(apiKey).post("/v1/invoices/" + invoice + "/finalize").then().statusCode(200);

        String key = unique("cn-key");
        String first = Sandboxes.stripe(apiKey).header("Idempotency-Key", key).formParam("invoice", invoice)
                .formParam("lines[0][type]", "custom_line_item").formParam("lines[0][description]", "users: credit")
                .formParam("lines[0][quantity]", "1").formParam("lines[0][unit_amount]", "3000")
                .post("/v1/credit_notes").then().statusCode(200).body("total", equalTo(3000)).extract().path("id");
        Sandboxes.stripe(apiKey).header("Idempotency-Key", key).formParam("invoice", invoice)
                .formParam("lines[0][type]", "custom_line_item").formParam("lines[0][description]", "users: credit")
                .formParam("lines[0][quantity]", "1").formParam("lines[0][unit_amount]", "3000")
                .post("/v1/credit_notes").then().statusCode(200).body("id", equalTo(first));
        Sandboxes.stripe(apiKey).get("/v1/invoices/" + invoice).then().body("amount_due", equalTo(2400))
                .body("pre_payment_credit_notes_amount", equalTo(3000));

        Sandboxes.stripe(apiKey).formParam("invoice", invoice).formParam("amount", "2500").post("/v1/credit_notes").then()
                .statusCode(400).body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo("amount")).body("error.message", containsString("greater than"));
        Sandboxes.stripe(apiKey).formParam("invoice", invoice).formParam("amount", "2400").post("/v1/credit_notes").then()
                .statusCode(200).body("total", equalTo(2400));
        Sandboxes.stripe(apiKey).get("/v1/invoices/" + invoice).then().body("amount_due", equalTo(0))
                .body("pre_payment_credit_notes_amount", equalTo(5400));
        // listed newest first, by invoice (how a client finds its credit note again past the key horizon)
        Sandboxes.stripe(apiKey).queryParam("invoice", invoice).queryParam("limit", "100").get("/v1/credit_notes")
                .then().statusCode(200).body("data.size()", equalTo(2)).body("data[1].id", equalTo(first))
                .body("has_more", equalTo(false));
    }
}
