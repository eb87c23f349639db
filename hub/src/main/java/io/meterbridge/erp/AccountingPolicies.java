package io.meterbridge.erp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import io.meterbridge.platform.MappingFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The accounting policy of {@code mappings/accounting/*.yaml}: per ERP system, effective-dated versions of the
 * accounts, legal entity and per-metric revenue mapping. Loaded and checked at start-up; every problem names its
 * file and field.
 */
@Startup
@ApplicationScoped
public class AccountingPolicies {

    /** How one metric's revenue posts. */
    public record MetricMapping(String revenueAccount, String item, String taxCode, String department,
            String accountingClass, boolean defer, String deferredRevenueAccount) {

        /** The account the revenue of this metric is credited to: deferred revenue when the policy defers. */
        public String creditAccount() {
            return defer ? deferredRevenueAccount : revenueAccount;
        }
    }

    /**
     * @param currency   the legal entity's own (local) currency: Business Central's "LCY", sent as an empty code
     * @param currencies ERP currency references by ISO 4217 code (NetSuite: the currency record's internal id); empty
     *                   for an ERP that takes ISO codes itself (Business Central)
     */
    public record Policy(String id, String erpSystem, Instant validFrom, String legalEntity, String currency,
            String receivablesAccount, String cashAccount, boolean accrual, String accruedRevenueAccount,
            Map<String, String> currencies, Map<String, MetricMapping> metrics) {

        public Optional<MetricMapping> metric(String metric) {
            return Optional.ofNullable(metrics.get(metric));
        }

        /** The ERP's reference of an ISO currency: the mapped one, or the code itself when the policy maps none. */
        public Optional<String> currencyRef(String isoCode) {
            return currencies.isEmpty() ? Optional.of(isoCode) : Optional.ofNullable(currencies.get(isoCode));
        }
    }

    /** ERP systems whose documents name their currency by a reference of the ERP, not by ISO code. */
    static final java.util.Set<String> CURRENCY_BY_REFERENCE = java.util.Set.of("netsuite");
    /**
     * How prepaid credit posts under a policy (its {@code credits} block): consumed credit relieves the contract
     * liability (debit deferredRevenueAccount, credit the revenue account of the policy's prepaid_credit metric, the
     * account the invoice's negative credit line debits); expired credit is breakage (debit deferredRevenueAccount,
     * credit breakageAccount).
     */
    public record CreditAccounts(String deferredRevenueAccount, String breakageAccount) {
    }

    private final List<Policy> policies;
    private final Map<String, CreditAccounts> credits;

    public AccountingPolicies(@ConfigProperty(name = "hub.mappings-dir", defaultValue = "mappings") String mappingsDir) {
        Path dir = Path.of(mappingsDir, "accounting");
        Path schemas = Path.of(mappingsDir, "_schemas");
        this.policies = load(dir, schemas);
        this.credits = loadCredits(dir, schemas);
    }

    /** The credit accounts of a policy, if it has a credits block. */
    public Optional<CreditAccounts> credits(Policy policy) {
        return Optional.ofNullable(credits.get(policy.id()));
    }

    static Map<String, CreditAccounts> loadCredits(Path dir, Path schemas) {
        Map<String, CreditAccounts> result = new LinkedHashMap<>();
        if (!Files.isDirectory(dir)) {
            return result;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (JsonNode p : MappingFiles.read(file, MappingFiles.Kind.ACCOUNTING, schemas).path("policies")) {
                    JsonNode c = p.path("credits");
                    if (c.isMissingNode() || c.isNull()) {
                        continue;
                    }
                    String where = file + ": policy '" + p.path("id").asText() + "' credits";
                    if (!p.path("metrics").has(io.meterbridge.masterdata.MasterData.PREPAID_CREDIT_METRIC)) {
                        throw new IllegalArgumentException(where + ": the policy needs a metric mapping for "
                                + io.meterbridge.masterdata.MasterData.PREPAID_CREDIT_METRIC
                                + " (the account the credit line of an invoice debits and the relief credits)");
                    }
                    result.put(p.path("id").asText(), new CreditAccounts(required(c, "deferredRevenueAccount", where),
                            required(c, "breakageAccount", where)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read accounting policies under " + dir.toAbsolutePath(), e);
        }
        return Map.copyOf(result);
    }

    /** The version valid at {@code at} for an ERP system, if any. */
    public Optional<Policy> policy(String erpSystem, Instant at) {
        return policies.stream().filter(p -> p.erpSystem().equals(erpSystem) && !p.validFrom().isAfter(at))
                .max(Comparator.comparing(Policy::validFrom));
    }

    static List<Policy> load(Path dir, Path schemas) {
        YAMLMapper yaml = new YAMLMapper();
        List<Policy> policies = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return policies;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (JsonNode p : MappingFiles.read(file, MappingFiles.Kind.ACCOUNTING, schemas)
                        .path("policies")) {
                    String where = file + ": policy '" + p.path("id").asText() + "'";
                    // Tax codes are required unless the policy says otherwise: a line without one posts untaxed.
                    boolean requireTaxCode = p.path("requireTaxCode").asBoolean(true);
                    Map<String, MetricMapping> metrics = new LinkedHashMap<>();
                    p.path("metrics").fields().forEachRemaining(m -> {
                        JsonNode v = m.getValue();
                        boolean defer = v.path("defer").asBoolean(false);
                        String metricWhere = where + " metric " + m.getKey();
                        MetricMapping mapping = new MetricMapping(required(v, "revenueAccount", metricWhere),
                                text(v, "item"), requireTaxCode ? required(v, "taxCode", metricWhere
                                        + " (requireTaxCode is true)") : text(v, "taxCode"),
                                text(v, "department"), text(v, "class"), defer,
                                defer ? required(v, "deferredRevenueAccount", where + " metric " + m.getKey() + " (defer: true)")
                                        : null);
                        metrics.put(m.getKey(), mapping);
                    });
                    boolean accrual = p.path("accrual").asBoolean(false);
                    String erpSystem = required(p, "erpSystem", where);
                    String currency = required(p, "currency", where);
                    Map<String, String> currencies = new LinkedHashMap<>();
                    p.path("currencies").fields().forEachRemaining(c -> currencies.put(c.getKey(), c.getValue().asText()));
                    if (CURRENCY_BY_REFERENCE.contains(erpSystem) && !currencies.containsKey(currency)) {
                        throw new IllegalArgumentException(where + ": currencies is required for " + erpSystem
                                + " (the ERP's currency reference of each ISO code) and must map " + currency);
                    }
                    policies.add(new Policy(required(p, "id", where), erpSystem,
                            Instant.parse(required(p, "validFrom", where)), required(p, "legalEntity", where),
                            currency, required(p, "receivablesAccount", where),
                            required(p, "cashAccount", where), accrual,
                            accrual ? required(p, "accruedRevenueAccount", where + " (accrual: true)") : null,
                            Map.copyOf(currencies), Map.copyOf(metrics)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read accounting policies under " + dir.toAbsolutePath(), e);
        }
        return List.copyOf(policies);
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : null;
    }

    private static String required(JsonNode node, String field, String where) {
        String value = text(node, field);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(where + ": " + field + " is required");
        }
        return value;
    }
}
