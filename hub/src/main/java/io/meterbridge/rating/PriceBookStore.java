package io.meterbridge.rating;

import java.nio.file.Path;

import io.meterbridge.billing.BillingConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

/** The price books of {@code hub.billing.price-books-dir}, loaded (and validated) once at start-up. */
@Startup
@ApplicationScoped
public class PriceBookStore {

    private final PriceBooks books;

    public PriceBookStore(BillingConfig config) {
        this.books = PriceBooks.load(Path.of(config.priceBooksDir()));
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
