package io.meterbridge.billing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.PRICE_VERSIONS;
import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.charges;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contractKey;
import static io.meterbridge.support.BillingFixture.erpCustomer;
import static io.meterbridge.support.BillingFixture.featureRun;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.storage;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

/**
 * The contract's terms at close, through the admin API and the real database: included units priced at their tier
 * position, the metric's minimum charge, the contract's minimum commitment on its own line with its lineage, and a
 * committed quantity that changes no amount. The amounts are docs/walkthrough.md's, computed by hand there.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class ContractTermsCloseTest {

    private static final String AUG = "2026-08-01T00:00:00Z", SEP = "2026-09-01T00:00:00Z";

    /** The tenant's Stripe customer (the sandbox takes cus_ and letters, digits, underscores). */
    private static String customer(String tenant) {
        return "cus_" + tenant.replace("-", "");
    }

    /** A Stripe-billed, hub-rated contract from 2026-08-01 (the month it bills is its first period) with the given contract fields and metric terms. */
    private static void contract(String tenant, Map<String, Object> fields, Map<String, Map<String, Object>> terms) {
        admin().body(Map.of("tenant", tenant, "crmAccountId", "crm-" + tenant, "billingSystem", "stripe",
                "billingAccountId", customer(tenant), "erpSystem", "netsuite", "erpCustomerId", erpCustomer(tenant),
                "currency", "USD", "timeZone", "UTC", "validFrom", "2026-01-01T00:00:00Z"))
                .post("/api/v1/admin/customers").then().statusCode(200);
        admin().body(body(tenant, "HUB_RATES", fields, terms)).post("/api/v1/admin/contracts").then().statusCode(200);
    }

    private static Map<String, Object> body(String tenant, String mode, Map<String, Object> fields,
            Map<String, Map<String, Object>> terms) {
        List<Map<String, Object>> metrics = new ArrayList<>();
        terms.forEach((metric, extra) -> {
            Map<String, Object> term = new LinkedHashMap<>(Map.of("metric", metric, "unit", "unit",
                    "priceVersion", PRICE_VERSIONS.get(metric), "platformPriceRef", metric + "-meter"));
            term.putAll(extra);
            metrics.add(term);
        });
        Map<String, Object> contract = new LinkedHashMap<>(Map.of("contractKey", contractKey(tenant),
                "billingSystem", "stripe", "billingAccountId", customer(tenant), "billingMode", mode,
                "billingCycle", "MONTHLY", "anchorDay", 1, "timeZone", "UTC", "gracePeriod", "P3D",
                "validFrom", AUG, "metrics", metrics));
        contract.putAll(fields);
        return contract;
    }

    private static List<BigDecimal> amounts(JsonPath charges) {
        return charges.getList("charges.amount", String.class).stream().map(BigDecimal::new).toList();
    }

    @Test
    void theWalkthroughsInvoiceIncludedUnitsAMinimumChargeAndAMinimumCommitment() {
        String tenant = uniqueId("terms");
        Map<String, Map<String, Object>> terms = new LinkedHashMap<>();
        terms.put("api_requests", Map.of("includedQuantity", 100000, "committedQuantity", 100000));
        terms.put("active_users", Map.of());
        terms.put("storage_gb_peak", Map.of());
        terms.put("feature_runs", Map.of());
        contract(tenant, Map.of("prepaidCredits", "1.00", "minimumCommitment", "75.00"), terms);
        List<ObjectNode> events = new ArrayList<>(List.of(
                apiRequests(tenant, "2026-08-03T10:00:00Z", 70000, "alice"),
                apiRequests(tenant, "2026-08-12T10:00:00Z", 45000, "bob"),
                apiRequests(tenant, "2026-08-20T10:00:00Z", 12000, "alice"),
                storage(tenant, "2026-08-15T10:00:00Z", 250_000_000_000L)));
        for (int day = 5; day <= 8; day++) {
            events.add(featureRun(tenant, "2026-08-0" + day + "T10:00:00Z"));
        }
        send(events.toArray(ObjectNode[]::new));
        awaitUsage(tenant, "api_requests", AUG, SEP, "127000");
        awaitUsage(tenant, "feature_runs", AUG, SEP, "4");
        awaitUsage(tenant, "storage_gb_peak", AUG, SEP, "250");
        awaitUsage(tenant, "active_users", AUG, SEP, "2");

        JsonPath closed = close(tenant, "2026-08-15T00:00:00Z");
        // 4.00 + 21.60 + 28.40 + 1.00 - 1.00 + 12.00 + 8.00 (75.00 - 67.00 of spend)
        assertThat(new BigDecimal(closed.getString("total"))).isEqualByComparingTo("74.00");
        JsonPath rated = charges(closed.getLong("closeId"));
        assertThat(rated.getList("charges.metric")).containsExactly("active_users", "api_requests", "api_requests",
                "feature_runs", "feature_runs", "storage_gb_peak", "minimum_commitment");
        assertThat(rated.getList("charges.line_type")).containsExactly("USAGE", "OVERAGE", "TRUE_UP", "USAGE",
                "CREDITS_APPLIED", "USAGE", "COMMITMENT_TRUE_UP");
        assertThat(amounts(rated)).usingElementComparator(BigDecimal::compareTo).containsExactly(new BigDecimal("4.00"),
                new BigDecimal("21.60"), new BigDecimal("28.40"), new BigDecimal("1.00"), new BigDecimal("-1.00"),
                new BigDecimal("12.00"), new BigDecimal("8.00"));
        assertThat(rated.getList("charges.amount_minor", Long.class)).containsExactly(400L, 2160L, 2840L, 100L, -100L,
                1200L, 800L);
        assertThat(rated.getString("charges[1].description")).isEqualTo("27000 above the 100000 included");

        // Lineage of the commitment line: the contract version whose term it is, and the schemas of all the usage.
        Map<String, Object> commitment = rated.getMap("charges.find { it.line_type == 'COMMITMENT_TRUE_UP' }");
        assertThat(commitment.get("price_version")).isEqualTo("contract:" + contractKey(tenant) + "@" + AUG);
        assertThat(commitment.get("usage_quantity")).isNull();
        assertThat(String.valueOf(commitment.get("schema_refs"))).contains("api.request", "storage.usage",
                "feature.execution");
        assertThat(String.valueOf(commitment.get("description")))
                .isEqualTo("true-up of the period's spend of 67.00 to the minimum commitment of 75.00 USD");

        // The admin API shows the terms back as written.
        JsonPath contracts = admin().queryParam("billingAccountId", customer(tenant)).get("/api/v1/admin/contracts")
                .then().statusCode(200).extract().jsonPath();
        assertThat(contracts.getString("[0].minimum_commitment")).isEqualTo("75.00");
        assertThat(new BigDecimal(contracts.getString("[0].metrics.find { it.metric == 'api_requests' }.included_quantity")))
                .isEqualByComparingTo("100000");
    }

    @Test
    void aCommittedQuantityChangesNoAmount() {
        // The walkthrough's initech: 64,000 requests, 10,000 committed: 64,000 x 0.0010 = 64.00, above the 50.00 minimum.
        String tenant = uniqueId("commit");
        contract(tenant, Map.of(), Map.of("api_requests", Map.of("committedQuantity", 10000)));
        send(apiRequests(tenant, "2026-08-09T10:00:00Z", 64000, "erin"));
        awaitUsage(tenant, "api_requests", AUG, SEP, "64000");
        JsonPath closed = close(tenant, "2026-08-15T00:00:00Z");
        assertThat(new BigDecimal(closed.getString("total"))).isEqualByComparingTo("64.00");
        JsonPath rated = charges(closed.getLong("closeId"));
        assertThat(rated.getList("charges.line_type")).containsExactly("USAGE");
        assertThat(new BigDecimal(rated.getString("charges[0].quantity"))).isEqualByComparingTo("64000");
    }

    @Test
    void termsThatCannotPriceAreRefusedByTheAdminApi() {
        String tenant = uniqueId("badterms");
        admin().body(body(tenant, "HUB_RATES", Map.of(), Map.of("api_requests", Map.of("includedQuantity", -1))))
                .post("/api/v1/admin/contracts").then().statusCode(400)
                .body("error", containsString("metrics[].includedQuantity: must not be negative"));
        admin().body(body(tenant, "HUB_RATES", Map.of("minimumCommitment", "-5.00"), Map.of("api_requests", Map.of())))
                .post("/api/v1/admin/contracts").then().statusCode(400)
                .body("error", containsString("minimumCommitment: must not be negative"));
        admin().body(body(tenant, "PLATFORM_RATES", Map.of("minimumCommitment", "75.00"), Map.of("api_requests", Map.of())))
                .post("/api/v1/admin/contracts").then().statusCode(400)
                .body("error", containsString("a PLATFORM_RATES contract is priced by its platform"));
        admin().body(Map.of("id", "minimum_commitment", "aggregation", "SUM", "unit", "USD",
                "sources", List.of(Map.of("eventType", "api.request", "field", "count"))))
                .put("/api/v1/admin/metrics/minimum_commitment").then().statusCode(400)
                .body("error", containsString("reserved"));
    }
}
