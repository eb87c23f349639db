package io.meterbridge.rating;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import io.meterbridge.platform.MappingFiles;
import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.rating.PriceModel.Tier;

/**
 * Price versions and currency rules read from {@code mappings/price-books/} (data, not code): {@code currencies.yaml}
 * and any other {@code *.yaml} with a {@code priceVersions} list. Every problem names its file and field, and what
 * would price wrongly is refused at load (tiers not ascending, upTo or blockSize not positive, negative prices or
 * minimums), naming the file, the price version and the field.
 */
public final class PriceBooks {

    private final Map<String, PriceVersion> versions;
    private final Map<String, CurrencyRule> currencies;

    private PriceBooks(Map<String, PriceVersion> versions, Map<String, CurrencyRule> currencies) {
        this.versions = Map.copyOf(versions);
        this.currencies = Map.copyOf(currencies);
    }

    public Optional<PriceVersion> version(String id) {
        return Optional.ofNullable(versions.get(id));
    }

    /** The currency codes that have a rounding rule (what an amount of the hub can be in). */
    public java.util.Set<String> currencies() {
        return new java.util.TreeSet<>(currencies.keySet());
    }

    public CurrencyRule currency(String code) {
        CurrencyRule rule = currencies.get(code);
        if (rule == null) {
            throw new IllegalArgumentException("currency " + code + " has no rounding rule in currencies.yaml");
        }
        return rule;
    }

    /** The price books of a folder, each file checked against price-books.schema.json in {@code schemas}. */
    public static PriceBooks load(Path dir, Path schemas) {
        return load(List.of(dir), schemas);
    }

    /** The price books of several folders (the product's, the demo's), as one book: an id defined twice is an error. */
    public static PriceBooks load(List<Path> dirs, Path schemas) {
        Map<String, CurrencyRule> currencies = new HashMap<>();
        Map<String, PriceVersion> versions = new HashMap<>();
        for (Path dir : dirs) {
            loadFolder(dir, schemas, currencies, versions);
        }
        for (PriceVersion version : versions.values()) {
            if (!currencies.containsKey(version.currency())) {
                throw new IllegalArgumentException("price version '" + version.id() + "': currency " + version.currency()
                        + " has no rounding rule in currencies.yaml");
            }
        }
        return new PriceBooks(versions, currencies);
    }

    private static void loadFolder(Path dir, Path schemas, Map<String, CurrencyRule> currencies,
            Map<String, PriceVersion> versions) {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                JsonNode document = MappingFiles.read(file, MappingFiles.Kind.PRICE_BOOKS, schemas);
                for (JsonNode c : document.path("currencies")) {
                    String code = text(c, "currency", file);
                    currencies.put(code, new CurrencyRule(code, c.path("scale").asInt(2),
                            RoundingMode.valueOf(text(c, "rounding", file))));
                }
                for (JsonNode v : document.path("priceVersions")) {
                    PriceVersion version = priceVersion(v, file);
                    if (versions.put(version.id(), version) != null) {
                        throw new IllegalArgumentException(file + ": price version '" + version.id() + "' is defined twice");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read price books under " + dir.toAbsolutePath(), e);
        }
    }

    private static PriceVersion priceVersion(JsonNode v, Path file) {
        String id = text(v, "id", file);
        String where = file + ": price version '" + id + "'";
        String model = text(v, "model", file).toUpperCase(Locale.ROOT);
        PriceModel priceModel = switch (model) {
            case "PER_UNIT" -> new PriceModel.PerUnit(notNegative(decimal(v, "unitPrice", where), "unitPrice", where));
            case "GRADUATED" -> new PriceModel.Graduated(tiers(v, where));
            case "VOLUME" -> new PriceModel.Volume(tiers(v, where));
            case "PACKAGE" -> new PriceModel.Package(positive(decimal(v, "blockSize", where), "blockSize", where),
                    notNegative(decimal(v, "blockPrice", where), "blockPrice", where),
                    RoundingMode.valueOf(v.path("blockRounding").asText("UP")));
            default -> throw new IllegalArgumentException(where + ": model '" + model
                    + "' is not one of PER_UNIT, GRADUATED, VOLUME, PACKAGE");
        };
        return new PriceVersion(id, text(v, "metric", file), text(v, "currency", file), priceModel,
                v.hasNonNull("minimumCharge") ? notNegative(decimal(v, "minimumCharge", where), "minimumCharge", where) : null,
                v.path("prepaidCredits").asBoolean(false), Instant.parse(text(v, "validFrom", file)),
                v.hasNonNull("validTo") ? Instant.parse(v.get("validTo").asText()) : null);
    }

    /** Tiers that would price wrongly are refused: each upTo positive and above the one before, no negative price. */
    private static List<Tier> tiers(JsonNode v, String where) {
        List<Tier> tiers = new ArrayList<>();
        JsonNode list = v.path("tiers");
        BigDecimal previous = null;
        for (int i = 0; i < list.size(); i++) {
            JsonNode t = list.get(i);
            String field = "tiers[" + i + "]";
            boolean last = i == list.size() - 1;
            if (last == t.hasNonNull("upTo")) {
                throw new IllegalArgumentException(where + ": " + field + ".upTo: "
                        + (last ? "the last tier has no upper bound" : "every tier but the last needs one"));
            }
            BigDecimal upTo = last ? null : positive(decimal(t, "upTo", where), field + ".upTo", where);
            if (upTo != null && previous != null && upTo.compareTo(previous) <= 0) {
                throw new IllegalArgumentException(where + ": " + field + ".upTo: " + upTo.toPlainString()
                        + " is not above tiers[" + (i - 1) + "].upTo " + previous.toPlainString() + " (tiers ascend)");
            }
            previous = upTo;
            tiers.add(new Tier(upTo, notNegative(decimal(t, "unitPrice", where), field + ".unitPrice", where),
                    t.hasNonNull("flatFee") ? notNegative(decimal(t, "flatFee", where), field + ".flatFee", where) : null));
        }
        if (tiers.isEmpty()) {
            throw new IllegalArgumentException(where + ": tiers: at least one tier is needed");
        }
        return tiers;
    }

    private static BigDecimal positive(BigDecimal value, String field, String where) {
        if (value.signum() <= 0) {
            throw new IllegalArgumentException(where + ": " + field + ": must be positive, got " + value.toPlainString());
        }
        return value;
    }

    private static BigDecimal notNegative(BigDecimal value, String field, String where) {
        if (value.signum() < 0) {
            throw new IllegalArgumentException(where + ": " + field + ": must not be negative, got " + value.toPlainString());
        }
        return value;
    }

    /** Decimals are read from their text, never through a double: 0.0010 stays exactly 0.0010. */
    private static BigDecimal decimal(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException(where + ": " + field + " is required");
        }
        try {
            return new BigDecimal(value.asText());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": " + field + " '" + value.asText() + "' is not a number");
        }
    }

    private static String text(JsonNode node, String field, Path file) {
        String value = node.path(field).asText("");
        if (value.isBlank()) {
            throw new IllegalArgumentException(file + ": " + field + " is required");
        }
        return value;
    }
}
