package io.meterbridge.sandbox;

import java.util.List;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.meterbridge.sandbox.Sandboxes.stripe;
import static io.meterbridge.sandbox.Sandboxes.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** POST /v1/invoices/{id}/pay: open to paid, documented parameters only, once, idempotent. */
@QuarkusTest
class StripeInvoicePayTest {

    @Test
    void payingAnOpenInvoiceMarksItPaidOnce() {
        String customer = unique("cus_pay");
        String invoice = stripe().formParam("customer", customer).formParam("currency", "eur").post("/v1/invoices")
                .then().statusCode(200).body("paid", equalTo(false)).extract().path("id");
        stripe().formParam("customer", customer).formParam("invoice", invoice).formParam("amount", "1000")
                .post("/v1/invoiceitems").then().statusCode(200);
        stripe().post("/v1/invoices/" + invoice + "/pay").then().statusCode(400)
                .body("error.type", equalTo("invalid_request_error"));
        stripe().post("/v1/invoices/" + invoice + "/finalize").then().statusCode(200);
        stripe().formParam("paid_out_of_band", "true").formParam("amount", "5")
                .post("/v1/invoices/" + invoice + "/pay").then().statusCode(400)
                .body("error.code", equalTo("parameter_unknown")).body("error.param", equalTo("amount"));
        stripe().formParam("invoice", invoice).formParam("amount", "300").post("/v1/credit_notes").then()
                .statusCode(200);

        String key = unique("pay-");
        for (int i = 0; i < 2; i++) {
            stripe().header("Idempotency-Key", key).formParam("paid_out_of_band", "true")
                    .post("/v1/invoices/" + invoice + "/pay").then().statusCode(200).body("status", equalTo("paid"))
                    .body("paid", equalTo(true)).body("total", equalTo(1000)).body("amount_due", equalTo(700))
                    .body("amount_paid", equalTo(700)).body("amount_remaining", equalTo(0));
        }
        stripe().formParam("paid_out_of_band", "true").post("/v1/invoices/" + invoice + "/pay").then()
                .statusCode(400).body("error.message", equalTo("Invoice is already paid"));
        stripe().post("/v1/invoices/in_nope/pay").then().statusCode(404);

        List<String> paidEvents = stripe().queryParam("type", "invoice.paid").queryParam("limit", "100")
                .get("/v1/events").then().statusCode(200).extract().jsonPath()
                .getList("data.findAll { it.data.object.id == '" + invoice + "' }.request.idempotency_key");
        assertThat(paidEvents).containsExactly(key);
    }
}
