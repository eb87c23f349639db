package io.meterbridge.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Read models of the admin API: master data as stored (effective-dated versions) and its audit trail. */
public final class AdminViews {

    private AdminViews() {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(description = "One effective-dated version of a tenant's crosswalk row")
    public record Customer(long id, String tenant, String crmAccountId, String billingSystem, String billingAccountId,
            String erpSystem, String erpCustomerId, String legalEntity, String currency, String costCenter,
            String timeZone, Instant validFrom, Instant validTo) {

        static Customer of(SqlRows.Row row) throws Exception {
            return new Customer(row.number("id"), row.text("tenant"), row.text("crm_account_id"),
                    row.text("billing_system"), row.text("billing_account_id"), row.text("erp_system"),
                    row.text("erp_customer_id"), row.text("legal_entity"), row.text("currency"),
                    row.text("cost_center"), row.text("time_zone"), row.instant("valid_from"), row.instant("valid_to"));
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(description = "One effective-dated version of a contract with its metrics")
    public record Contract(long id, String contractKey, String billingSystem, String billingAccountId,
            String billingCycle, int anchorDay, String timeZone,
            @Schema(description = "PostgreSQL interval, e.g. 3 days") String gracePeriod, Instant validFrom,
            Instant validTo, String billingMode, String billingSubscriptionId,
            @Schema(description = "prepaid credit granted with the contract, an exact decimal in `currency`",
                    example = "10.00") String prepaidCredits,
            @Schema(description = "minimum spend per period across all metrics, an exact decimal in `currency` (null: "
                    + "none)", example = "75.00") String minimumCommitment,
            @Schema(description = "ISO 4217 currency of the billing account (its latest customer mapping)")
            String currency, List<ContractMetric> metrics,
            @Schema(description = "PostgreSQL interval after a period's end at which the platform finalizes its "
                    + "invoice, e.g. 01:00:00") String finalizationGrace,
            @Schema(enumeration = {"charge_automatically", "send_invoice"}) String collectionMethod,
            Long daysUntilDue, boolean autoAdvance,
            @Schema(enumeration = {"NEXT_CYCLE", "ADJUST", "REBILL", "HOLD"},
                    description = "what late usage of a closed period becomes") String lateUsagePolicy) {

        static Contract of(SqlRows.Row row) throws Exception {
            return new Contract(row.number("id"), row.text("contract_key"), row.text("billing_system"),
                    row.text("billing_account_id"), row.text("billing_cycle"), (int) row.number("anchor_day"),
                    row.text("time_zone"), row.text("grace_period"), row.instant("valid_from"),
                    row.instant("valid_to"), row.text("billing_mode"), row.text("billing_subscription_id"),
                    row.money("prepaid_credits", "currency"), row.money("minimum_commitment", "currency"), row.text("currency"),
                    row.jsonList("metrics", ContractMetric.class), row.text("finalization_grace"),
                    row.text("collection_method"), row.numberOrNull("days_until_due"),
                    Boolean.parseBoolean(row.text("auto_advance")), row.text("late_usage_policy"));
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ContractMetric(String metric, String unit, String priceVersionRef, BigDecimal committedQuantity,
            String platformPriceRef, BigDecimal includedQuantity) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(description = "A metric of the catalog and the event types that feed it")
    public record Metric(String id, String aggregation, String unit, String description, List<MetricSource> sources) {

        static Metric of(SqlRows.Row row) throws Exception {
            return new Metric(row.text("id"), row.text("aggregation"), row.text("unit"), row.text("description"),
                    row.jsonList("sources", MetricSource.class));
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record MetricSource(String eventType, String field, BigDecimal factor) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(description = "One change of master data: who, when, before and after")
    public record Change(long id, String entity, String entityKey, String changedBy, Instant changedAt,
            @Schema(description = "the version before the change (null for a new key)") JsonNode before,
            @Schema(description = "the version after the change") JsonNode after) {

        static Change of(SqlRows.Row row) throws Exception {
            return new Change(row.number("id"), row.text("entity"), row.text("entity_key"), row.text("changed_by"),
                    row.instant("changed_at"), row.json("before"), row.json("after"));
        }
    }
}
