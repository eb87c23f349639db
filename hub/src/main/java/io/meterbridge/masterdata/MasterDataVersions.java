package io.meterbridge.masterdata;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** The shapes in which master data is written: YAML files under mappings/ and the admin API's JSON. */
public final class MasterDataVersions {

    private MasterDataVersions() {
    }

    /** One effective-dated version of a tenant's crosswalk row. */
    public record CustomerVersion(String tenant, String crmAccountId, String billingSystem, String billingAccountId,
            String erpSystem, String erpCustomerId, String legalEntity, String currency, String costCenter,
            String timeZone, Instant validFrom, Instant validTo) {
    }

    /**
     * One effective-dated version of a contract. gracePeriod is ISO-8601 (P3D, PT12H). billingMode: HUB_RATES (the
     * default: the hub prices, the platform invoices) or PLATFORM_RATES (the hub sends usage, the platform prices).
     */
    public record ContractVersion(String contractKey, String billingSystem, String billingAccountId,
            String billingCycle, Integer anchorDay, String timeZone, String gracePeriod, Instant validFrom,
            Instant validTo, List<ContractMetricVersion> metrics, String billingMode, String billingSubscriptionId,
            BigDecimal prepaidCredits) {
    }

    /** platformPriceRef: the platform's name for this metric's price (Stripe meter event_name, Chargebee item price). */
    public record ContractMetricVersion(String metric, String unit, String priceVersion, BigDecimal committedQuantity,
            String platformPriceRef) {
    }

    /** A metric of the catalog. factor converts the field's unit to the metric's (bytes to GB: 0.000000001). */
    public record MetricVersion(String id, String aggregation, String unit, String description,
            List<MetricSourceVersion> sources) {
    }

    public record MetricSourceVersion(String eventType, String field, BigDecimal factor) {
    }
}
