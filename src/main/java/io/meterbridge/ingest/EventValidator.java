package io.meterbridge.ingest;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.ValidationMessage;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Checks one CloudEvent (required attributes, signing source, time, data against its versioned schema) and
 * tokenizes its personal fields. Rejected events are tokenized too: they go to the dead-letter topic.
 */
@ApplicationScoped
public class EventValidator {

    /** Extension attributes the hub adds (CloudEvents extension names: lower-case letters and digits). */
    public static final String SCHEMA_ATTRIBUTE = "meterbridgeschema";
    public static final String RECEIVED_ATTRIBUTE = "meterbridgereceived";

    private final EventSchemas schemas;
    private final Tokenizer tokenizer;

    public EventValidator(EventSchemas schemas, Tokenizer tokenizer) {
        this.schemas = schemas;
        this.tokenizer = tokenizer;
    }

    /** An event that passed: tokenized, its time settled, its schema version recorded. */
    public record ValidEvent(String source, String id, String subject, Instant time, String schemaRef, ObjectNode event) {
    }

    /** An event turned away; {@code event} is its tokenized original (null when it was not a JSON object). */
    public record RejectedEvent(String source, String id, RejectionReason reason, JsonNode event) {
    }

    public sealed interface Outcome permits Valid, Invalid {
    }

    public record Valid(ValidEvent event) implements Outcome {
    }

    public record Invalid(RejectedEvent event) implements Outcome {
    }

