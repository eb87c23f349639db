package io.meterbridge.sandbox;

import java.util.List;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import static io.meterbridge.sandbox.Sandboxes.chargebee;
import static io.meterbridge.sandbox.Sandboxes.stripe;
import static io.meterbridge.sandbox.Sandboxes.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** Invoices keep what they were given: total = sum of the items, pending items, finalization. */
@QuarkusTest
class InvoiceTotalsTest {

    private static String item(String customer, String invoice, String amount) {
        var request = stripe().formParam("customer", customer).formParam("amount", amount).formParam("currency", "eur");
        if (invoice != null) {
            request.formParam("invoice", invoice);
        }
        return request.post("/v1/invoiceitems").then().statusCode(200).extract().path("id");
    }

    @Test
    void stripeInvoiceTotalIsTheSumOfItsItems() {
        String customer = unique("cus_tot");
        String invoice = stripe().formParam("customer", customer).formParam("currency", "eur").post("/v1/invoices")
                .then().statusCode(200).body("status", equalTo("draft")).body("total", equalTo(0))
                .extract().path("id");
        List<String> amounts = List.of("1000", "250", "-100");
        amounts.forEach(a -> item(customer, invoice, a));
        String pending = item(customer, null, "999");
        long expected = amounts.stream().mapToLong(Long::parseLong).sum();

        JsonPath in = stripe().get("/v1/invoices/" + invoice).then().statusCode(200).extract().jsonPath();
        assertThat(in.getLong("total")).isEqualTo(expected);
        assertThat(in.getLong("amount_due")).isEqualTo(expected);
        assertThat(in.getList("lines.data.amount", Long.class)).containsExactlyInAnyOrder(1000L, 250L, -100L);

        List<Long> items = stripe().queryParam("invoice", invoice).get("/v1/invoiceitems").then().statusCode(200)
                .body("object", equalTo("list")).body("url", equalTo("/v1/invoiceitems"))
                .extract().jsonPath().getList("data.amount", Long.class);
        assertThat(items.stream().mapToLong(Long::longValue).sum()).isEqualTo(expected);
        stripe().queryParam("customer", customer).queryParam("pending", "true").get("/v1/invoiceitems").then()
                .body("data.id", equalTo(List.of(pending))).body("data[0].invoice", nullValue());

        stripe().post("/v1/invoices/" + invoice + "/finalize").then().statusCode(200)
                .body("status", equalTo("open")).body("number", notNullValue()).body("total", equalTo((int) expected));
        stripe().formParam("customer", customer).formParam("amount", "5").formParam("invoice", invoice)
                .post("/v1/invoiceitems").then().statusCode(400).body("error.param", equalTo("invoice"));
        stripe().queryParam("customer", customer).get("/v1/invoices").then().statusCode(200)
                .body("object", equalTo("list")).body("has_more", equalTo(false)).body("url", equalTo("/v1/invoices"))
                .body("data.id", equalTo(List.of(invoice)));
    }

    @Test
    void stripePendingItemsJoinAnInvoiceOnlyWhenIncluded() {
        String customer = unique("cus_pend");
        item(customer, null, "400");
        item(customer, null, "600");
        stripe().formParam("customer", customer).formParam("currency", "eur").post("/v1/invoices").then()
                .statusCode(200).body("total", equalTo(0));
        stripe().formParam("customer", customer).formParam("currency", "eur")
                .formParam("pending_invoice_items_behavior", "include").post("/v1/invoices").then().statusCode(200)
                .body("total", equalTo(1000)).body("lines.data.size()", equalTo(2));
    }

    @Test
    void stripeUnknownInvoiceIs404() {
        stripe().get("/v1/invoices/in_doesnotexist").then().statusCode(404)
                .body("error.code", equalTo("resource_missing"));
    }

    @Test
    void chargebeeInvoiceTotalIsTheSumOfItsCharges() {
        String customer = unique("cust_");
        JsonPath created = chargebee().formParam("customer_id", customer).formParam("currency_code", "EUR")
                .formParam("charges[amount][0]", "1200").formParam("charges[description][0]", "API calls")
                .formParam("charges[date_from][0]", "1764547200").formParam("charges[date_to][0]", "1767225600")
                .formParam("charges[amount][1]", "345").formParam("charges[description][1]", "Storage")
                .post("/api/v2/invoices/create_for_charge_items_and_charges").then().statusCode(200)
                .body("invoice.status", equalTo("payment_due")).body("invoice.currency_code", equalTo("EUR"))
                .extract().jsonPath();
        assertThat(created.getLong("invoice.total")).isEqualTo(1200 + 345);
        assertThat(created.getList("invoice.line_items.amount", Long.class)).containsExactly(1200L, 345L);
        assertThat(created.getLong("invoice.line_items[0].date_from")).isEqualTo(1764547200L);
        String id = created.getString("invoice.id");
        chargebee().get("/api/v2/invoices/" + id).then().statusCode(200).body("invoice.total", equalTo(1545));
        chargebee().queryParam("customer_id[is]", customer).get("/api/v2/invoices").then().statusCode(200)
                .body("list.invoice.id", equalTo(List.of(id)));
        chargebee().get("/api/v2/invoices/nope").then().statusCode(404)
                .body("api_error_code", equalTo("resource_not_found"));
    }
}
