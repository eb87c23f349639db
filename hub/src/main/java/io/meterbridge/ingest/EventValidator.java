package io.meterbridge.ingest;

import java.time.Instant;
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
    private final com.fasterxml.jackson.databind.ObjectMapper mapper;

    public EventValidator(EventSchemas schemas, Tokenizer tokenizer, com.fasterxml.jackson.databind.ObjectMapper mapper) {
        this.schemas = schemas;
        this.tokenizer = tokenizer;
        this.mapper = mapper;
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

    /**
     * Validates, then tokenizes the event IN PLACE: the parsed tree belongs to this submission only, and copying every
     * event was a tenth of the hot path's allocations.
     *
     * @param receivedAtText the submission's receipt time, formatted once per submission
     */
    public Outcome validate(JsonNode node, int index, String signingSource, Instant receivedAt, String receivedAtText) {
        if (!node.isObject()) {
            return reject(null, null, "event", "event[" + index + "]: expected a JSON object",
                    node.isContainerNode() || node.isTextual() ? tokenizeStrings(node) : node);
        }
        ObjectNode event = (ObjectNode) node;
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
        if (resolution.schema() == null) {
            return reject(source, id, "schema_unknown", resolution.failure(), tokenizeAll(event));
        }
        EventSchemas.EventSchema schema = resolution.schema();
        Instant time;
        JsonNode timeNode = event.get("time");
        if (timeNode == null || timeNode.isNull()) {
            time = receivedAt;
        } else {
            try {
                if (!timeNode.isTextual()) {
                    throw new DateTimeParseException("not a string", timeNode.toString(), 0);
                }
                time = Instant.parse(timeNode.asText()); // RFC 3339: an offset is required, any offset is taken
            } catch (DateTimeParseException e) {
                return reject(source, id, "time", "time: '" + timeNode.asText()
                        + "' is not an RFC 3339 timestamp (e.g. 2026-11-24T10:15:00Z)", tokenize(event, schema));
            }
        }
        // Validate the producer's original values first: tokens would not satisfy a schema's formats.
        JsonNode data = event.get("data");
        if (data == null || !data.isObject()) {
            String problem = data == null ? "required, must be a JSON object" : "must be a JSON object, got "
                    + data.getNodeType().name().toLowerCase();
            return reject(source, id, "data", "data: " + problem, tokenize(event, schema));
        }
        Set<ValidationMessage> errors = schema.validator().validate(data);
        if (!errors.isEmpty()) {
            String detail = errors.stream()
                    .sorted(Comparator.comparing(m -> m.getInstanceLocation().toString()))
                    .map(EventValidator::describe)
                    .collect(Collectors.joining("; "));
            return reject(source, id, "schema", detail + " (schema " + schema.ref() + ")", tokenize(event, schema));
        }
        ObjectNode tokenized = tokenize(event, schema);
        tokenized.put("time", timeNode != null && timeNode.isTextual() && timeNode.asText().endsWith("Z")
                ? timeNode.asText() : time.toString());
        tokenized.put(SCHEMA_ATTRIBUTE, schema.ref());
        tokenized.put(RECEIVED_ATTRIBUTE, receivedAtText);
        return new Valid(new ValidEvent(source, id, text(event, "subject"), time, schema.ref(), tokenized));
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
            root = mapper.readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
        if (root == null) {
            return null;
        }
        ArrayNode events = root.isArray() ? (ArrayNode) root : mapper.createArrayNode().add(root);
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) instanceof ObjectNode object) {
                tokenizeAll(object);
            } else {
                events.set(i, tokenizeStrings(events.get(i)));
            }
        }
        return events;
    }
}
