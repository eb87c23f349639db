package io.meterbridge.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The hub's Kafka topics as each stage declares them in {@code topics.yaml} (on the classpath, beside the code that
 * writes them): the one source the provisioner, the Kubernetes KafkaTopics and their validator are checked against.
 */
public record TopicCatalog(List<Entry> entries) {

    public static final String RESOURCE = "topics.yaml";

    /** One topic: the stage that writes it, the setting naming it, its default name and retention. */
    public record Entry(String stage, String setting, String name, Duration retention, String retentionSetting,
            String why) {
    }

    public static TopicCatalog load() {
        try (InputStream in = TopicCatalog.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    static TopicCatalog parse(InputStream in) throws IOException {
        Map<String, List<Map<String, String>>> byStage = new ObjectMapper(new YAMLFactory())
                .readValue(in, new TypeReference<>() { });
        List<Entry> entries = new ArrayList<>();
        byStage.forEach((stage, topics) -> topics.forEach(t -> entries.add(new Entry(stage, required(t, "setting"),
                required(t, "name"), Duration.parse(required(t, "retention")), t.get("retention-setting"),
                t.get("why")))));
        return new TopicCatalog(List.copyOf(entries));
    }

    private static String required(Map<String, String> topic, String key) {
        String value = topic.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(RESOURCE + ": a topic lacks '" + key + "': " + topic);
        }
        return value;
    }
}
