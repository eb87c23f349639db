package io.meterbridge.erp.bc;

import io.meterbridge.support.SandboxClient;
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

    /** The control API, through the one sandbox client of test-support. */
    static final SandboxClient SANDBOX = SandboxClient.businessCentral();

    static RequestSpecification control() {
        return SANDBOX.control();
    }

    static void faults(String json) {
        SANDBOX.faults(json);
    }

    static void noFaults() {
        SANDBOX.noFaults();
    }

    static JsonNode stats() {
        return SANDBOX.stats();
    }

    static List<JsonNode> records(String type) {
        return SANDBOX.records(type);
    }

    static List<JsonNode> records(String type, String field, String value) {
        return SANDBOX.records(type, field, value);
    }

    /** Sequence number of the journal's newest entry: later entries are this test's. */
    static long mark() {
        return SANDBOX.mark();
    }

    /** Journal entries after {@code mark}, oldest first. */
    static List<JsonNode> journal(long mark) {
        return SANDBOX.journalSince(mark);
    }

    static String journalText() {
        return SANDBOX.journalText();
    }

    static BcSalesInvoice invoice(String key, String customer, BcSalesLine... lines) {
        return new BcSalesInvoice(key, customer, LocalDate.of(2026, 11, 30), LocalDate.of(2026, 11, 30),
                LocalDate.of(2026, 12, 30), null, "PO-" + key, List.of(lines));
    }

    static BcSalesLine line(String item, String quantity, String price) {
        return BcSalesLine.item(item, "usage " + item, new BigDecimal(quantity), new BigDecimal(price));
    }


    /**
     * Waits until route business-central-call's circuit breaker lets calls through: the breaker is shared by every test
     * of the run, and an earlier test's faults may have opened it.
     */
    static void awaitClosedCircuit(BusinessCentralConnector bc) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15))
                .pollInterval(java.time.Duration.ofMillis(200)).ignoreException(io.meterbridge.erp.ErpException.class)
                .until(() -> bc.ensureCustomer(BcCustomer.of("BREAKERPROBE", "Breaker probe")) != null);
    }
}
