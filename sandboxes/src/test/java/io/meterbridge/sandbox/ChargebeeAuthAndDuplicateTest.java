package io.meterbridge.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import static io.meterbridge.sandbox.Sandboxes.CHARGEBEE;
import static io.meterbridge.sandbox.Sandboxes.chargebee;
import static io.meterbridge.sandbox.Sandboxes.unique;
import static org.hamcrest.Matchers.equalTo;

/** Chargebee's basic auth (API key as user, empty password) and usages: a duplicate id is duplicate_entry. */
@QuarkusTest
class ChargebeeAuthAndDuplicateTest {

    private static RequestSpecification withAuthorization(String value) {
        RequestSpecification spec = RestAssured.given().basePath(CHARGEBEE);
        return value == null ? spec : spec.header("Authorization", value);
    }

    private static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void onlyBasicAuthWithTheKeyAndAnEmptyPasswordIsAccepted() {
        for (String bad : new String[] {null, basic("test_key:secret"), basic(":"), "Bearer test_key", "Basic !!!"}) {
            withAuthorization(bad).get("/api/v2/usages").then().statusCode(401)
                    .body("api_error_code", equalTo("api_authentication_failed"))
                    .body("http_status_code", equalTo(401));
        }
        withAuthorization(basic(Sandboxes.chargebeeKey() + ":")).get("/api/v2/usages").then().statusCode(200);
    }

    private static io.restassured.response.Response usage(String subscription, String id, String quantity,
            String dedupe) {
        var request = chargebee().formParam("item_price_id", "api-calls-EUR-monthly").formParam("quantity", quantity)
                .formParam("usage_date", "1764590400");
        if (id != null) {
            request.formParam("id", id);
        }
        if (dedupe != null) {
            request.formParam("dedupe_option", dedupe);
        }
        return request.post("/api/v2/subscriptions/" + subscription + "/usages");
    }

    @Test
    void aUsageIdTwiceIsADuplicateEntryAndIsKeptOnce() {
        String subscription = unique("sub_");
        String id = unique("usage-");
        usage(subscription, id, "12.5", null).then().statusCode(200).body("usage.id", equalTo(id))
                .body("usage.quantity", equalTo("12.5")).body("usage.subscription_id", equalTo(subscription))
                .body("usage.object", equalTo("usage"));
        usage(subscription, id, "12.5", null).then().statusCode(400)
                .body("api_error_code", equalTo("duplicate_entry")).body("param", equalTo("id"))
                .body("type", equalTo("invalid_request"));
        chargebee().queryParam("subscription_id[is]", subscription).get("/api/v2/usages").then().statusCode(200)
                .body("list.size()", equalTo(1)).body("list[0].usage.id", equalTo(id));
    }

    @Test
    void dedupeOptionSkipsOrUpdatesAUsageOfTheSameDate() {
        String subscription = unique("sub_");
        usage(subscription, null, "3", null).then().statusCode(200);
        usage(subscription, null, "4", "skip").then().statusCode(200).body("usage.quantity", equalTo("3"));
        usage(subscription, null, "5", "update_existing").then().statusCode(200).body("usage.quantity", equalTo("5"));
        chargebee().queryParam("subscription_id[is]", subscription).get("/api/v2/usages").then()
                .body("list.size()", equalTo(1)).body("list[0].usage.quantity", equalTo("5"));
    }
}
