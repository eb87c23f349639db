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

    /**
     * The id of the event (same source) this one retracts or corrects (ingest attributes {@code retracts} and
     * {@code corrects}), or null for an ordinary event.
     */
    public String adjusts() {
        String retracts = raw.path("retracts").asText(null);
        return retracts != null ? retracts : raw.path("corrects").asText(null);
    }

    /** RETRACT, CORRECT, or null for an ordinary event. */
    public String adjustment() {
        return raw.hasNonNull("retracts") ? "RETRACT" : raw.hasNonNull("corrects") ? "CORRECT" : null;
    }

    /** The same event as if it had happened at {@code at}: a correction is metered at its original's time. */
    MeteredEvent at(Instant at) {
        return new MeteredEvent(source, id, subject, type, at, at.toString(), schemaRef, data, raw);
    }
}
