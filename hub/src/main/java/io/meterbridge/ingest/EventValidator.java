package io.meterbridge.ingest;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.HashSet;
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
 * Checks one CloudEvent (required attributes, signing source and what it is registered for, time, data against its
 * versioned schema) and tokenizes what may be personal. Rejected events are tokenized too: they go to the dead-letter
 * topic, and their reasons never hold a personal value.
 */
@ApplicationScoped
public class EventValidator {

    /** Extension attributes the hub adds (CloudEvents extension names: lower-case letters and digits). */
    public static final String SCHEMA_ATTRIBUTE = "meterbridgeschema";
    public static final String RECEIVED_ATTRIBUTE = "meterbridgereceived";

    /**
     * Extension attributes a producer sets to take back an event it sent (docs/api/ingest.md#retractions-and-corrections):
     * the value is the {@code id} of the original, of the same {@code source}. {@code retracts} cancels the original's
     * usage; {@code corrects} replaces it by this event's {@code data}.
     */
    public static final String RETRACTS_ATTRIBUTE = "retracts";
    public static final String CORRECTS_ATTRIBUTE = "corrects";

    /** Attributes that are never personal; every other (extension) attribute is tokenized. */
    static final Set<String> PLAIN_ATTRIBUTES = Set.of("specversion", "id", "source", "type", "subject", "time",
            "datacontenttype", "dataschema", "data", "data_base64", "traceparent", "tracestate", RETRACTS_ATTRIBUTE,
            CORRECTS_ATTRIBUTE);
    /** Shorter originals are not scrubbed from reasons: they would mangle the text and identify nobody. */
    private static final int SCRUB_MIN_LENGTH = 3;

    private final EventSchemas schemas;
    private final Tokenizer tokenizer;
    private final com.fasterxml.jackson.databind.ObjectMapper mapper;
    private final SourceRegistry sources;
    private final ValueLimits limits;

    public EventValidator(EventSchemas schemas, Tokenizer tokenizer, com.fasterxml.jackson.databind.ObjectMapper mapper,
            SourceRegistry sources, ValueLimits limits) {
        this.schemas = schemas;
        this.tokenizer = tokenizer;
        this.mapper = mapper;
        this.sources = sources;
        this.limits = limits;
    }

