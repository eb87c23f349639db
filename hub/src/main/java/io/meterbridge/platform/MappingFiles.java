package io.meterbridge.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * Reads the YAML data files under mappings/ (and config/prod/sources.yaml) only after checking them against their JSON
 * Schema in {@code <mappings-dir>/_schemas/<kind>.schema.json}. Every schema forbids unknown keys, so a misspelt
 * field is an error naming the file, the line and the key, never a default silently taken.
 */
public final class MappingFiles {

    /** The kinds of data file, each with its schema. */
    public enum Kind {
        MASTER_DATA("master-data"), SOURCES("sources"), PRICE_BOOKS("price-books"), ACCOUNTING("accounting");

        final String schema;

        Kind(String schema) {
            this.schema = schema;
        }

        public String schemaFile() {
            return schema + ".schema.json";
        }
    }

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    private static final Map<Path, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();

    private MappingFiles() {
    }

    /** The file as a tree, once it is valid; else an IllegalArgumentException listing every problem with its line. */
    public static JsonNode read(Path file, Kind kind, Path schemasDir) {
        List<String> problems = check(file, kind, schemasDir);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(file + " does not match " + schemasDir.resolve(kind.schemaFile())
                    + ":\n  " + String.join("\n  ", problems));
        }
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
        }
    }

    /** Every problem of the file as "file:line: where: what", sorted by line; empty when it is valid. */
    public static List<String> check(Path file, Kind kind, Path schemasDir) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
        }
        JsonNode document;
        Map<String, Integer> lines;
        try {
            document = YAML.readTree(text);
            lines = lines(text);
        } catch (IOException e) {
            return List.of(file + ": not YAML: " + e.getMessage());
        }
        if (document == null || document.isMissingNode()) {
            return List.of(file + ":1: the file is empty");
        }
        Set<ValidationMessage> messages = schema(schemasDir.resolve(kind.schemaFile())).validate(document);
        List<Map.Entry<Integer, String>> problems = new ArrayList<>();
        for (ValidationMessage message : messages) {
            String at = message.getInstanceLocation().toString();
            String key = message.getProperty();
            String where = key != null && "additionalProperties".equals(message.getType())
                    ? at + "." + key : at;
            int line = lines.getOrDefault(where, lines.getOrDefault(at, 1));
            String what = "additionalProperties".equals(message.getType())
                    ? "unknown key '" + key + "' (misspelt? see " + kind.schemaFile() + ")"
                    : message.getMessage();
            problems.add(Map.entry(line, file + ":" + line + ": " + where + ": " + what));
        }
        problems.sort(Map.Entry.comparingByKey());
        return problems.stream().map(Map.Entry::getValue).toList();
    }

    /**
     * Every problem of a document that did not come from a file (a price version posted to the billing API) as
     * "where: what", the same checks as a file's; empty when it is valid.
     */
    public static List<String> check(JsonNode document, Kind kind, Path schemasDir) {
        List<String> problems = new ArrayList<>();
        for (ValidationMessage message : schema(schemasDir.resolve(kind.schemaFile())).validate(document)) {
            String at = message.getInstanceLocation().toString();
            String key = message.getProperty();
            boolean unknown = key != null && "additionalProperties".equals(message.getType());
            problems.add((unknown ? at + "." + key : at) + ": " + (unknown
                    ? "unknown key '" + key + "' (misspelt? see " + kind.schemaFile() + ")" : message.getMessage()));
        }
        problems.sort(null);
        return problems;
    }

    private static JsonSchema schema(Path schemaFile) {
        return SCHEMAS.computeIfAbsent(schemaFile.toAbsolutePath().normalize(), path -> {
            try {
                return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                        .getSchema(new ObjectMapper().readTree(path.toFile()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the schema " + path, e);
            }
        });
    }

    /** The line of every value and key, by the path the validator reports ($.contracts[0].metrics[1].unit). */
    static Map<String, Integer> lines(String yaml) throws IOException {
        Map<String, Integer> lines = new HashMap<>();
        Deque<String> paths = new ArrayDeque<>();
        Deque<int[]> indexes = new ArrayDeque<>(); // per open container: next array index, or -1 in an object
        try (JsonParser parser = new YAMLFactory().createParser(yaml)) {
            String field = null;
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                int line = parser.currentTokenLocation().getLineNr();
                if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    paths.pop();
                    indexes.pop();
                    continue;
                }
                if (token == JsonToken.FIELD_NAME) {
                    field = parser.currentName();
                    lines.put(paths.peek() + "." + field, line);
                    continue;
                }
                String here;
                if (paths.isEmpty()) {
                    here = "$";
                } else if (indexes.peek()[0] >= 0) {
                    here = paths.peek() + "[" + indexes.peek()[0]++ + "]";
                    lines.putIfAbsent(here, line);
                } else {
                    here = paths.peek() + "." + field;
                }
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    paths.push(here);
                    indexes.push(new int[] {token == JsonToken.START_ARRAY ? 0 : -1});
                }
            }
        }
        return lines;
    }

    /** Every YAML file of a folder, sorted; none when it does not exist. */
    public static List<Path> yamlFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted(Comparator.naturalOrder()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
