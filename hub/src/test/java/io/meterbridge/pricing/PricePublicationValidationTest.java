package io.meterbridge.pricing;

import java.util.List;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.People.as;
import static io.meterbridge.support.People.graduatedApiRequests;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;

/**
 * A published price version is validated as the price-book files are (schema, then the load checks), each error
 * naming the field; the files are the seed: a version of theirs is never redefined through the API.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class PricePublicationValidationTest {

    @Test
    void aVersionOfThePriceBookFilesIsNotRedefined() {
        as("priya").body(graduatedApiRequests("api-requests-2026-v1", "100000", "0.0011", "0.0008"))
                .post("/api/v1/billing/price-versions").then().statusCode(400)
                .body("error", allOf(containsString("$.id"), containsString("defined otherwise in the price-book files")));
    }

    @Test
    void aDefinitionIsValidatedLikeTheFilesNamingTheField() {
        Map<String, Object> descending = new java.util.LinkedHashMap<>(graduatedApiRequests(uniqueId("bad"), "1000",
                "0.02", "0.01"));
        descending.put("tiers", List.of(Map.of("upTo", "1000", "unitPrice", "0.02"),
                Map.of("upTo", "500", "unitPrice", "0.01"), Map.of("unitPrice", "0.005")));
        as("priya").body(descending).post("/api/v1/billing/price-versions").then().statusCode(400)
                .body("error", containsString("tiers[1].upTo: 500 is not above tiers[0].upTo 1000"));

        Map<String, Object> misspelt = new java.util.LinkedHashMap<>(graduatedApiRequests(uniqueId("bad"), "1000",
                "0.02", "0.01"));
        misspelt.put("minimumCharg", "5.00");
        as("priya").body(misspelt).post("/api/v1/billing/price-versions").then().statusCode(400)
                .body("error", containsString("$.minimumCharg: unknown key 'minimumCharg'"));

        Map<String, Object> francs = new java.util.LinkedHashMap<>(graduatedApiRequests(uniqueId("bad"), "1000",
                "0.02", "0.01"));
        francs.put("currency", "XYZ");
        as("priya").body(francs).post("/api/v1/billing/price-versions").then().statusCode(400)
                .body("error", containsString("$.currency: XYZ has no rounding rule"));
    }
}
