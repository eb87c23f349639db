package io.meterbridge.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * CloudEvents binary content mode: the attributes travel as headers ({@code ce-id} over HTTP, {@code ce_id} on Kafka)
 * and the body is the event's {@code data}. Turns such a message into the same event object the structured mode
 * carries, and defines what a signature covers in this mode: the attributes too, or a captured request could be
 * replayed with another subject or id.
 */
public final class CloudEventsBinding {

    public static final String HTTP_PREFIX = "ce-";
    public static final String KAFKA_PREFIX = "ce_";

    private CloudEventsBinding() {
    }

    /** The ce- (or ce_) headers as attributes, sorted by name; empty when the message is not in binary mode. */
    public static Map<String, String> attributes(Map<String, Object> headers, String prefix) {
        Map<String, String> attributes = new TreeMap<>();
        headers.forEach((name, value) -> {
            if (name.length() > prefix.length() && name.regionMatches(true, 0, prefix, 0, prefix.length()) && value != null) {
                String text = value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : value.toString();
                // HTTP binding: values are percent-encoded outside printable ASCII; Kafka binding: plain UTF-8.
                attributes.put(name.substring(prefix.length()).toLowerCase(Locale.ROOT),
                        prefix.equals(HTTP_PREFIX) ? percentDecode(text) : text);
            }
        });
        return attributes.containsKey("specversion") ? attributes : Map.of();
    }

    /**
     * What a binary-mode HMAC covers, after {@code "<t>."}: each attribute as {@code name:value\n} in name order, an
     * empty line, then the body bytes. docs/api/ingest.md#binary-content-mode.
     */
    public static byte[] signedPayload(Map<String, String> attributes, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 256);
        attributes.forEach((name, value) -> out.writeBytes((name + ":" + value + "\n").getBytes(StandardCharsets.UTF_8)));
        out.write('\n');
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** The event the binary message stands for; {@code data} is the body, which must be JSON. */
    public static ObjectNode event(ObjectMapper mapper, Map<String, String> attributes, String contentType, byte[] body) {
        ObjectNode event = mapper.createObjectNode();
        attributes.forEach(event::put);
        if (contentType != null && !contentType.isBlank()) {
            event.put("datacontenttype", contentType);
        }
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json") && !mediaType.endsWith("+json")) {
            throw new RequestRejectedException(415, RejectionReason.of("content_type", "Content-Type: '" + contentType
                    + "' is not accepted for binary-mode data; send application/json"), true);
        }
        if (body.length > 0) {
            try {
                JsonNode data = mapper.readTree(body);
                if (data != null) {
                    event.set("data", data);
                }
            } catch (IOException e) {
                throw new RequestRejectedException(400, RejectionReason.of("malformed",
                        "body: binary-mode data is not JSON"), true);
            }
        }
        return event;
    }

    static String percentDecode(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%' && i + 2 < value.length()) {
                try {
                    out.write(Integer.parseInt(value.substring(i + 1, i + 3), 16));
                    i += 2;
                    continue;
                } catch (NumberFormatException e) {
                    // not an escape: keep the character
                }
            }
            out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
