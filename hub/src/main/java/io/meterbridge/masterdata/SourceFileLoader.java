package io.meterbridge.masterdata;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.platform.HubConfig;
import io.meterbridge.platform.MappingFiles;
import io.meterbridge.ingest.SourceRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Registers producing sources from YAML files ({@code hub.sources.files}) into PostgreSQL at start-up. A secret
 * written {@code env:NAME} is read from that environment variable, so files under config/ never hold a secret.
 */
@ApplicationScoped
public class SourceFileLoader {

    private static final Logger LOG = Logger.getLogger(SourceFileLoader.class);

    private final HubConfig config;
    private final DataSource dataSource;
    private final SourceRegistry registry;

    public SourceFileLoader(HubConfig config, DataSource dataSource, SourceRegistry registry) {
        this.config = config;
        this.dataSource = dataSource;
        this.registry = registry;
    }

    void load(@Observes @Priority(2) StartupEvent startup) throws SQLException {
        List<String> files = config.sources().files().orElse(List.of());
        int count = 0;
        try (Connection connection = dataSource.getConnection()) {
            for (String file : files) {
                for (JsonNode source : MappingFiles.read(Path.of(file), MappingFiles.Kind.SOURCES,
                        Path.of(config.mappingsDir(), "_schemas")).path("sources")) {
                    String id = required(source, "id", file);
                    List<String> secrets = new ArrayList<>();
                    for (JsonNode secret : source.path("secrets")) {
                        secrets.add(resolveSecret(secret.asText(), id));
                    }
                    if (secrets.isEmpty()) {
                        throw new IllegalStateException(file + ": source '" + id + "' has no secrets");
                    }
                    registry.upsert(connection, id, source.path("description").asText(null), secrets);
                    count++;
                }
            }
        }
        registry.reload();
        LOG.infof("Registered %d producing sources from %s", count, files);
    }

    private static String required(JsonNode node, String field, String file) {
        String value = node.path(field).asText("");
        if (value.isBlank()) {
            throw new IllegalStateException(file + ": a source has no '" + field + "'");
        }
        return value;
    }

    private static String resolveSecret(String value, String sourceId) {
        if (!value.startsWith("env:")) {
            return value;
        }
        String variable = value.substring(4);
        String secret = System.getenv(variable);
        if (secret == null || secret.isBlank()) {
            throw new IllegalStateException("source '" + sourceId + "': environment variable " + variable + " is not set");
        }
        return secret;
    }
}
