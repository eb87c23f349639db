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
 * Registers producing sources from YAML files ({@code hub.sources.files}) into PostgreSQL at start-up and on reload
 * (admin API). A secret or API key written {@code env:NAME} is read from that environment variable, so files under
 * config/ never hold one. A source the files no longer name, or mark {@code active: false}, is deactivated.
 */
@ApplicationScoped
public class SourceFileLoader {

    private static final Logger LOG = Logger.getLogger(SourceFileLoader.class);
    static final int MIN_API_KEY_LENGTH = 32;

    private final HubConfig config;
    private final DataSource dataSource;
    private final SourceRegistry registry;

    public SourceFileLoader(HubConfig config, DataSource dataSource, SourceRegistry registry) {
        this.config = config;
        this.dataSource = dataSource;
        this.registry = registry;
    }

    void load(@Observes @Priority(2) StartupEvent startup) throws SQLException {
        reload();
    }

    /**
     * Registers the sources of {@code hub.sources.files} and deactivates every source they no longer name (its
     * credentials erased), in one transaction; then refreshes this pod's cache. Returns the ids deactivated.
     */
    public synchronized List<String> reload() throws SQLException {
        List<String> files = config.sources().files().orElse(List.of());
        List<SourceRegistry.Registration> registrations = new ArrayList<>();
        for (String file : files) {
            for (JsonNode source : MappingFiles.read(Path.of(file), MappingFiles.Kind.SOURCES,
                    Path.of(config.mappingsDir(), "_schemas")).path("sources")) {
                registrations.add(registration(source, file));
            }
        }
        List<String> deactivated;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                for (SourceRegistry.Registration registration : registrations) {
                    registry.upsert(connection, registration);
                }
                deactivated = registry.deactivateAllExcept(connection, registrations.stream()
                        .filter(SourceRegistry.Registration::active).map(SourceRegistry.Registration::id)
                        .collect(java.util.stream.Collectors.toSet()));
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
        registry.reload();
        LOG.infof("Registered %d producing sources from %s; deactivated %s", registrations.size(), files, deactivated);
        return deactivated;
    }

    private static SourceRegistry.Registration registration(JsonNode source, String file) {
        String id = required(source, "id", file);
        boolean active = source.path("active").asBoolean(true);
        List<String> secrets = new ArrayList<>();
        List<String> apiKeys = new ArrayList<>();
        if (active) {
            for (JsonNode secret : source.path("secrets")) {
                secrets.add(resolveSecret(secret.asText(), id));
            }
            for (JsonNode key : source.path("apiKeys")) {
                String apiKey = resolveSecret(key.asText(), id);
                if (apiKey.length() < MIN_API_KEY_LENGTH) {
                    throw new IllegalStateException(file + ": source '" + id + "' has an API key shorter than "
                            + MIN_API_KEY_LENGTH + " characters (generate one: openssl rand -hex 32)");
                }
                apiKeys.add(apiKey);
            }
            if (secrets.isEmpty() && apiKeys.isEmpty()) {
                throw new IllegalStateException(file + ": source '" + id + "' has no secrets and no apiKeys");
            }
        }
        return new SourceRegistry.Registration(id, source.path("description").asText(null), secrets, apiKeys,
                names(source, "tenants", id, file), names(source, "eventTypes", id, file),
                source.path("subjectsPersonal").asBoolean(false), active);
    }

    /** A source emits only for what it is registered for: both lists are required ("*" for any). */
    private static List<String> names(JsonNode source, String field, String id, String file) {
        List<String> names = new ArrayList<>();
        source.path(field).forEach(name -> names.add(name.asText()));
        if (names.isEmpty() || names.stream().anyMatch(String::isBlank)) {
            throw new IllegalStateException(file + ": source '" + id + "' must list its " + field
                    + " (names, prefixes ending in *, or \"*\" for any)");
        }
        return List.copyOf(names);
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
