package io.meterbridge.corrections;

import java.util.List;
import java.util.Map;

import io.restassured.path.json.JsonPath;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.contractKey;
import static io.meterbridge.support.BillingFixture.contractWith;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.stripeCustomer;
import static io.meterbridge.support.MasterDataFixture.finance;

/**
 * The late-usage tests' contract: api_requests on api-requests-2026-v1 (GRADUATED: 0.0010 up to 100,000, 0.0008 up to
 * 1,000,000, 0.0005 above; minimum 50.00 USD), billed in Stripe, monthly from the 1st, UTC, valid from 2026-01-01.
 */
final class LateUsage {

    static final String SEPTEMBER = "2026-09-01T00:00:00Z";
    static final String OCTOBER = "2026-10-01T00:00:00Z";
    static final String NOVEMBER = "2026-11-01T00:00:00Z";

    private LateUsage() {
    }

    static void contract(String tenant, Map<String, Object> fields) {
        contractWith(tenant, "netsuite", "stripe", stripeCustomer(tenant), "HUB_RATES", null, null, Map.of(), fields,
                "api_requests");
    }

    /** Sends {@code count} requests of September (in one event) and waits until metering shows {@code total}. */
    static void september(String tenant, int count, String total) {
        send(apiRequests(tenant, "2026-09-15T12:00:00Z", count, "u-" + count));
        awaitUsage(tenant, "api_requests", SEPTEMBER, OCTOBER, total);
    }

    static List<Map<String, Object>> corrections(String tenant) {
        return finance().queryParam("contractKey", contractKey(tenant)).get("/api/v1/billing/corrections").then()
                .statusCode(200).extract().jsonPath().getList("$");
    }

    static JsonPath correction(String id) {
        return finance().get("/api/v1/billing/corrections/" + id).then().statusCode(200).extract().jsonPath();
    }
}
