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
                    String code = text(c, "currency", file.toString());
                    currencies.put(code, new CurrencyRule(code, c.path("scale").asInt(2),
                            RoundingMode.valueOf(text(c, "rounding", file.toString()))));
                }
                for (JsonNode v : document.path("priceVersions")) {
                    PriceVersion version = priceVersion(v, file.toString());
                    if (versions.put(version.id(), version) != null) {
                        throw new IllegalArgumentException(file + ": price version '" + version.id() + "' is defined twice");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read price books under " + dir.toAbsolutePath(), e);
        }
    }

    /**
     * One price version posted to the billing API, checked as a file's are: against the schema's priceVersion, then
     * the load validation; every problem names the field ("$.tiers[1].upTo: ..."). The currency must have a rule here.
     */
    public PriceVersion parse(JsonNode definition, Path schemas) {
        if (definition == null || !definition.isObject()) {
            throw new IllegalArgumentException("body: a price version object is required (see price-books.schema.json)");
        }
        // Wrapped as a price-book file: the same schema, the same messages.
        com.fasterxml.jackson.databind.node.ObjectNode document = com.fasterxml.jackson.databind.node.JsonNodeFactory
                .instance.objectNode();
        document.putArray("priceVersions").add(definition);
        List<String> problems = MappingFiles.check(document, MappingFiles.Kind.PRICE_BOOKS, schemas).stream()
                .map(p -> p.replace("$.priceVersions[0]", "$")).distinct().toList();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("price version does not match price-books.schema.json: "
                    + String.join("; ", problems));
        }
        PriceVersion version = priceVersion(definition, "price version");
        if (!currencies.containsKey(version.currency())) {
            throw new IllegalArgumentException("$.currency: " + version.currency()
                    + " has no rounding rule in currencies.yaml");
        }
        return version;
    }

    /** These books with more versions (published ones), each replacing any version of the same id. */
    public PriceBooks with(java.util.Collection<PriceVersion> more) {
        Map<String, PriceVersion> all = new HashMap<>(versions);
        more.forEach(v -> all.put(v.id(), v));
        return new PriceBooks(all, currencies);
    }

    /** Every version, by id. */
    public Map<String, PriceVersion> versions() {
        return versions;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper
            .builder().enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    /** A definition as stored or posted (JSON text), decimals read exactly. */
    public static JsonNode readDefinition(String json) {
        try {
            return JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("body: not JSON: " + e.getOriginalMessage());
        }
    }

    /** A version as a price-book file defines it (the API's shape), decimals as exact strings. */
    public static Map<String, Object> fileForm(PriceVersion v) {
        Map<String, Object> form = new java.util.LinkedHashMap<>();
        form.put("id", v.id());
        form.put("metric", v.metric());
        form.put("currency", v.currency());
        if (v.model() instanceof PriceModel.PerUnit p) {
            form.put("model", "PER_UNIT");
            form.put("unitPrice", p.unitPrice().toPlainString());
        } else if (v.model() instanceof PriceModel.Graduated g) {
            form.put("model", "GRADUATED");
            form.put("tiers", tierForms(g.tiers()));
        } else if (v.model() instanceof PriceModel.Volume vol) {
            form.put("model", "VOLUME");
            form.put("tiers", tierForms(vol.tiers()));
        } else if (v.model() instanceof PriceModel.Package pkg) {
            form.put("model", "PACKAGE");
            form.put("blockSize", pkg.blockSize().toPlainString());
            form.put("blockPrice", pkg.blockPrice().toPlainString());
            form.put("blockRounding", pkg.blocks().name());
        }
        if (v.minimumCharge() != null) {
            form.put("minimumCharge", v.minimumCharge().toPlainString());
        }
        if (v.prepaidCredits()) {
            form.put("prepaidCredits", true);
        }
        form.put("validFrom", v.validFrom().toString());
        if (v.validTo() != null) {
            form.put("validTo", v.validTo().toString());
        }
        return form;
    }

    private static List<Map<String, Object>> tierForms(List<Tier> tiers) {
        List<Map<String, Object>> forms = new ArrayList<>();
        for (Tier t : tiers) {
            Map<String, Object> form = new java.util.LinkedHashMap<>();
            if (t.upTo() != null) {
                form.put("upTo", t.upTo().toPlainString());
            }
            form.put("unitPrice", t.unitPrice().toPlainString());
            if (t.flatFee().signum() != 0) {
                form.put("flatFee", t.flatFee().toPlainString());
            }
            forms.add(form);
        }
        return forms;
    }

    /** Whether two versions price alike: equal fields, decimals compared by value (0.0010 is 0.001). */
    public static boolean sameDefinition(PriceVersion a, PriceVersion b) {
        return a.id().equals(b.id()) && a.metric().equals(b.metric()) && a.currency().equals(b.currency())
                && a.prepaidCredits() == b.prepaidCredits() && a.validFrom().equals(b.validFrom())
                && java.util.Objects.equals(a.validTo(), b.validTo()) && same(a.minimumCharge(), b.minimumCharge())
                && sameModel(a.model(), b.model());
    }

    private static boolean sameModel(PriceModel a, PriceModel b) {
        if (a instanceof PriceModel.PerUnit x && b instanceof PriceModel.PerUnit y) {
            return same(x.unitPrice(), y.unitPrice());
        }
        if (a instanceof PriceModel.Package x && b instanceof PriceModel.Package y) {
            return same(x.blockSize(), y.blockSize()) && same(x.blockPrice(), y.blockPrice())
                    && x.blocks() == y.blocks();
        }
        if (a.getClass() != b.getClass()) {
            return false;
        }
        List<Tier> ta = a instanceof PriceModel.Graduated g ? g.tiers() : ((PriceModel.Volume) a).tiers();
        List<Tier> tb = b instanceof PriceModel.Graduated g ? g.tiers() : ((PriceModel.Volume) b).tiers();
        if (ta.size() != tb.size()) {
            return false;
        }
        for (int i = 0; i < ta.size(); i++) {
            if (!same(ta.get(i).upTo(), tb.get(i).upTo()) || !same(ta.get(i).unitPrice(), tb.get(i).unitPrice())
                    || !same(ta.get(i).flatFee(), tb.get(i).flatFee())) {
                return false;
            }
        }
        return true;
    }

    private static boolean same(BigDecimal a, BigDecimal b) {
        return a == null ? b == null : b != null && a.compareTo(b) == 0;
    }

    private static PriceVersion priceVersion(JsonNode v, String file) {
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

    private static String text(JsonNode node, String field, String file) {
        String value = node.path(field).asText("");
        if (value.isBlank()) {
            throw new IllegalArgumentException(file + ": " + field + " is required");
        }
        return value;
    }
}
