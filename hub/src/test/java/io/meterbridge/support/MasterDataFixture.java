package io.meterbridge.support;

import java.util.List;
import java.util.Map;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** Writes master data through the admin API, as an admin would. */
public final class MasterDataFixture {

    private MasterDataFixture() {
    }

    public static RequestSpecification admin() {
        return RestAssured.given().auth().preemptive().basic("admin", "admin-secret").contentType(ContentType.JSON);
    }

    public static RequestSpecification finance() {
        return RestAssured.given().auth().preemptive().basic("finance", "finance-secret");
    }

    public static void customer(String tenant, String billingAccount, String validFrom) {
        admin().body(Map.of("tenant", tenant, "crmAccountId", "crm-" + tenant, "billingSystem", "stripe",
                "billingAccountId", billingAccount, "erpSystem", "netsuite", "erpCustomerId", "erp-" + billingAccount,
                "currency", "USD", "timeZone", "UTC", "validFrom", validFrom))
                .post("/api/v1/admin/customers").then().statusCode(200);
    }

    public static void contract(String key, String billingAccount, String zone, int anchorDay, String validFrom,
            String... metrics) {
        List<Map<String, Object>> terms = java.util.Arrays.stream(metrics)
                .map(m -> Map.<String, Object>of("metric", m, "unit", m.startsWith("storage") ? "GB" : "unit",
                        "priceVersion", m + "-v1"))
                .toList();
        admin().body(Map.of("contractKey", key, "billingSystem", "stripe", "billingAccountId", billingAccount,
                "billingCycle", "MONTHLY", "anchorDay", anchorDay, "timeZone", zone, "gracePeriod", "P3D",
                "validFrom", validFrom, "metrics", terms))
                .post("/api/v1/admin/contracts").then().statusCode(200);
    }

    /** GET /api/v1/usage as finance. */
    public static Response usage(String by, String value, String metric, String from, String to, String window) {
        return finance().queryParam(by, value).queryParam("metric", metric).queryParam("from", from)
                .queryParam("to", to).queryParam("window", window).get("/api/v1/usage");
    }
}