    /**
     * {@code retracts} and {@code corrects}: a non-empty string, the id of another event (never this one), and not both
     * on one event (a correction already takes the original's value away).
     */
    private static RejectionReason adjustmentProblem(ObjectNode event, String id) {
        String found = null;
        for (String attribute : List.of(RETRACTS_ATTRIBUTE, CORRECTS_ATTRIBUTE)) {
            if (!event.has(attribute)) {
                continue;
            }
            JsonNode value = event.get(attribute);
            if (!value.isTextual() || value.asText().isEmpty()) {
                return RejectionReason.of("bad_adjustment", attribute + ": must be the non-empty id of the original event");
            }
            if (value.asText().equals(id)) {
                return RejectionReason.of("bad_adjustment", attribute + ": an event cannot name itself as its original");
            }
            if (found != null) {
                return RejectionReason.of("bad_adjustment", "retracts and corrects: an event does one or the other");
            }
            found = attribute;
        }
        return null;
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

    /** An event after tokenization, with the original values that were replaced (scrubbed from reasons). */
    record Protected(JsonNode event, Set<String> originals) {
    }

    /**
     * Validates, then tokenizes the event IN PLACE: the parsed tree belongs to this submission only, and copying every
     * event was a tenth of the hot path's allocations.
     *
     * @param receivedAtText the submission's receipt time, formatted once per submission
     */
    public Outcome validate(JsonNode node, int index, String signingSource, Instant receivedAt, String receivedAtText) {
        SourceRegistry.Source registration = sources.source(signingSource);
        // Without a registration (deactivated meanwhile) nothing says the subject is not personal.
        boolean personalSubject = registration == null || registration.subjectsPersonal();
        if (!node.isObject()) {
            return reject(null, null, "event", "event[" + index + "]: expected a JSON object",
                    node.isContainerNode() || node.isTextual() ? strings(node) : new Protected(node, Set.of()));
        }
        ObjectNode event = (ObjectNode) node;
        String id = text(event, "id");
        String source = text(event, "source");
        for (String attribute : List.of("id", "source", "specversion", "type", "subject")) {
            String value = text(event, attribute);
            if (value == null || value.isEmpty()) {
                String problem = event.has(attribute) ? "must be a non-empty string" : "required attribute is missing";
                return reject(source, id, "missing_attribute", attribute + ": " + problem, protect(event, null, personalSubject));
            }
        }
        RejectionReason adjustment = adjustmentProblem(event, id);
        if (adjustment != null) {
            return reject(source, id, adjustment.code(), adjustment.detail(), protect(event, null, personalSubject));
        }
        // Before any reason quotes an attribute, and before anything is claimed: a value PostgreSQL or an index
        // would refuse is the producer's 400, never a 503 it retries for ever.
        ValueLimits.Violation violation = limits.checkAttributes(event);
        if (violation != null) {
            return reject(source, id, violation.code(), violation.detail(), protect(event, null, personalSubject));
        }
        if (!"1.0".equals(text(event, "specversion"))) {
            return reject(source, id, "specversion",
                    "specversion: must be \"1.0\", got \"" + text(event, "specversion") + "\"", protect(event, null, personalSubject));
        }
        if (!source.equals(signingSource)) {
            return reject(source, id, "source_mismatch",
                    "source: '" + source + "' is not the signing source '" + signingSource + "'", protect(event, null, personalSubject));
        }
        String type = text(event, "type");
        if (registration != null && !registration.allowsType(type)) {
            return reject(source, id, "not_registered", "type: source '" + source
                    + "' is not registered for event type '" + type + "'", protect(event, null, personalSubject));
        }
        if (registration == null || !registration.allowsTenant(text(event, "subject"))) {
            // A subject that is no tenant of the source may be anything, a person too: neither named nor kept in clear.
            return reject(source, id, "not_registered", "subject: source '" + source
                    + "' is not registered for this tenant", protect(event, null, true));
        }
        EventSchemas.Resolution resolution = schemas.resolve(type, text(event, "dataschema"));
        if (resolution.schema() == null) {
            return reject(source, id, "schema_unknown", resolution.failure(), protect(event, null, personalSubject));
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
                        + "' is not an RFC 3339 timestamp (e.g. 2026-11-24T10:15:00Z)", protect(event, schema.shape(), personalSubject));
            }
            // Against the hub's clock on both doors: a raw record's timestamp is the producer's and would move the window.
            violation = limits.checkTime(time, receivedAt);
            if (violation != null) {
                return reject(source, id, violation.code(), violation.detail(), protect(event, schema.shape(), personalSubject));
            }
        }
        // Validate the producer's original values first: tokens would not satisfy a schema's formats.
        JsonNode data = event.get("data");
        if (data == null || !data.isObject()) {
            String problem = data == null ? "required, must be a JSON object" : "must be a JSON object, got "
                    + data.getNodeType().name().toLowerCase();
            return reject(source, id, "data", "data: " + problem, protect(event, schema.shape(), personalSubject));
        }
        violation = limits.checkData(data);
        if (violation != null) {
            return reject(source, id, violation.code(), violation.detail(), protect(event, schema.shape(), personalSubject));
        }
        if (schema.refusesUndeclared() && hasUndeclared(data, schema.shape())) {
            return reject(source, id, "undeclared", "data: has fields that schema " + schema.ref()
                    + " does not declare (it refuses undeclared fields)", protect(event, schema.shape(), personalSubject));
        }
        Set<ValidationMessage> errors = schema.validator().validate(data);
        if (!errors.isEmpty()) {
            String detail = errors.stream()
                    .sorted(Comparator.comparing(m -> m.getInstanceLocation().toString()))
                    .map(EventValidator::describe)
                    .collect(Collectors.joining("; "));
            return reject(source, id, "schema", detail + " (schema " + schema.ref() + ")", protect(event, schema.shape(), personalSubject));
        }
        protect(event, schema.shape(), personalSubject);
        event.put("time", timeNode != null && timeNode.isTextual() && timeNode.asText().endsWith("Z")
                ? timeNode.asText() : time.toString());
        event.put(SCHEMA_ATTRIBUTE, schema.ref());
        event.put(RECEIVED_ATTRIBUTE, receivedAtText);
        return new Valid(new ValidEvent(source, id, text(event, "subject"), time, schema.ref(), event));
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

    /** The reason never holds a personal value: every original the tokenizer replaced is scrubbed from it. */
    private static Invalid reject(String source, String id, String code, String detail, Protected event) {
        return new Invalid(new RejectedEvent(source, id, RejectionReason.of(code, scrub(detail, event.originals())),
                event.event()));
    }

