package io.meterbridge.producer;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One usage event as a CloudEvent 1.0. {@code data} is given as JSON text (serialise it with the JSON library you
 * already use); the other attributes are strings. Build it with {@link #builder()}.
 */
public final class CloudEvent {

    private final Map<String, String> attributes;
    private final String dataJson;

    private CloudEvent(Map<String, String> attributes, String dataJson) {
        this.attributes = Map.copyOf(attributes);
        this.dataJson = dataJson;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String id() {
        return attributes.get("id");
    }

    /** Every attribute but {@code data}, by name. */
    public Map<String, String> attributes() {
        return attributes;
    }

    public String dataJson() {
        return dataJson;
    }

    /** The event in the structured JSON format. */
    public String toJson() {
        StringBuilder json = new StringBuilder("{");
        attributes.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(a -> {
            Json.string(json, a.getKey());
            json.append(':');
            Json.string(json, a.getValue());
            json.append(',');
        });
        json.append("\"data\":").append(dataJson).append('}');
        return json.toString();
    }

    public static final class Builder {
        private final Map<String, String> attributes = new LinkedHashMap<>();
        private String dataJson;

        private Builder() {
            attributes.put("specversion", "1.0");
        }

        /** Unique per source; reuse the same id when you resend, so the hub counts the event once. Default: a UUID. */
        public Builder id(String id) {
            return attribute("id", id);
        }

        public Builder source(String source) {
            return attribute("source", source);
        }

        public Builder type(String type) {
            return attribute("type", type);
        }

        /** The tenant (customer) the usage belongs to. */
        public Builder subject(String subject) {
            return attribute("subject", subject);
        }

        public Builder time(Instant time) {
            return attribute("time", time.toString());
        }

        public Builder dataschema(String dataschema) {
            return attribute("dataschema", dataschema);
        }

        /** An extension attribute (lower-case letters and digits). The hub tokenizes extension values. */
        public Builder extension(String name, String value) {
            if (!name.matches("[a-z0-9]{1,20}")) {
                throw new IllegalArgumentException("extension name must be 1-20 lower-case letters or digits: " + name);
            }
            return attribute(name, value);
        }

        /** The event's data as a JSON object, e.g. {@code {"count":3,"endpoint":"GET /v1/orders"}}. */
        public Builder data(String json) {
            String trimmed = Objects.requireNonNull(json, "data").trim();
            if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) {
                throw new IllegalArgumentException("data must be a JSON object");
            }
            this.dataJson = trimmed;
            return this;
        }

        private Builder attribute(String name, String value) {
            attributes.put(name, Objects.requireNonNull(value, name));
            return this;
        }

        public CloudEvent build() {
            attributes.putIfAbsent("id", UUID.randomUUID().toString());
            for (String required : new String[] {"source", "type", "subject"}) {
                if (!attributes.containsKey(required)) {
                    throw new IllegalStateException(required + " is required");
                }
            }
            if (dataJson == null) {
                throw new IllegalStateException("data is required");
            }
            return new CloudEvent(attributes, dataJson);
        }
    }
}
