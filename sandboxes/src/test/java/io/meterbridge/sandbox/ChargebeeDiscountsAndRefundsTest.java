package io.meterbridge.sandbox;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.meterbridge.sandbox.Sandboxes.chargebee;
import static io.meterbridge.sandbox.Sandboxes.unique;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * Chargebee's invoice of charges takes no negative charge, and document-level discounts instead; a paid invoice is
 * refunded through a refundable credit note and a refund transaction. By hand: charges 3000 + 1000 = 4000, a discount
 * of 1000 spread 3000/4000 x 1000 = 750 and the rest 250, total 3000; paid in full, refunded 1200 (1800 left, so 1801
 * is refused).
 */
@QuarkusTest
class ChargebeeDiscountsAndRefundsTest {

    @Test
    void aNegativeChargeIsRefusedAndADiscountLowersTheTotal() {
        String customer = unique("cust_");
        chargebee().formParam("customer_id", customer).formParam("charges[amount][0]", "-500")
                .formParam("charges[description][0]", "Credit").post("/api/v2/invoices/create_for_charge_items_and_charges")
                .then().statusCode(400).body("api_error_code", equalTo("param_wrong_value"));
        chargebee().formParam("customer_id", customer).formParam("charges[amount][0]", "1000")
                .formParam("charges[description][0]", "Usage").formParam("discounts[amount][0]", "1001")
                .formParam("discounts[apply_on][0]", "invoice_amount")
                .post("/api/v2/invoices/create_for_charge_items_and_charges").then().statusCode(400)
                .body("api_error_code", equalTo("param_wrong_value"));

        chargebee().formParam("customer_id", customer).formParam("currency_code", "USD")
                .formParam("charges[amount][0]", "3000").formParam("charges[description][0]", "Usage")
                .formParam("charges[amount][1]", "1000").formParam("charges[description][1]", "True-up")
                .formParam("discounts[amount][0]", "1000").formParam("discounts[apply_on][0]", "invoice_amount")
                .post("/api/v2/invoices/create_for_charge_items_and_charges").then().statusCode(200)
                .body("invoice.sub_total", equalTo(4000)).body("invoice.total", equalTo(3000))
                .body("invoice.amount_due", equalTo(3000)).body("invoice.discounts[0].amount", equalTo(1000))
                .body("invoice.discounts[0].entity_type", equalTo("document_level_discount"))
                .body("invoice.line_items[0].discount_amount", equalTo(750))
                .body("invoice.line_items[1].discount_amount", equalTo(250));
    }

    @Test
    void aPaidInvoiceIsRefundedThroughARefundableCreditNote() {
        String customer = unique("cust_");
        String invoice = chargebee().formParam("customer_id", customer).formParam("currency_code", "USD")
                .formParam("charges[amount][0]", "3000").formParam("charges[description][0]", "Usage")
                .post("/api/v2/invoices/create_for_charge_items_and_charges").then().statusCode(200)
                .extract().path("invoice.id");
        chargebee().formParam("refund_amount", "100").post("/api/v2/invoices/" + invoice + "/refund").then()
                .statusCode(400).body("api_error_code", equalTo("invalid_state_for_request"));
        String payment = chargebee().formParam("transaction[payment_method]", "bank_transfer")
                .post("/api/v2/invoices/" + invoice + "/record_payment").then().statusCode(200).extract()
                .path("transaction.id");

        chargebee().formParam("refund_amount", "1200").formParam("credit_note[reason_code]", "waiver")
                .post("/api/v2/invoices/" + invoice + "/refund").then().statusCode(200)
                .body("transaction.type", equalTo("refund")).body("transaction.amount", equalTo(1200))
                .body("transaction.reference_transaction_id", equalTo(payment))
                .body("credit_note.type", equalTo("refundable")).body("credit_note.status", equalTo("refunded"))
                .body("credit_note.amount_refunded", equalTo(1200)).body("credit_note.id", startsWith("sbx_cn_"))
                .body("invoice.issued_credit_notes[0].cn_total", equalTo(1200));
        chargebee().formParam("refund_amount", "1801").post("/api/v2/invoices/" + invoice + "/refund").then()
                .statusCode(400).body("param", equalTo("refund_amount"));
        chargebee().post("/api/v2/invoices/" + invoice + "/refund").then().statusCode(200)
                .body("transaction.amount", equalTo(1800));
    }
}
