package io.meterbridge.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * Validates decoded form parameters against a request schema (an OpenAPI 3.0 requestBody schema or a JSON Schema of our
 * own) with networknt, in type-loose mode: form values are all strings, so "25" must pass as an integer and "true" as a
 * boolean. Reports the first violation with the offending parameter in bracket notation, as the vendors do.
 */
public final class SpecValidator {

    /** A rejected request: the parameter in bracket notation ({@code lines[0][amount]}) and a vendor-style message. */
    public record Violation(String param, String message, String keyword) {
    }

    /** OpenAPI keywords that are not JSON Schema: known, so that networknt does not warn about them. */
    private static final Set<String> OPENAPI_KEYWORDS = Set.of("nullable", "x-expandableFields", "x-stripeBypassValidation",
            "x-stripeMostCommon", "x-stripeResource", "x-resourceId", "x-stripeParam", "x-stripeOperations",
            "discriminator", "example", "x-stripeEnum");

    private static final JsonSchemaFactory FACTORY;
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .typeLoose(true).failFast(false).formatAssertionsEnabled(false).build();

    static {
        JsonMetaSchema.Builder meta = JsonMetaSchema.builder(JsonMetaSchema.getV7());
        OPENAPI_KEYWORDS.forEach(k -> meta.keyword(new NonValidationKeyword(k)));
        JsonMetaSchema metaSchema = meta.build();
        FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7,
                builder -> builder.metaSchema(metaSchema).defaultMetaSchemaIri(metaSchema.getIri()));
    }

    private final JsonSchema schema;

    private SpecValidator(JsonSchema schema) {
        this.schema = schema;
    }

    public static SpecValidator of(JsonNode schema) {
        return new SpecValidator(FACTORY.getSchema(schema, CONFIG));
    }

    /** Reads a JSON resource from the class path (the specs ship inside the application). */
    public static JsonNode resource(ObjectMapper mapper, String path) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return mapper.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first violation (in a stable order: the shallowest, then by location), if any. */
    public Optional<Violation> validate(JsonNode params) {
        return schema.validate(params).stream()
                .sorted(Comparator.comparingInt((ValidationMessage m) -> m.getInstanceLocation().getNameCount())
                        .thenComparing(m -> m.getInstanceLocation().toString()))
                .findFirst().map(SpecValidator::violation);
    }

    private static Violation violation(ValidationMessage m) {
        String param = brackets(m.getInstanceLocation());
        String keyword = m.getType();
        switch (keyword) {
            case "required": {
                String missing = param.isEmpty() ? m.getProperty() : param + "[" + m.getProperty() + "]";
                return new Violation(missing, "Missing required param: " + missing + ".", keyword);
            }
            case "additionalProperties": {
                String unknown = param.isEmpty() ? m.getProperty() : param + "[" + m.getProperty() + "]";
                return new Violation(unknown, "Received unknown parameter: " + unknown, keyword);
            }
            case "type": {
                String expected = m.getSchemaNode() == null ? "value" : m.getSchemaNode().asText("value");
                JsonNode value = m.getInstanceNode();
                String shown = value == null ? "" : value.isValueNode() ? value.asText() : value.toString();
                return new Violation(param, "Invalid " + expected + ": " + shown, keyword);
            }
            default:
                return new Violation(param, "Invalid value for " + param + ": " + m.getMessage()
                        .replaceFirst("^\\$[^:]*: ", ""), keyword);
        }
    }

    /** $.lines[0].amount to lines[0][amount]. */
    static String brackets(JsonNodePath path) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            Object element = path.getElement(i);
            if (out.length() == 0) {
                out.append(element);
            } else {
                out.append('[').append(element).append(']');
            }
        }
        return out.toString();
    }
}
