package io.meterbridge.support;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/** Builds CloudEvents and sends them signed, the way a producer does. */
public final class Events {

    public static final ObjectMapper MAPPER = new ObjectMapper();
    public static final String SOURCE = "demo";
    public static final String SECRET = "demo-secret";
    public static final String BATCH = "application/cloudevents-batch+json";
    public static final String SINGLE = "application/cloudevents+json";

    private Events() {
    }

    public static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    public static ObjectNode apiRequest(String id, int count, String userId) {
        ObjectNode event = MAPPER.createObjectNode();
        event.put("specversion", "1.0");
        event.put("id", id);
        event.put("source", SOURCE);
        event.put("type", "api.request");
        event.put("subject", "acme");
        event.put("time", "2026-11-24T09:00:00Z");
        ObjectNode data = event.putObject("data");
        data.put("count", count);
        data.put("endpoint", "GET /v1/orders");
        data.put("user_id", userId);
        return event;
    }

    public static ArrayNode batch(ObjectNode... events) {
        ArrayNode batch = MAPPER.createArrayNode();
        for (ObjectNode event : events) {
            batch.add(event);
        }
        return batch;
    }

    public static byte[] bytes(Object json) {
        try {
            return json instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : MAPPER.writeValueAsBytes(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static String signature(byte[] body) {
        return ProducerSignature.sign(SECRET, Instant.now().getEpochSecond(), body);
    }

    /** POSTs the body signed by the demo source. */
    public static Response post(Object json, String contentType) {
        byte[] body = bytes(json);
        return post(body, contentType, signature(body));
    }

    public static Response post(byte[] body, String contentType, String signatureHeader) {
        var request = RestAssured.given().contentType(contentType).body(body);
        if (signatureHeader != null) {
            request.header(ProducerSignature.HEADER, signatureHeader);
        }
        return request.when().post("/api/v1/events");
    }
}
