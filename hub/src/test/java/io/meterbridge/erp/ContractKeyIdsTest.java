package io.meterbridge.erp;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.meterbridge.billing.DeliveryIds;
import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.SandboxClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.awaitPosted;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contract;
import static io.meterbridge.support.BillingFixture.contractKey;
import static io.meterbridge.support.BillingFixture.erpCustomer;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.storage;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Contracts whose keys differ only in a character outside the id alphabet (acme.eu and acme_eu), and a key too long
 * to be kept whole, close the same period into different billing deliveries, usage accruals and NetSuite customers and
 * journal entries: nothing of one is taken for the other.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class ContractKeyIdsTest {

    private static String closedSeptember(String tenant) {
        contract(tenant, "netsuite", "stripe", "cus_" + UUID.randomUUID().toString().replace("-", ""), "HUB_RATES", null,
                null, Map.of(), "storage_gb_peak");
        send(storage(tenant, "2026-09-11T10:00:00Z", 250_000_000_000L));
        awaitUsage(tenant, "storage_gb_peak", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "250");
        return close(tenant, "2026-09-15T00:00:00Z").getString("deliveries[0]");
    }

    @Test
    void keysThatOnlyDifferInAPunctuationCharacterOrAreLongShareNoId() {
        String id = UUID.randomUUID().toString();
        List<String> tenants = List.of("acme.eu-" + id, "acme_eu-" + id, "acme-" + "l".repeat(70) + "-" + id);
        List<String> deliveries = tenants.stream().map(ContractKeyIdsTest::closedSeptember).toList();
        assertThat(deliveries).doesNotContainNull().doesNotHaveDuplicates()
                .allSatisfy(d -> assertThat(d).matches("[A-Za-z0-9_-]+"));
        // acme_eu's key is in the alphabet and keeps its readable id; acme.eu's gets a hash; the long one is shortened.
        assertThat(deliveries.get(1)).isEqualTo("stripe-invoice-contract-acme_eu-" + id + "-20260901");
        assertThat(deliveries.get(0)).startsWith("stripe-invoice-contract-acme_eu-" + id + "-").endsWith("-20260901");

        List<String> accruals = tenants.stream()
                .map(t -> "mb-accr-" + DeliveryIds.safe(contractKey(t)) + "-20260901").toList();
        assertThat(accruals).doesNotHaveDuplicates();
        accruals.forEach(a -> awaitPosted(a));

        var journals = SandboxClient.netSuite().recordsJson("journalEntry");
        List<String> customers = accruals.stream()
                .map(a -> journals.getString("find { it.externalId == '" + a + "' }.line.items[0].entity.externalId"))
                .toList();
        assertThat(customers).doesNotContainNull().doesNotHaveDuplicates()
                .isEqualTo(tenants.stream().map(t -> DeliveryIds.safe(erpCustomer(t))).toList());
        assertThat(customers.get(1)).isEqualTo(erpCustomer(tenants.get(1)));
        assertThat(customers.get(2)).hasSizeLessThanOrEqualTo(64);
        var netSuiteCustomers = SandboxClient.netSuite().recordsJson("customer");
        customers.forEach(c -> assertThat(netSuiteCustomers.getList("findAll { it.externalId == '" + c + "' }")).hasSize(1));
    }
}
