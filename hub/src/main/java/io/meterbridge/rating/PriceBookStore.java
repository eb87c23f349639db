package io.meterbridge.rating;

import java.nio.file.Path;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The price books of {@code hub.billing.price-books-dir}, loaded (and validated) once at start-up. */
@Startup
@ApplicationScoped
public class PriceBookStore {

    private final PriceBooks books;

    // Read by key rather than through BillingConfig: rating sits below billing and never imports it.
    public PriceBookStore(@ConfigProperty(name = "hub.billing.price-books-dir",
            defaultValue = "${hub.mappings-dir}/price-books") String priceBooksDir) {
        this.books = PriceBooks.load(Path.of(priceBooksDir));
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
