package io.meterbridge.masterdata;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonFormat;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

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
            // Money: a decimal string in the JSON APIs and the audit trail ("10.00"); a number is still accepted.
            @JsonFormat(shape = JsonFormat.Shape.STRING)
            @Schema(type = SchemaType.STRING, format = "decimal", example = "10.00") BigDecimal prepaidCredits,
            // The minimum spend per period across all metrics, in the contract's currency, trued up on its own line.
            @JsonFormat(shape = JsonFormat.Shape.STRING)
            @Schema(type = SchemaType.STRING, format = "decimal", example = "75.00") BigDecimal minimumCommitment,
            // How long after a period ends the platform finalizes its invoice (Stripe: PT1H default, PT1H..PT72H).
            @Schema(example = "PT1H") String finalizationGrace,
            // How the platform collects the hub's invoices: charge_automatically (default) or send_invoice.
            @Schema(enumeration = {"charge_automatically", "send_invoice"}) String collectionMethod,
            // send_invoice only (and required there): the days the customer has to pay.
            Integer daysUntilDue,
            // true (default): Stripe collects the finalized invoice itself; false: the hub pays or sends it.
            Boolean autoAdvance,
            // Late usage of a closed period: NEXT_CYCLE (default), ADJUST, REBILL or HOLD.
            @Schema(enumeration = {"NEXT_CYCLE", "ADJUST", "REBILL", "HOLD"}) String lateUsagePolicy) {
    }

    /**
     * platformPriceRef: the platform's name for this metric's price (Stripe meter event_name, Chargebee item price).
     * includedQuantity: free units per period, those above priced at their position in the tiers. committedQuantity:
     * the usage the CRM follow-ups at 80 % and 100 % compare with; it changes no amount.
     */
    public record ContractMetricVersion(String metric, String unit, String priceVersion, BigDecimal committedQuantity,
            String platformPriceRef, BigDecimal includedQuantity) {
    }

    /** A metric of the catalog. factor converts the field's unit to the metric's (bytes to GB: 0.000000001). */
    public record MetricVersion(String id, String aggregation, String unit, String description,
            List<MetricSourceVersion> sources) {
    }

    public record MetricSourceVersion(String eventType, String field, BigDecimal factor) {
    }
}
