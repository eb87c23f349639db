package io.meterbridge.platform;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The message an outbox relay publishes for a claimed row: only {@code {"id": ...}}. The consumer loads the row and
 * sends what the database holds, so whoever can write to the topic cannot choose what is sent.
 */
public final class OutboxMessage {

    private OutboxMessage() {
    }

    /** The relay's step input for one claimed row: {id, key, message}, the record key falling back to the id. */
    public static Map<String, String> of(ObjectMapper mapper, String id, String key) throws JsonProcessingException {
        return Map.of("id", id, "key", key == null ? id : key, "message", mapper.writeValueAsString(Map.of("id", id)));
    }

    /** The row id of a message, or null when the message is not one (anything else is ignored, never trusted). */
    public static String idOf(ObjectMapper mapper, byte[] body) {
        try {
            JsonNode message = body == null ? null : mapper.readTree(body);
            JsonNode id = message == null ? null : message.get("id");
            return id != null && id.isTextual() && !id.asText().isBlank() ? id.asText() : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
