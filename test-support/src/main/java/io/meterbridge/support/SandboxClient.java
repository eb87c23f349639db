package io.meterbridge.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/**
 * One client for the sandboxes' documented control API (docs/api/sandboxes.md): fault switches, the clock, stored records,
 * request journals and statistics, for every simulated vendor. Tests use it instead of talking to /_sandbox/ paths
 * themselves. Requests go to RestAssured's base URI and port, which a Quarkus test sets to the hub under test.
 */
public final class SandboxClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String root;

    private SandboxClient(String vendor) {
        this.root = "/sandbox/" + vendor + "/_sandbox";
    }

    public static SandboxClient stripe() {
        return new SandboxClient("stripe");
    }

    public static SandboxClient chargebee() {
        return new SandboxClient("chargebee");
    }

    public static SandboxClient crm() {
        return new SandboxClient("crm");
    }

    public static SandboxClient netSuite() {
        return new SandboxClient("netsuite");
    }

    public static SandboxClient businessCentral() {
        return new SandboxClient("bc");
    }

    /** A sandbox by the name of its path: stripe, chargebee, crm, netsuite, bc. */
    public static SandboxClient of(String vendor) {
        return new SandboxClient(vendor);
    }

    /** The control API under this sandbox's root, for a call this client has no method for. */
    public RequestSpecification control() {
        return RestAssured.given().basePath(root);
    }

    /** Replaces the fault switches (a switch left out is off). */
    public SandboxClient faults(Map<String, ?> switches) {
        control().contentType(ContentType.JSON).body(switches).put("faults").then().statusCode(200);
        return this;
    }

    /** Replaces the fault switches with the given JSON object. */
    public SandboxClient faults(String json) {
        control().contentType(ContentType.JSON).body(json).put("faults").then().statusCode(200);
        return this;
    }

    public SandboxClient noFaults() {
        return faults("{}");
    }

    /** Moves this sandbox's clock forward (idempotency keys and, at Stripe, meter event identifiers expire on it). */
    public SandboxClient advanceClock(java.time.Duration step) {
        control().contentType(ContentType.JSON).body(Map.of("seconds", step.toSeconds())).post("clock/advance")
                .then().statusCode(200);
        return this;
    }

    /** Back to real time. */
    public SandboxClient realClock() {
        control().delete("clock").then().statusCode(200);
        return this;
    }

    public JsonNode stats() {
        return json(control().get("stats").then().statusCode(200).extract().asString());
    }

    /** The records the sandbox holds of a type (NetSuite record types, Business Central entity sets). */
    public List<JsonNode> records(String type) {
        return list(control().queryParam("type", type).get("records").then().statusCode(200).extract().asString());
    }

    public List<JsonNode> records(String type, String field, String value) {
        return records(type).stream().filter(r -> value.equals(r.path(field).asText())).toList();
    }

    /** The records of a type as a JsonPath, for GPath filters ({@code findAll { it.externalId == ... }}). */
    public JsonPath recordsJson(String type) {
        return control().queryParam("type", type).get("records").then().statusCode(200).extract().jsonPath();
    }

    /** The request journal as a JsonPath, for GPath filters. */
    public JsonPath journalJson() {
        return control().get("requests").then().statusCode(200).extract().jsonPath();
    }

    /** The CRM sandbox's tasks, oldest first. */
    public List<JsonNode> tasks() {
        return list(control().get("tasks").then().statusCode(200).extract().asString());
    }

    /** The request journal, oldest first. */
    public List<JsonNode> journal() {
        return list(journalText());
    }

    /** The journal as the sandbox answers it (to look for a string anywhere in it). */
    public String journalText() {
        return control().get("requests").then().statusCode(200).extract().asString();
    }

    /** Sequence number of the journal's newest entry: later entries are the caller's. */
    public long mark() {
        return journal().stream().mapToLong(e -> e.path("seq").asLong()).max().orElse(0);
    }

    /** Journal entries after {@code mark}, oldest first. */
    public List<JsonNode> journalSince(long mark) {
        return journal().stream().filter(e -> e.path("seq").asLong() > mark).toList();
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new IllegalStateException("the sandbox answered no JSON: " + body, e);
        }
    }

    private static List<JsonNode> list(String body) {
        List<JsonNode> out = new ArrayList<>();
        json(body).forEach(out::add);
        return out;
    }
}
