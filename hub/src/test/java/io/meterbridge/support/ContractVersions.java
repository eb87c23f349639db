package io.meterbridge.support;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.restassured.response.Response;

import static io.meterbridge.support.BillingFixture.contractKey;
import static io.meterbridge.support.BillingFixture.erpCustomer;
import static io.meterbridge.support.MasterDataFixture.admin;

/** Effective-dated contract versions of one Stripe-billed, hub-rated tenant (monthly from the 1st, UTC), via the admin API. */
public final class ContractVersions {

    private ContractVersions() {
    }

    public static String account(String tenant) {
        return "cus_" + tenant.replace("-", "");
    }

    /** The tenant's billing account and crosswalk row, from 2026-01-01. */
    public static void customer(String tenant) {
        admin().body(Map.of("tenant", tenant, "crmAccountId", "crm-" + tenant, "billingSystem", "stripe",
                "billingAccountId", account(tenant), "erpSystem", "netsuite", "erpCustomerId", erpCustomer(tenant),
                "currency", "USD", "timeZone", "UTC", "validFrom", "2026-01-01T00:00:00Z"))
                .post("/api/v1/admin/customers").then().statusCode(200);
    }

    /** A metric term: its price version and extra fields (includedQuantity, ...). */
    public static Map<String, Object> term(String metric, String priceVersion, Map<String, Object> extra) {
        Map<String, Object> term = new LinkedHashMap<>(Map.of("metric", metric, "unit", "unit",
                "priceVersion", priceVersion));
        term.putAll(extra);
        return term;
    }

    /** POSTs a contract version (validTo and minimumCommitment may be null) and returns the response. */
    public static Response version(String tenant, String validFrom, String validTo, String minimumCommitment,
            List<Map<String, Object>> metrics) {
        Map<String, Object> contract = new LinkedHashMap<>(Map.of("contractKey", contractKey(tenant),
                "billingSystem", "stripe", "billingAccountId", account(tenant), "billingMode", "HUB_RATES",
                "billingCycle", "MONTHLY", "anchorDay", 1, "timeZone", "UTC", "gracePeriod", "P3D",
                "validFrom", validFrom, "metrics", metrics));
        if (validTo != null) {
            contract.put("validTo", validTo);
        }
        if (minimumCommitment != null) {
            contract.put("minimumCommitment", minimumCommitment);
        }
        return admin().body(contract).post("/api/v1/admin/contracts");
    }
}
