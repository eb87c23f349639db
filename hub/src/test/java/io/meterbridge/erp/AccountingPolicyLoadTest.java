package io.meterbridge.erp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The accounting policy is refused at load where it would post what a ledger cannot take: a metric without a tax code
 * (unless the policy says requireTaxCode: false), a NetSuite policy that maps no currencies; each error names the file
 * and the key. The shipped policy loads with a tax code on every metric.
 */
class AccountingPolicyLoadTest {

    private static final Path SCHEMAS = Path.of("../mappings/_schemas");

    @TempDir
    Path dir;

    private static String policy(String erp, String extra, String metric) {
        return "policies:\n  - id: p1\n    erpSystem: " + erp + "\n    validFrom: 2026-01-01T00:00:00Z\n"
                + "    legalEntity: \"1\"\n    currency: USD\n    receivablesAccount: \"1100\"\n    cashAccount: \"1000\"\n"
                + extra + "    metrics:\n      api_requests: " + metric + "\n";
    }

    @Test
    void aMetricWithoutATaxCodeIsAnErrorNamingFileAndKey() throws Exception {
        Path file = Files.writeString(dir.resolve("bc.yaml"), policy("business-central", "", "{revenueAccount: \"6110\"}"));
        assertThatThrownBy(() -> AccountingPolicies.load(dir, SCHEMAS)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("policy 'p1' metric api_requests")
                .hasMessageContaining("taxCode is required");

        Files.writeString(file, policy("business-central", "    requireTaxCode: false\n", "{revenueAccount: \"6110\"}"));
        assertThat(AccountingPolicies.load(dir, SCHEMAS).get(0).metric("api_requests").orElseThrow().taxCode()).isNull();
    }

    @Test
    void aNetSuitePolicyMustMapItsCurrencies() throws Exception {
        String metric = "{revenueAccount: \"4010\", item: \"201\", taxCode: \"-7\"}";
        Path file = Files.writeString(dir.resolve("ns.yaml"), policy("netsuite", "", metric));
        assertThatThrownBy(() -> AccountingPolicies.load(dir, SCHEMAS)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("currencies is required for netsuite")
                .hasMessageContaining("USD");

        Files.writeString(file, policy("netsuite", "    currencies: {USD: \"1\", EUR: \"4\"}\n", metric));
        AccountingPolicies.Policy loaded = AccountingPolicies.load(dir, SCHEMAS).get(0);
        assertThat(loaded.currencyRef("EUR")).contains("4");
        assertThat(loaded.currencyRef("JPY")).isEmpty();
    }

    @Test
    void theShippedPolicyHasATaxCodeOnEveryMetricAndItsCurrencies() {
        AccountingPolicies policies = new AccountingPolicies("../mappings");
        AccountingPolicies.Policy netSuite = policies.policy("netsuite", Instant.parse("2026-09-30T00:00:00Z")).orElseThrow();
        assertThat(netSuite.metrics().values()).allSatisfy(m -> assertThat(m.taxCode()).isEqualTo("-7"));
        assertThat(netSuite.currencyRef("USD")).contains("1");
        AccountingPolicies.Policy bc = policies.policy("business-central", Instant.parse("2026-09-30T00:00:00Z")).orElseThrow();
        assertThat(bc.metrics().values()).allSatisfy(m -> assertThat(m.taxCode()).isEqualTo("NONTAXABLE"));
        // Business Central takes ISO codes: no mapping, the code itself.
        assertThat(bc.currencyRef("EUR")).contains("EUR");
    }
}