    public Outcome validate(JsonNode node, int index, String signingSource, Instant receivedAt) {
        if (!node.isObject()) {
            return reject(null, null, "event", "event[" + index + "]: expected a JSON object", null);
        }
        ObjectNode event = ((ObjectNode) node).deepCopy();
        String id = text(event, "id");
        String source = text(event, "source");
        for (String attribute : List.of("id", "source", "specversion", "type", "subject")) {
            String value = text(event, attribute);
            if (value == null || value.isEmpty()) {
                String problem = event.has(attribute) ? "must be a non-empty string" : "required attribute is missing";
                return reject(source, id, "missing_attribute", attribute + ": " + problem, tokenizeAll(event));
            }
        }
        if (!"1.0".equals(text(event, "specversion"))) {
            return reject(source, id, "specversion",
                    "specversion: must be \"1.0\", got \"" + text(event, "specversion") + "\"", tokenizeAll(event));
        }
        if (!source.equals(signingSource)) {
            return reject(source, id, "source_mismatch",
                    "source: '" + source + "' is not the signing source '" + signingSource + "'", tokenizeAll(event));
        }
        String type = text(event, "type");
        EventSchemas.Resolution resolution = schemas.resolve(type, text(event, "dataschema"));
        ObjectNode tokenized = resolution.schema() == null ? tokenizeAll(event) : tokenize(event, resolution.schema());
        if (resolution.schema() == null) {
            return reject(source, id, "schema_unknown", resolution.failure(), tokenized);
        }
        Instant time;
        JsonNode timeNode = event.get("time");
        if (timeNode == null || timeNode.isNull()) {
            time = receivedAt;
        } else {
            try {
                if (!timeNode.isTextual()) {
                    throw new DateTimeParseException("not a string", timeNode.toString(), 0);
                }
                time = OffsetDateTime.parse(timeNode.asText(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            } catch (DateTimeParseException e) {
                return reject(source, id, "time", "time: '" + timeNode.asText()
                        + "' is not an RFC 3339 timestamp (e.g. 2026-11-24T10:15:00Z)", tokenized);
            }
        }
        // Validate the producer's original values: tokens would not satisfy a schema's formats.
        JsonNode data = node.get("data");
        if (data == null || !data.isObject()) {
            String problem = data == null ? "required, must be a JSON object" : "must be a JSON object, got "
                    + data.getNodeType().name().toLowerCase();
            return reject(source, id, "data", "data: " + problem, tokenized);
        }
        Set<ValidationMessage> errors = resolution.schema().validator().validate(data);
        if (!errors.isEmpty()) {
            String detail = errors.stream()
                    .sorted(Comparator.comparing(m -> m.getInstanceLocation().toString()))
                    .map(EventValidator::describe)
                    .collect(Collectors.joining("; "));
            return reject(source, id, "schema", detail + " (schema " + resolution.schema().ref() + ")", tokenized);
        }
        tokenized.put("time", DateTimeFormatter.ISO_INSTANT.format(time));
        tokenized.put(SCHEMA_ATTRIBUTE, resolution.schema().ref());
        tokenized.put(RECEIVED_ATTRIBUTE, DateTimeFormatter.ISO_INSTANT.format(receivedAt));
        return new Valid(new ValidEvent(source, id, text(event, "subject"), time, resolution.schema().ref(), tokenized));
    }

    /** "data.count: must have a minimum value of 1": the field's path inside the event, then the problem. */
    private static String describe(ValidationMessage message) {
        StringBuilder path = new StringBuilder("data");
        com.networknt.schema.JsonNodePath location = message.getInstanceLocation();
        for (int i = 0; i < location.getNameCount(); i++) {
            Object element = location.getElement(i);
            if (element instanceof Integer index) {
                path.append('[').append(index).append(']');
            } else {
                path.append('.').append(element);
            }
        }
        if ("required".equals(message.getType()) && message.getProperty() != null) {
            path.append('.').append(message.getProperty());
            return path + ": required field is missing";
        }
        String error = message.getError();
        return path + ": " + (error == null ? message.getMessage() : error);
    }

    private static Invalid reject(String source, String id, String code, String detail, JsonNode event) {
        return new Invalid(new RejectedEvent(source, id, RejectionReason.of(code, detail), event));
    }

    private static String text(ObjectNode event, String attribute) {
        JsonNode value = event.get(attribute);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    /** Tokenizes the fields the schema marks personal, in place on the copy. */
    private ObjectNode tokenize(ObjectNode event, EventSchemas.EventSchema schema) {
        JsonNode data = event.get("data");
        if (data != null && !data.isObject()) {
            event.set("data", tokenizeStrings(data)); // not the shape the schema describes: trust no field of it
        } else if (data != null) {
            for (List<String> path : schema.personalPaths()) {
                tokenizePath(data, path, 0);
            }
        }
        return event;
    }

    private void tokenizePath(JsonNode node, List<String> path, int depth) {
        String step = path.get(depth);
        boolean last = depth == path.size() - 1;
        if (step.equals("*") && node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (last) {
                    array.set(i, tokenizeValue(array.get(i)));
                } else {
                    tokenizePath(array.get(i), path, depth + 1);
                }
            }
        } else if (node instanceof ObjectNode object && object.has(step)) {
            if (last) {
                object.set(step, tokenizeValue(object.get(step)));
            } else {
                tokenizePath(object.get(step), path, depth + 1);
            }
        }
    }

    /**
     * An event whose schema is unknown may carry personal data anywhere in {@code data}: every string there becomes
     * a token, numbers and booleans stay (they keep a dead letter useful for diagnosis).
     */
    private ObjectNode tokenizeAll(ObjectNode event) {
        JsonNode data = event.get("data");
        if (data != null) {
            event.set("data", tokenizeStrings(data));
        }
        return event;
    }

    private JsonNode tokenizeStrings(JsonNode node) {
        if (node.isTextual()) {
            return new TextNode(tokenizer.token(node.asText()));
        }
        if (node instanceof ObjectNode object) {
            object.fields().forEachRemaining(field -> field.setValue(tokenizeStrings(field.getValue())));
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, tokenizeStrings(array.get(i)));
            }
        }
        return node;
    }

    /** A personal value of any JSON type becomes a token of its text; containers are tokenized leaf by leaf. */
    private JsonNode tokenizeValue(JsonNode value) {
        if (value == null || value.isNull()) {
            return value;
        }
        if (value.isContainerNode()) {
            return tokenizeStrings(value);
        }
        return new TextNode(tokenizer.token(value.asText()));
    }

    /**
     * A body turned away whole (bad signature, over a limit): parsed if it can be, with every string in each event's
     * {@code data} tokenized; null when it is not JSON (then only its digest is kept).
     */
    public JsonNode tokenizedCopy(byte[] body) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
        if (root == null) {
            return null;
        }
        ArrayNode events = root.isArray() ? (ArrayNode) root : MAPPER.createArrayNode().add(root);
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) instanceof ObjectNode object) {
                tokenizeAll(object);
            } else {
                events.set(i, tokenizeStrings(events.get(i)));
            }
        }
        return events;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();
}
