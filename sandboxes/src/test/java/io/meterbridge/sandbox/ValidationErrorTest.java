package io.meterbridge.sandbox;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.meterbridge.sandbox.Sandboxes.CHARGEBEE;
import static io.meterbridge.sandbox.Sandboxes.STRIPE;
import static io.meterbridge.sandbox.Sandboxes.chargebee;
import static io.meterbridge.sandbox.Sandboxes.control;
import static io.meterbridge.sandbox.Sandboxes.stripe;
import static io.meterbridge.sandbox.Sandboxes.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/** Requests that break the vendor's contract: 400 in the vendor's error shape, naming the parameter, and no effect. */
@QuarkusTest
class ValidationErrorTest {

    @Test
    void stripeMissingRequiredParam() {
        long before = control(STRIPE).get("stats").jsonPath().getLong("rejectedValidation");
        stripe().formParam("amount", "100").post("/v1/invoiceitems").then().statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo("parameter_missing"))
                .body("error.param", equalTo("customer"))
                .body("error.message", containsString("Missing required param: customer"));
        assertThat(control(STRIPE).get("stats").jsonPath().getLong("rejectedValidation")).isEqualTo(before + 1);
    }

    @Test
    void stripeWrongTypeAndUnknownParam() {
        String customer = unique("cus_val");
        stripe().formParam("customer", customer).formParam("amount", "ten").post("/v1/invoiceitems").then()
                .statusCode(400).body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo("amount")).body("error.message", containsString("ten"));
        stripe().formParam("customer", customer).formParam("amount", "10").formParam("colour", "red")
                .post("/v1/invoiceitems").then().statusCode(400)
                .body("error.param", equalTo("colour")).body("error.code", equalTo("parameter_unknown"));
        // nothing was created by the refused requests
        stripe().queryParam("customer", customer).get("/v1/invoiceitems").then().statusCode(200)
                .body("data.size()", equalTo(0));
    }

    @Test
    void stripeNestedParamsAreNamedInBracketNotation() {
        stripe().formParam("invoice", "in_x").formParam("lines[0][type]", "custom_line_item")
                .formParam("lines[0][amount]", "lots").post("/v1/credit_notes").then().statusCode(400)
                .body("error.param", equalTo("lines[0][amount]"));
        stripe().formParam("event_name", "api_requests").post("/v1/billing/meter_events").then().statusCode(400)
                .body("error.param", equalTo("payload"));
    }

    @Test
    void stripeWithoutOrWithABadKeyIs401() {
        io.restassured.RestAssured.given().contentType("application/x-www-form-urlencoded").basePath(STRIPE)
                .formParam("customer", "cus_x").post("/v1/invoiceitems").then().statusCode(401)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", containsString("You did not provide an API key"));
        stripe("pk_test_notasecretkey").formParam("customer", "cus_x").post("/v1/invoiceitems").then()
                .statusCode(401).body("error.message", containsString("Invalid API Key"))
                .body("error.message", org.hamcrest.Matchers.not(containsString("notasecretkey")));
    }

    @Test
    void chargebeeMissingRequiredParam() {
        chargebee().formParam("item_price_id", "api-calls-USD").formParam("usage_date", "1700000000")
                .post("/api/v2/subscriptions/sub_1/usages").then().statusCode(400)
                .body("type", equalTo("invalid_request"))
                .body("api_error_code", equalTo("param_wrong_value"))
                .body("param", equalTo("quantity"))
                .body("http_status_code", equalTo(400))
                .body("message", containsString("quantity"));
    }

    @Test
    void chargebeeWrongTypes() {
        String subscription = unique("sub_");
        chargebee().formParam("item_price_id", "api-calls-USD").formParam("quantity", "12")
                .formParam("usage_date", "yesterday").post("/api/v2/subscriptions/" + subscription + "/usages").then()
                .statusCode(400).body("param", equalTo("usage_date")).body("api_error_code", equalTo("param_wrong_value"));
        chargebee().formParam("item_price_id", "api-calls-USD").formParam("quantity", "twelve")
                .formParam("usage_date", "1700000000").post("/api/v2/subscriptions/" + subscription + "/usages").then()
                .statusCode(400).body("param", equalTo("quantity"));
        chargebee().formParam("customer_id", "cust_1").formParam("charges[amount][0]", "ten")
                .formParam("charges[description][0]", "usage").post("/api/v2/invoices/create_for_charge_items_and_charges")
                .then().statusCode(400).body("param", equalTo("charges[amount][0]"));
        chargebee().queryParam("subscription_id[is]", subscription).get("/api/v2/usages").then().statusCode(200)
                .body("list.size()", equalTo(0)).body("next_offset", nullValue());
        assertThat(control(CHARGEBEE).get("stats").jsonPath().getLong("rejectedValidation")).isGreaterThanOrEqualTo(3);
    }
}
