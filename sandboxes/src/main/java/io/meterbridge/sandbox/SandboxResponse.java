package io.meterbridge.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** What a sandbox answers: a status, a JSON body (null for none) and extra headers. Immutable once built. */
public record SandboxResponse(int status, JsonNode body, Map<String, String> headers) {

    public SandboxResponse {
        headers = Map.copyOf(headers);
    }

    public static SandboxResponse of(int status, JsonNode body) {
        return new SandboxResponse(status, body, Map.of());
    }

    public SandboxResponse withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new SandboxResponse(status, body, copy);
    }
}
