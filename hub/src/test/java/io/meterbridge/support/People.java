package io.meterbridge.support;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/** The default run's people (docs/configuration.md#people-and-roles): each logs in as name / name-secret. */
public final class People {

    private People() {
    }

    public static RequestSpecification as(String user) {
        return RestAssured.given().auth().preemptive().basic(user, user + "-secret").contentType(ContentType.JSON);
    }

    /** The audit events of one object, latest first, as finance reads them. */
    public static JsonPath audit(String objectType, String objectKey) {
        return as("finance").queryParam("objectType", objectType).queryParam("objectKey", objectKey)
                .get("/api/v1/audit").then().statusCode(200).extract().jsonPath();
    }

    /** A graduated API-request price version as a price-book file defines it, decimals as strings. */
    public static Map<String, Object> graduatedApiRequests(String id, String firstTierUpTo, String firstPrice,
            String nextPrice) {
        Map<String, Object> version = new LinkedHashMap<>();
        version.put("id", id);
        version.put("metric", "api_requests");
        version.put("currency", "USD");
        version.put("model", "GRADUATED");
        version.put("tiers", List.of(Map.of("upTo", firstTierUpTo, "unitPrice", firstPrice),
                Map.of("unitPrice", nextPrice)));
        version.put("validFrom", "2026-01-01T00:00:00Z");
        return version;
    }

    /** POSTs a price version as priya (pricing-admin), approved by amara (approver); returns the approval id. */
    public static long publishApproved(Map<String, Object> version) {
        long approval = as("priya").body(version).post("/api/v1/billing/price-versions").then().statusCode(202)
                .extract().jsonPath().getLong("approval_id");
        as("amara").body(Map.of("reason", "checked")).post("/api/v1/approvals/" + approval + "/approve").then()
                .statusCode(200);
        return approval;
    }
}
