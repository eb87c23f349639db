package io.meterbridge.sandbox.crm;

import java.util.Map;
import java.util.UUID;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;

/** The CRM sandbox behaves like Salesforce's Task API: auth, validation, unique external id, faults, journal. */
@QuarkusTest
class CrmSandboxTest {

    private static final String TASKS = "/sandbox/crm/services/data/v60.0/sobjects/Task";

    @ConfigProperty(name = "hub.sandbox.crm.access-token")
    String token;

    @AfterEach
    void noFaults() {
        RestAssured.given().contentType(ContentType.JSON).body(Map.of()).put("/sandbox/crm/_sandbox/faults")
                .then().statusCode(200);
    }

    private RequestSpecification authorized() {
        return RestAssured.given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
    }

    private static Map<String, Object> task(String key) {
        return Map.of("Subject", "Call the customer", "WhatId", "001ABCDEFGHIJKLMNO", "Status", "Not Started",
                "Meterbridge_Alert_Key__c", key);
    }

    private static String key() {
        return "sandbox-test-" + UUID.randomUUID();
    }

    @Test
    void createsAndReadsATask() {
        String key = key();
        String id = authorized().body(task(key)).post(TASKS).then().statusCode(201)
                .body("success", equalTo(true)).body("errors.size()", equalTo(0))
                .body("id", matchesPattern("00T[A-Za-z0-9]{15}")).extract().path("id");
        authorized().get(TASKS + "/" + id).then().statusCode(200).body("Id", equalTo(id))
                .body("Subject", equalTo("Call the customer")).body("Meterbridge_Alert_Key__c", equalTo(key))
                .body("attributes.type", equalTo("Task"));
        RestAssured.get("/sandbox/crm/_sandbox/tasks").then().statusCode(200).body("Id", hasItem(id));
        authorized().get(TASKS + "/00T000000000000XYZ").then().statusCode(404).body("[0].errorCode", equalTo("NOT_FOUND"));
    }

    @Test
    void aDuplicateExternalIdIsRefusedNamingTheExistingTask() {
        String key = key();
        String id = authorized().body(task(key)).post(TASKS).then().statusCode(201).extract().path("id");
        authorized().body(task(key)).post(TASKS).then().statusCode(400)
                .body("[0].errorCode", equalTo("DUPLICATE_VALUE"))
                .body("[0].message", equalTo("duplicate value found: Meterbridge_Alert_Key__c duplicates value on "
                        + "record with id: " + id))
                .body("[0].fields.size()", equalTo(0));
    }

    @Test
    void refusesRequestsWithoutAValidBearerToken() {
        RestAssured.given().contentType(ContentType.JSON).body(task(key())).post(TASKS).then().statusCode(401)
                .body("[0].errorCode", equalTo("INVALID_SESSION_ID"))
                .body("[0].message", equalTo("Session expired or invalid"));
        RestAssured.given().header("Authorization", "Bearer wrong-" + token).contentType(ContentType.JSON)
                .body(task(key())).post(TASKS).then().statusCode(401).body("[0].errorCode", equalTo("INVALID_SESSION_ID"));
        RestAssured.given().auth().preemptive().basic("admin", "admin-secret").contentType(ContentType.JSON)
                .body(task(key())).post(TASKS).then().statusCode(401);
    }

    @Test
    void validatesRequiredFieldsAndIdFormats() {
        authorized().body(Map.of("WhatId", "001ABCDEFGHIJKLMNO")).post(TASKS).then().statusCode(400)
                .body("[0].errorCode", equalTo("REQUIRED_FIELD_MISSING")).body("[0].fields", equalTo(java.util.List.of("Subject")));
        authorized().body(Map.of("Subject", "x", "WhatId", "not-an-id")).post(TASKS).then().statusCode(400)
                .body("[0].errorCode", equalTo("MALFORMED_ID")).body("[0].fields[0]", equalTo("WhatId"));
        authorized().body(Map.of("Subject", "x", "WhoId", "003ABC")).post(TASKS).then().statusCode(400)
                .body("[0].errorCode", equalTo("MALFORMED_ID")).body("[0].fields[0]", equalTo("WhoId"));
        authorized().body("{not json").post(TASKS).then().statusCode(400).body("[0].errorCode", equalTo("JSON_PARSER_ERROR"));
    }

    @Test
    void faultSwitchesSimulateRateLimitsServerErrorsAndOutages() {
        RestAssured.given().contentType(ContentType.JSON)
                .body(Map.of("rateLimitNext", 1, "retryAfterSeconds", 7, "serverErrorNext", 1, "serverErrorStatus", 500))
                .put("/sandbox/crm/_sandbox/faults").then().statusCode(200).body("rateLimitNext", equalTo(1));
        authorized().body(task(key())).post(TASKS).then().statusCode(429).header("Retry-After", "7")
                .body("[0].errorCode", equalTo("REQUEST_LIMIT_EXCEEDED"));
        authorized().body(task(key())).post(TASKS).then().statusCode(500);
        authorized().body(task(key())).post(TASKS).then().statusCode(201);
        RestAssured.get("/sandbox/crm/_sandbox/faults").then().statusCode(200)
                .body("rateLimitNext", equalTo(0)).body("serverErrorNext", equalTo(0));

        RestAssured.given().contentType(ContentType.JSON).body(Map.of("down", true))
                .put("/sandbox/crm/_sandbox/faults").then().statusCode(200);
        authorized().body(task(key())).post(TASKS).then().statusCode(503);
        authorized().body(task(key())).post(TASKS).then().statusCode(503);
    }

    @Test
    void theJournalMasksTheTokenAndCanBeCleared() {
        String key = key();
        authorized().body(task(key)).post(TASKS).then().statusCode(201);
        String journal = RestAssured.get("/sandbox/crm/_sandbox/requests").then().statusCode(200)
                .body("findAll { it.body != null && it.body.contains('" + key + "') }.headers.Authorization",
                        equalTo(java.util.List.of("Bearer ****")))
                .extract().asString();
        org.assertj.core.api.Assertions.assertThat(journal).doesNotContain(token);
        RestAssured.delete("/sandbox/crm/_sandbox/requests").then().statusCode(204);
        RestAssured.get("/sandbox/crm/_sandbox/requests").then().statusCode(200)
                .body(not(containsString(key)));
    }
}
