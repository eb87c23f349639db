package io.meterbridge.rating;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The price books: the folders {@code hub.billing.price-books-dir} lists (the seed, loaded and validated once at
 * start-up) and the versions published through the billing API (table price_publication, status PUBLISHED), read at
 * start-up, again after each approved publication, and when a version asked for is missing (another instance may have
 * published it). A published version with the id of a file version must define it alike, or the start is refused.
 */
@Startup
@ApplicationScoped
public class PriceBookStore {

    /** Decimals from their text, never through a double, as the files are read. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    private final PriceBooks files;
    private final Path schemas;
    private final DataSource dataSource;
    private volatile PriceBooks books;

    // Read by key rather than through BillingConfig: rating sits below billing and never imports it.
    public PriceBookStore(@ConfigProperty(name = "hub.billing.price-books-dir",
            defaultValue = "${hub.mappings-dir}/price-books") List<String> priceBooksDirs,
            @ConfigProperty(name = "hub.mappings-dir", defaultValue = "mappings") String mappingsDir,
            DataSource dataSource) {
        this.schemas = Path.of(mappingsDir, "_schemas");
        this.files = PriceBooks.load(priceBooksDirs.stream().map(Path::of).toList(), schemas);
        this.books = files;
        this.dataSource = dataSource;
    }

    // Before BilledPriceVersions (priority 4) checks what billed against these books.
    void onStart(@Observes @Priority(3) StartupEvent startup) throws SQLException {
        reloadPublished();
    }

    public PriceBooks books() {
        return books;
    }

    /** The books of the files alone (the seed). */
    public PriceBooks files() {
        return files;
    }

    public PriceVersion version(String id, String metric) {
        if (books.version(id).isEmpty()) {
            // Published and approved through another hub instance since this one last read them.
            try {
                reloadPublished();
            } catch (SQLException e) {
                throw new IllegalStateException("price version '" + id + "': cannot read the published versions", e);
            }
        }
        PriceVersion version = books.version(id).orElseThrow(() -> new IllegalArgumentException(
                "price version '" + id + "' of metric " + metric + " is not in the price books"));
        if (!version.metric().equals(metric)) {
            throw new IllegalArgumentException("price version '" + id + "' prices " + version.metric() + ", not " + metric);
        }
        return version;
    }

    /**
     * A definition posted to the billing API, validated as the files are; refused when a file defines its id
     * otherwise (the files are the seed: a publication never changes a file's version).
     */
    public PriceVersion validate(JsonNode definition) {
        PriceVersion version = books.parse(definition, schemas);
        files.version(version.id()).filter(file -> !PriceBooks.sameDefinition(file, version)).ifPresent(file -> {
            throw new IllegalArgumentException("$.id: price version '" + version.id() + "' is defined otherwise in the "
                    + "price-book files; a new price is a new version with its own id");
        });
        return version;
    }

    /** Reads the published versions again (after a publication's approval has committed). */
    public synchronized void reloadPublished() throws SQLException {
        List<PriceVersion> published = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
                "SELECT id, definition::text FROM price_publication WHERE status = 'PUBLISHED' ORDER BY id");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                PriceVersion version;
                try {
                    version = files.parse(JSON.readTree(rows.getString(2)), schemas);
                } catch (JsonProcessingException | IllegalArgumentException e) {
                    throw new IllegalStateException("published price version (price_publication " + rows.getLong(1)
                            + ") is not valid: " + e.getMessage(), e);
                }
                files.version(version.id()).filter(file -> !PriceBooks.sameDefinition(file, version)).ifPresent(f -> {
                    throw new IllegalStateException("price version '" + version.id() + "' is defined otherwise in the "
                            + "price-book files than published (price_publication): restore the file's definition");
                });
                published.add(version);
            }
        }
        books = files.with(published);
    }
}
