package io.meterbridge.metering;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/** An accepted event as the metering route reads it from the accepted topic (or from quarantine). */
public record MeteredEvent(String source, String id, String subject, String type, Instant time, String timeText,
        String schemaRef, JsonNode data, JsonNode raw) {

    public static MeteredEvent of(JsonNode event) {
        String time = event.path("time").asText();
        return new MeteredEvent(event.path("source").asText(), event.path("id").asText(),
                event.path("subject").asText(), event.path("type").asText(), Instant.parse(time), time,
                event.path("meterbridgeschema").asText(""), event.path("data"), event);
    }
}