    static String scrub(String detail, Set<String> originals) {
        String scrubbed = detail;
        List<String> longestFirst = originals.stream().filter(o -> o.length() >= SCRUB_MIN_LENGTH)
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
        for (String original : longestFirst) {
            scrubbed = scrubbed.replace(original, "<personal value>");
        }
        return scrubbed;
    }

    private static String text(ObjectNode event, String attribute) {
        JsonNode value = event.get(attribute);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    /**
     * Tokenizes in place what may be personal: the subject when the source declares its subjects personal, every
     * extension attribute, and in {@code data} the fields the type's schemas mark personal plus every string no schema
     * declares. Without a shape (type unknown) every string of {@code data} is tokenized (numbers and booleans stay,
     * to keep a dead letter useful for diagnosis).
     */
    private Protected protect(ObjectNode event, DataShape shape, boolean personalSubject) {
        Set<String> originals = new HashSet<>();
        event.fields().forEachRemaining(field -> {
            String name = field.getKey();
            if (name.equals("data")) {
                field.setValue(shape == null || !field.getValue().isObject() ? tokenizeStrings(field.getValue(), originals)
                        : protectData(field.getValue(), shape, originals));
            } else if ((name.equals("subject") && personalSubject) || !PLAIN_ATTRIBUTES.contains(name)) {
                field.setValue(tokenizeValue(field.getValue(), originals));
            }
        });
        return new Protected(event, originals);
    }

    private JsonNode protectData(JsonNode value, DataShape shape, Set<String> originals) {
        if (shape == null) {
            return tokenizeStrings(value, originals); // no schema declares this location
        }
        if (shape.personal()) {
            return tokenizeValue(value, originals);
        }
        if (value instanceof ObjectNode object) {
            object.fields().forEachRemaining(field ->
                    field.setValue(protectData(field.getValue(), shape.property(field.getKey()), originals)));
        } else if (value instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, protectData(array.get(i), shape.items(), originals));
            }
        }
        return value; // a declared, non-personal value stays as sent
    }

    private static boolean hasUndeclared(JsonNode value, DataShape shape) {
        if (shape == null) {
            return true;
        }
        if (shape.personal()) {
            return false;
        }
        if (value instanceof ObjectNode object) {
            for (var fields = object.fields(); fields.hasNext();) {
                var field = fields.next();
                if (hasUndeclared(field.getValue(), shape.property(field.getKey()))) {
                    return true;
                }
            }
        } else if (value instanceof ArrayNode array) {
            for (JsonNode item : array) {
                if (hasUndeclared(item, shape.items())) {
                    return true;
                }
            }
        }
        return false;
    }

    private Protected strings(JsonNode node) {
        Set<String> originals = new HashSet<>();
        return new Protected(tokenizeStrings(node, originals), originals);
    }

    private JsonNode tokenizeStrings(JsonNode node, Set<String> originals) {
        if (node.isTextual()) {
            return token(node.asText(), originals);
        }
        if (node instanceof ObjectNode object) {
            object.fields().forEachRemaining(field -> field.setValue(tokenizeStrings(field.getValue(), originals)));
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, tokenizeStrings(array.get(i), originals));
            }
        }
        return node;
    }

    /** A personal value of any JSON type becomes a token of its text; containers are tokenized leaf by leaf. */
    private JsonNode tokenizeValue(JsonNode value, Set<String> originals) {
        if (value == null || value.isNull()) {
            return value;
        }
        if (value.isContainerNode()) {
            return tokenizeStrings(value, originals);
        }
        return token(value.asText(), originals);
    }

    private TextNode token(String value, Set<String> originals) {
        String token = tokenizer.token(value);
        if (!token.equals(value)) {
            originals.add(value);
        }
        return new TextNode(token);
    }

    /**
     * A body turned away whole (bad signature, over a limit): parsed if it can be, each event tokenized as if its
     * type were unknown (every string of {@code data}, every extension attribute, and the subject unless the signing
     * source is known not to have personal subjects); null when it is not JSON (then only its digest is kept).
     */
    public JsonNode tokenizedCopy(byte[] body, String signingSource) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
        if (root == null) {
            return null;
        }
        SourceRegistry.Source registration = sources.source(signingSource);
        boolean personalSubject = registration == null || registration.subjectsPersonal();
        ArrayNode events = root.isArray() ? (ArrayNode) root : mapper.createArrayNode().add(root);
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) instanceof ObjectNode object) {
                protect(object, null, personalSubject);
            } else {
                events.set(i, tokenizeStrings(events.get(i), new HashSet<>()));
            }
        }
        return events;
    }
}
