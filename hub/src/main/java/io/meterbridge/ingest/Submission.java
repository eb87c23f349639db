package io.meterbridge.ingest;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One signed unit of input: an HTTP request body or a raw-topic record. Either it was admitted (the signing source
 * is known and {@code events} holds the parsed events) or it was turned away whole ({@code rejection}).
 */
public record Submission(Channel channel, String signingSource, List<JsonNode> events, Instant receivedAt,
        RejectionReason rejection, byte[] rejectedBody) {

    public enum Channel {
        HTTP, KAFKA;

        public String tag() {
            return name().toLowerCase();
        }
    }

    public static Submission admitted(Channel channel, String signingSource, List<JsonNode> events, Instant receivedAt) {
        return new Submission(channel, signingSource, events, receivedAt, null, null);
    }

    public static Submission rejected(Channel channel, String signingSource, RejectionReason reason, byte[] body,
            Instant receivedAt) {
        return new Submission(channel, signingSource, List.of(), receivedAt, reason, body);
    }

    public boolean isRejected() {
        return rejection != null;
    }
}
