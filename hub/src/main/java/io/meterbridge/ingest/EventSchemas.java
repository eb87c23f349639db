package io.meterbridge.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import io.meterbridge.platform.HubConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * The versioned JSON Schemas of event {@code data}, read from {@code mappings/schemas/<type>/v<N>.json}. Schemas mark
 * personal fields with {@code "x-personal": true}; ingestion tokenizes those before anything is written.
 */
@Startup
@ApplicationScoped
public class EventSchemas {

    private static final Logger LOG = Logger.getLogger(EventSchemas.class);
    private static final Pattern FILE_NAME = Pattern.compile("v(\\d+)\\.json");
    private static final Pattern VERSION_SUFFIX = Pattern.compile("(?:^|/)([A-Za-z0-9._-]+)/v(\\d+)(?:\\.json)?$");
    public static final String PERSONAL_KEYWORD = "x-personal";

    /**
     * One version of one type's schema. {@code ref} ("api.request/v1") is what the hub records with the event.
     * {@code shape} is the TYPE's shape (every version merged): what is tokenized does not depend on the version.
     * {@code refusesUndeclared}: the schema says {@code "x-undeclared": "refuse"}, so fields it does not declare are
     * rejected instead of tokenized.
     */
    public record EventSchema(String type, int version, String id, JsonSchema validator, DataShape shape,
            boolean refusesUndeclared) {
        public String ref() {
            return type + "/v" + version;
        }
    }

    public static final String UNDECLARED_KEYWORD = "x-undeclared";

    private final Map<String, NavigableMap<Integer, EventSchema>> byType = new HashMap<>();
    private final Map<String, EventSchema> byId = new HashMap<>();

    public EventSchemas(HubConfig config, ObjectMapper mapper) {
        Path root = Path.of(config.mappingsDir(), "schemas");
        JsonMetaSchema metaSchema = JsonMetaSchema.builder(JsonMetaSchema.getV202012())
                .keyword(new NonValidationKeyword(PERSONAL_KEYWORD))
                .keyword(new NonValidationKeyword(UNDECLARED_KEYWORD))
                .build();
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                builder -> builder.metaSchema(metaSchema).defaultMetaSchemaIri(metaSchema.getIri()));
        SchemaValidatorsConfig validatorsConfig = SchemaValidatorsConfig.builder().failFast(false).build();
        try (Stream<Path> typeDirs = Files.list(root)) {
            for (Path typeDir : typeDirs.filter(Files::isDirectory).sorted().toList()) {
                String type = typeDir.getFileName().toString();
                Map<Integer, JsonNode> documents = new TreeMap<>();
                try (Stream<Path> files = Files.list(typeDir)) {
                    for (Path file : files.sorted().toList()) {
                        Matcher m = FILE_NAME.matcher(file.getFileName().toString());
                        if (m.matches()) {
                            documents.put(Integer.parseInt(m.group(1)), mapper.readTree(file.toFile()));
                        }
                    }
                }
                DataShape shape = new DataShape();
                documents.values().forEach(document -> shape.merge(DataShape.of(document)));
                documents.forEach((version, node) -> {
                    String id = node.path("$id").asText(type + "/v" + version);
                    EventSchema schema = new EventSchema(type, version, id, factory.getSchema(node, validatorsConfig),
                            shape, "refuse".equals(node.path(UNDECLARED_KEYWORD).asText()));
                    byType.computeIfAbsent(type, t -> new TreeMap<>()).put(version, schema);
                    byId.put(id, schema);
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read event schemas under " + root.toAbsolutePath(), e);
        }
        LOG.infof("Loaded event schemas for %d types from %s", byType.size(), root);
    }

    /**
     * The schema an event is validated against: its {@code dataschema} when given (the schema's $id, or a URI
     * ending in {@code <type>/v<N>} or {@code <type>/v<N>.json}), else the type's current (highest) version.
     */
    public Resolution resolve(String type, String dataschema) {
        NavigableMap<Integer, EventSchema> versions = byType.get(type);
        if (versions == null) {
            return Resolution.failed("type: no schema is registered for event type '" + type + "'");
        }
        if (dataschema == null || dataschema.isEmpty()) {
            return Resolution.found(versions.lastEntry().getValue());
        }
        EventSchema exact = byId.get(dataschema);
        if (exact != null && exact.type().equals(type)) {
            return Resolution.found(exact);
        }
        Matcher m = VERSION_SUFFIX.matcher(dataschema);
        if (m.find() && m.group(1).equals(type)) {
            EventSchema version = versions.get(Integer.parseInt(m.group(2)));
            if (version != null) {
                return Resolution.found(version);
            }
        }
        return Resolution.failed("dataschema: '" + dataschema + "' is not a registered schema of type '" + type
                + "' (registered: " + versions.values().stream().map(EventSchema::id).toList() + ")");
    }

    public record Resolution(EventSchema schema, String failure) {
        static Resolution found(EventSchema schema) {
            return new Resolution(schema, null);
        }

        static Resolution failed(String failure) {
            return new Resolution(null, failure);
        }
    }
}
