package io.meterbridge.metering;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/** An accepted event as the metering route reads it from the accepted topic (or from quarantine). */
public record MeteredEvent(String source, String id, String subject, String type, Instant time, String schemaRef,
        JsonNode data, JsonNode raw) {

    public static MeteredEvent of(JsonNode event) {
        return new MeteredEvent(event.path("source").asText(), event.path("id").asText(),
                event.path("subject").asText(), event.path("type").asText(), Instant.parse(event.path("time").asText()),
                event.path("meterbridgeschema").asText(""), event.path("data"), event);
    }
}
