package io.meterbridge.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.meterbridge.billing.PeriodCloseService;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Read models of the billing API: closed periods, rated charges and their lineage, deliveries and exceptions. */
public final class BillingViews {

    private BillingViews() {
    }

    /** The answer of a close: the period, whether this call closed it, its total and deliveries. */
    public record Close(long closeId, String contractKey, Instant periodStart, Instant periodEnd, boolean created,
            String billingSystem, String billingMode,
            @Schema(description = "ISO 4217; null when the platform rates") String currency,
            @Schema(description = "exact decimal in `currency`; null when the platform rates", example = "66.00")
            String total, List<String> deliveries,
            @Schema(description = "the open periods of the chain before this one, closed first by the same request, "
                    + "oldest first (empty when there were none)") List<Close> closedBefore) {

        static Close of(PeriodCloseService.Closed closed) {
            return of(closed, List.of());
        }

        static Close of(PeriodCloseService.Closed closed, List<Close> closedBefore) {
            return new Close(closed.closeId(), closed.contractKey(), closed.periodStart(), closed.periodEnd(),
                    closed.created(), closed.billingSystem(), closed.billingMode(), closed.currency(),
                    Money.text(closed.total(), closed.currency()), closed.deliveries(), closedBefore);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(description = "A closed billing period [period_start, period_end) of a contract")
    public record Period(long id, String contractKey, Instant periodStart, Instant periodEnd, long contractId,
            String billingSystem, String billingMode,
            @Schema(description = "ISO 4217; null when the platform rates") String currency,
            @Schema(description = "exact decimal in `currency`; null when the platform rates", example = "66.00")
            String total, Instant closedAt, String closedBy, List<DeliveryRef> deliveries) {

        static final String COLUMNS = """
                p.id, p.contract_key, p.period_start, p.period_end, p.contract_id, p.billing_system, p.billing_mode,
                p.currency, p.total, p.closed_at, p.closed_by,
                (SELECT jsonb_agg(jsonb_build_object('id', d.id, 'kind', d.kind, 'status', d.status,
                   'externalId', d.external_id, 'attempts', d.attempts) ORDER BY d.id)
                 FROM billing_delivery d WHERE d.close_id = p.id) AS deliveries""";

        static Period of(SqlRows.Row row) throws Exception {
            return new Period(row.number("id"), row.text("contract_key"), row.instant("period_start"),
                    row.instant("period_end"), row.number("contract_id"), row.text("billing_system"),
                    row.text("billing_mode"), row.text("currency"), row.money("total", "currency"), row.instant("closed_at"),
                    row.text("closed_by"), row.jsonList("deliveries", DeliveryRef.class));
        }
    }

    /** A delivery of a period, as listed with it. */
    public record DeliveryRef(String id, String kind, String status, String externalId, int attempts) {
    }

    /** A period with its rated charges (hub rates) or usage summaries (platform rates) and their source usage. */
    public record PeriodCharges(Period period, List<Charge> charges, List<UsageSummary> usageSummaries,
            List<ChargeSource> sources) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(description = "A rated charge line, with the price version and event schema versions behind it")
    public record Charge(int lineNo, String metric,
            @Schema(description = "USAGE, OVERAGE (above the included units), CREDITS_APPLIED (negative), TRUE_UP (to "
                    + "the price version's minimumCharge), COMMITMENT_TRUE_UP (to the contract's minimumCommitment, "
                    + "metric minimum_commitment) or PREPAID_CREDIT (negative, metric prepaid_credit, the last line: "
                    + "paid by the contract's credit grants)") String lineType,
            String description, BigDecimal quantity,
            @Schema(description = "exact decimal in `currency`", example = "27.00") String amount, String currency,
            @Schema(description = "the amount in the currency's minor units", example = "2700") long amountMinor,
            String priceVersion, List<String> schemaRefs, BigDecimal usageQuantity) {

        static Charge of(SqlRows.Row row) throws Exception {
            return new Charge((int) row.number("line_no"), row.text("metric"), row.text("line_type"),
                    row.text("description"), row.decimal("quantity"), row.money("amount", "currency"), row.text("currency"),
                    row.number("amount_minor"), row.text("price_version"), row.textArray("schema_refs"),
                    row.decimal("usage_quantity"));
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(description = "A usage quantity sent to a platform that rates (per metric and window)")
    public record UsageSummary(String metric, Instant windowStart, Instant windowEnd, BigDecimal quantity,
            String platformRef, String identifier, List<String> schemaRefs) {

        static UsageSummary of(SqlRows.Row row) throws Exception {
            return new UsageSummary(row.text("metric"), row.instant("window_start"), row.instant("window_end"),
                    row.decimal("quantity"), row.text("platform_ref"), row.text("identifier"),
                    row.textArray("schema_refs"));
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(description = "The hourly usage a metric's charges were computed from")
    public record ChargeSource(String metric, long hourlyAggregates, long events, Instant firstBucket,
            Instant lastBucket) {

        static ChargeSource of(SqlRows.Row row) throws Exception {
            return new ChargeSource(row.text("metric"), row.number("hourly_aggregates"), row.number("events"),
                    row.instant("first_bucket"), row.instant("last_bucket"));
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(description = "A billing delivery (outbox row) and its state")
    public record Delivery(String id, Long closeId, Long reportId,
            @Schema(description = "the correction whose delta document it is (issue 12), else null") String correctionId,
            String contractKey, String target, String kind,
            @Schema(description = "PENDING, DELIVERED or FAILED") String status, int attempts, String externalId,
            String lastError, Instant createdAt,
            @Schema(description = "when a PENDING delivery is (next) due for an attempt") Instant nextAttemptAt,
            Instant publishedAt, Instant deliveredAt) {

        static Delivery of(SqlRows.Row row) throws Exception {
            return new Delivery(row.text("id"), row.numberOrNull("close_id"), row.numberOrNull("report_id"),
                    row.text("correction_id"), row.text("contract_key"), row.text("target"), row.text("kind"), row.text("status"),
                    (int) row.number("attempts"), row.text("external_id"), row.text("last_error"),
                    row.instant("created_at"), row.instant("next_attempt_at"), row.instant("published_at"),
                    row.instant("delivered_at"));
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(description = "A delivery whose retries were exhausted, and whether finance replayed it")
    public record BillingException(long id, String deliveryId,
            @Schema(description = "a correction set aside instead of issued (issue 12): target is 'correction' and "
                    + "there is no delivery") String correctionId,
            String target, String reason, Instant failedAt, Instant replayedAt, String replayedBy,
            String deliveryStatus) {

        static BillingException of(SqlRows.Row row) throws Exception {
            return new BillingException(row.number("id"), row.text("delivery_id"), row.text("correction_id"),
                    row.text("target"),
                    row.text("reason"), row.instant("failed_at"), row.instant("replayed_at"), row.text("replayed_by"),
                    row.text("delivery_status"));
        }
    }
}
