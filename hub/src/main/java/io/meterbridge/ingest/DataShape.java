package io.meterbridge.ingest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a type's schemas declare about {@code data}: which fields exist and which are personal. Built by following
 * {@code properties}, {@code items}, {@code additionalProperties}, {@code patternProperties}, {@code allOf} /
 * {@code anyOf} / {@code oneOf} and local {@code $ref}s, and merged over every version of the type, so a field personal
 * in one version is personal in all of them (the producer's {@code dataschema} cannot choose what is tokenized).
 * A location no schema declares is "undeclared": its strings are tokenized.
 */
public final class DataShape {

    /** Stops a schema whose $ref points back at itself. */
    private static final int MAX_DEPTH = 32;

    private boolean personal;
    private final Map<String, DataShape> properties = new LinkedHashMap<>();
    private final List<Map.Entry<Pattern, DataShape>> patterns = new ArrayList<>();
    /** From an {@code additionalProperties} schema object: properties not listed are declared by it. */
    private DataShape additional;
    private DataShape items;

    public boolean personal() {
        return personal;
    }

    /** The shape of property {@code name}, or null when no schema declares it. */
    public DataShape property(String name) {
        DataShape declared = properties.get(name);
        if (declared != null) {
            return declared;
        }
        for (Map.Entry<Pattern, DataShape> pattern : patterns) {
            if (pattern.getKey().matcher(name).find()) {
                return pattern.getValue();
            }
        }
        return additional;
    }

    /** The shape of array items, or null when undeclared. */
    public DataShape items() {
        return items;
    }

    /** The shape of a whole schema document (one version). */
    public static DataShape of(JsonNode document) {
        DataShape shape = new DataShape();
        shape.add(document, document, 0);
        return shape;
    }

    /** Folds another version's shape into this one: a union of fields, personal wherever any version says so. */
    public DataShape merge(DataShape other) {
        personal |= other.personal;
        other.properties.forEach((name, shape) -> properties.merge(name, shape, DataShape::merge));
        patterns.addAll(other.patterns);
        additional = union(additional, other.additional);
        items = union(items, other.items);
        return this;
    }

    private static DataShape union(DataShape a, DataShape b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : a.merge(b);
    }

    private void add(JsonNode schema, JsonNode document, int depth) {
        if (!schema.isObject() || depth > MAX_DEPTH) {
            return;
        }
        if (schema.path(EventSchemas.PERSONAL_KEYWORD).asBoolean(false)) {
            personal = true;
        }
        JsonNode ref = schema.get("$ref");
        if (ref != null && ref.isTextual() && ref.asText().startsWith("#")) {
            JsonNode target = document.at(ref.asText().substring(1));
            add(target, document, depth + 1);
        }
        for (String keyword : List.of("allOf", "anyOf", "oneOf")) {
            for (JsonNode branch : schema.path(keyword)) {
                add(branch, document, depth + 1);
            }
        }
        schema.path("properties").fields().forEachRemaining(property ->
                properties.computeIfAbsent(property.getKey(), k -> new DataShape()).add(property.getValue(), document, depth + 1));
        schema.path("patternProperties").fields().forEachRemaining(property -> {
            DataShape shape = new DataShape();
            shape.add(property.getValue(), document, depth + 1);
            patterns.add(Map.entry(Pattern.compile(property.getKey()), shape));
        });
        // additionalProperties: true (or absent) allows undeclared properties; only a schema object declares them.
        JsonNode additionalSchema = schema.get("additionalProperties");
        if (additionalSchema != null && additionalSchema.isObject()) {
            if (additional == null) {
                additional = new DataShape();
            }
            additional.add(additionalSchema, document, depth + 1);
        }
        JsonNode itemsSchema = schema.get("items");
        if (itemsSchema != null && itemsSchema.isObject()) {
            if (items == null) {
                items = new DataShape();
            }
            items.add(itemsSchema, document, depth + 1);
        }
    }
}
