package io.meterbridge.billing;

import java.util.LinkedHashMap;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.contract;
import static io.meterbridge.support.BillingFixture.contractKey;
import static io.meterbridge.support.BillingFixture.stripeCustomer;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

/**
 * A grant is refused unless it is positive, in the contract's currency, within the currency's decimals, expires after
 * it starts and belongs to a hub-rated Stripe contract; only finance and admin may grant; a repeated reference adds
 * nothing, the same reference with other terms is refused.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class CreditGrantValidationTest {

    @Test
    void invalidGrantsAreRefusedNamingTheField() {
        String tenant = uniqueId("grantcheck");
        String key = contractKey(tenant);
        contract(tenant, "stripe", stripeCustomer(tenant), "HUB_RATES", null, null, Map.of(), "api_requests");

        post(key, body("r1", "100.00", "EUR", null)).then().statusCode(400).body("error", containsString("currency"));
        post(key, body("r1", "-5.00", "USD", null)).then().statusCode(400).body("error", containsString("positive"));
        post(key, body("r1", "0", "USD", null)).then().statusCode(400).body("error", containsString("positive"));
        post(key, body("r1", "1.005", "USD", null)).then().statusCode(400).body("error", containsString("decimal places"));
        post(key, body("r1", "ten", "USD", null)).then().statusCode(400).body("error", containsString("amount"));
        post(key, body("r1", "10.00", "USD", "2025-12-31T00:00:00Z")).then().statusCode(400)
                .body("error", containsString("expiresAt"));
        post(key, body(null, "10.00", "USD", null)).then().statusCode(400).body("error", containsString("reference"));
        post("contract-nobody-" + tenant, body("r1", "10.00", "USD", null)).then().statusCode(400)
                .body("error", containsString("no contract"));
        assertThat(finance().get("/api/v1/admin/contracts/" + key + "/credits").then().statusCode(200).extract()
                .jsonPath().getList("grants")).isEmpty();
    }

    @Test
    void chargebeePlatformRatedContractsTakeNoGrants() {
        // Chargebee's pending invoice of platform-rated usage takes no negative charge or discount from the hub.
        String tenant = uniqueId("grantplat");
        contract(tenant, "chargebee", "cb_" + tenant, "PLATFORM_RATES", "sub_" + tenant, null, Map.of(), "api_requests");
        post(contractKey(tenant), body("r1", "10.00", "USD", null)).then().statusCode(400)
                .body("error", containsString("PLATFORM_RATES on chargebee"))
                .body("error", containsString("pending invoice"));
    }

    @Test
    void stripePlatformRatedContractsTakeGrants() {
        String tenant = uniqueId("grantplats");
        contract(tenant, "stripe", stripeCustomer(tenant), "PLATFORM_RATES", null, null, Map.of(), "api_requests");
        post(contractKey(tenant), body("r1", "10.00", "USD", null)).then().statusCode(200);
    }

    @Test
    void onlyFinanceAndAdminGrantAndARepeatedReferenceAddsNothing() {
        String tenant = uniqueId("grantrole");
        String key = contractKey(tenant);
        contract(tenant, "stripe", stripeCustomer(tenant), "HUB_RATES", null, null, Map.of(), "api_requests");
        as("vera", "vera-secret").body(body("r1", "10.00", "USD", null))
                .post("/api/v1/admin/contracts/" + key + "/credits").then().statusCode(403);
        as("amara", "amara-secret").body(body("r1", "10.00", "USD", null))
                .post("/api/v1/admin/contracts/" + key + "/credits").then().statusCode(403);
        as("vera", "vera-secret").get("/api/v1/admin/contracts/" + key + "/credits").then().statusCode(200);

        long first = post(key, body("r1", "10.00", "USD", null)).then().statusCode(200).body("created",
                org.hamcrest.Matchers.is(true)).extract().jsonPath().getLong("grant_id");
        long again = post(key, body("r1", "10.00", "USD", null)).then().statusCode(200).body("created",
                org.hamcrest.Matchers.is(false)).extract().jsonPath().getLong("grant_id");
        assertThat(again).isEqualTo(first);
        post(key, body("r1", "12.00", "USD", null)).then().statusCode(400).body("error", containsString("other terms"));
        assertThat(finance().get("/api/v1/admin/contracts/" + key + "/credits").then().statusCode(200).extract()
                .jsonPath().getString("balances[0].balance")).isEqualTo("10.00");
    }

    private static Map<String, Object> body(String reference, String amount, String currency, String expiresAt) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("reference", reference);
        body.put("amount", amount);
        body.put("currency", currency);
        body.put("startsAt", "2026-01-01T00:00:00Z");
        body.put("expiresAt", expiresAt);
        return body;
    }

    private static io.restassured.response.Response post(String key, Map<String, Object> body) {
        return finance().contentType(ContentType.JSON).body(body).post("/api/v1/admin/contracts/" + key + "/credits");
    }

    private static io.restassured.specification.RequestSpecification as(String user, String password) {
        return RestAssured.given().auth().preemptive().basic(user, password).contentType(ContentType.JSON);
    }
}
