package io.meterbridge.rating;

import java.nio.file.Path;
import java.util.List;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The price books of the folders {@code hub.billing.price-books-dir} lists, loaded (and validated) once at start-up. */
@Startup
@ApplicationScoped
public class PriceBookStore {

    private final PriceBooks books;

    // Read by key rather than through BillingConfig: rating sits below billing and never imports it.
    public PriceBookStore(@ConfigProperty(name = "hub.billing.price-books-dir",
            defaultValue = "${hub.mappings-dir}/price-books") List<String> priceBooksDirs,
            @ConfigProperty(name = "hub.mappings-dir", defaultValue = "mappings") String mappingsDir) {
        this.books = PriceBooks.load(priceBooksDirs.stream().map(Path::of).toList(), Path.of(mappingsDir, "_schemas"));
    }

    public PriceBooks books() {
        return books;
    }

    public PriceVersion version(String id, String metric) {
        PriceVersion version = books.version(id).orElseThrow(() -> new IllegalArgumentException(
                "price version '" + id + "' of metric " + metric + " is not in the price books"));
        if (!version.metric().equals(metric)) {
            throw new IllegalArgumentException("price version '" + id + "' prices " + version.metric() + ", not " + metric);
        }
        return version;
    }
}
