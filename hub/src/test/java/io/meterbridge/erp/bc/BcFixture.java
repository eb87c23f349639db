package io.meterbridge.erp.bc;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/** Helpers of the Business Central tests: raw sandbox calls, its journal, records, stats and fault switches. */
final class BcFixture {

    static final String ROOT = "/sandbox/bc";
    static final String COMPANY = "5e2a1c3b-7d4f-4a8e-9b61-0c2d3e4f5a6b";
    static final String API = ROOT + "/v2.0/meterbridge-sandbox/sandbox/api/v2.0";
    static final String COMPANY_API = API + "/companies(" + COMPANY + ")";
    static final String CONNECTOR_CLIENT = "meterbridge-hub";
    static final String CONNECTOR_SECRET = "bc-sandbox-client-secret";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private BcFixture() {
    }

    static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10).toUpperCase();
    }

    /** A fresh token for a client of the test's own (its own concurrency and rate buckets). */
    static String token(String clientId) {
        return RestAssured.given().contentType("application/x-www-form-urlencoded")
                .formParam("grant_type", "client_credentials").formParam("client_id", clientId)
                .formParam("client_secret", "raw-test-secret").formParam("scope", "https://api.businesscentral.dynamics.com/.default")
                .post(ROOT + "/oauth2/token").then().statusCode(200).extract().path("access_token");
    }

    static RequestSpecification raw(String token) {
        return RestAssured.given().header("Authorization", "Bearer " + token).contentType("application/json")
                .urlEncodingEnabled(false);
    }

    static JsonNode json(String body) {
        try {
            return MAPPER.readTree(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static RequestSpecification control() {
        return RestAssured.given().basePath(ROOT + "/_sandbox");
    }

    static void faults(String json) {
        control().contentType("application/json").body(json).put("faults").then().statusCode(200);
    }

    static void noFaults() {
        faults("{}");
    }

    static JsonNode stats() {
        return json(control().get("stats").then().statusCode(200).extract().asString());
    }

    static List<JsonNode> records(String type) {
        List<JsonNode> out = new ArrayList<>();
        json(control().queryParam("type", type).get("records").then().statusCode(200).extract().asString())
                .forEach(out::add);
        return out;
    }

    static List<JsonNode> records(String type, String field, String value) {
        return records(type).stream().filter(r -> value.equals(r.path(field).asText())).toList();
    }

    /** Sequence number of the journal's newest entry: later entries are this test's. */
    static long mark() {
        long max = 0;
        for (JsonNode e : journal(0)) {
            max = Math.max(max, e.path("seq").asLong());
        }
        return max;
    }

    /** Journal entries after {@code mark}, oldest first. */
    static List<JsonNode> journal(long mark) {
        List<JsonNode> out = new ArrayList<>();
        json(control().get("requests").then().statusCode(200).extract().asString()).forEach(e -> {
            if (e.path("seq").asLong() > mark) {
                out.add(e);
            }
        });
        return out;
    }

    static String journalText() {
        return control().get("requests").then().statusCode(200).extract().asString();
    }

    static BcSalesInvoice invoice(String key, String customer, BcSalesLine... lines) {
        return new BcSalesInvoice(key, customer, LocalDate.of(2026, 11, 30), LocalDate.of(2026, 11, 30),
                LocalDate.of(2026, 12, 30), null, "PO-" + key, List.of(lines));
    }

    static BcSalesLine line(String item, String quantity, String price) {
        return BcSalesLine.item(item, "usage " + item, new BigDecimal(quantity), new BigDecimal(price));
    }

}
