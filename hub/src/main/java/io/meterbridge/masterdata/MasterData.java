package io.meterbridge.masterdata;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable snapshot of the master data the metering route enriches with, resolved as of an event's time.
 * Rows are effective over [validFrom, validTo); validTo null means open-ended.
 */
public record MasterData(Map<String, List<CustomerMapping>> customersByTenant,
        Map<String, List<Contract>> contractsByBillingAccount, Map<String, List<MetricFeed>> feedsByEventType,
        Map<String, MetricDefinition> metrics, long version) {

    /**
     * The metric name the charge line of a contract's minimum-commitment true-up carries (the accounting policy maps it
     * to a revenue account like any metric); reserved, so no catalog metric can take it.
     */
    public static final String COMMITMENT_METRIC = "minimum_commitment";

    /**
     * The metric name of the (negative) invoice line that pays for a period with prepaid credit grants; reserved like
     * {@link #COMMITMENT_METRIC}, and mapped by the accounting policy to the account the credit relief credits.
     */
    public static final String PREPAID_CREDIT_METRIC = "prepaid_credit";

    public enum Aggregation {
        SUM, COUNT, MAX, UNIQUE_COUNT, LATEST
    }

    public record CustomerMapping(long id, String tenant, String crmAccountId, String billingSystem,
            String billingAccountId, String erpSystem, String erpCustomerId, String legalEntity, String currency,
            String costCenter, ZoneId timeZone, Instant validFrom, Instant validTo) {

        public String billingKey() {
            return billingSystem + ":" + billingAccountId;
        }
    }

    /**
     * @param includedQuantity  units of the period that are free; those above are priced at their position (null: none)
     * @param committedQuantity the usage the customer committed to: only the CRM follow-ups at 80 % and 100 % use it,
     *                          it changes no amount
     */
    public record ContractMetric(String metric, String unit, String priceVersionRef, BigDecimal committedQuantity,
            String platformPriceRef, BigDecimal includedQuantity) {
    }

    public enum BillingMode {
        /** The hub prices usage and sends invoice-ready charges. */
        HUB_RATES,
        /** The hub sends usage summaries and the billing platform prices them. */
        PLATFORM_RATES
    }

    /**
     * What happens to usage that arrives after its period closed (billing.LateUsageCorrections): NEXT_CYCLE (default)
     * bills the difference as an adjustment line on the next period's invoice, ADJUST issues a delta document now,
     * REBILL supersedes the period's invoice, HOLD queues the difference for finance to decide.
     */
    public enum LateUsagePolicy {
        NEXT_CYCLE, ADJUST, REBILL, HOLD
    }

    /** minimumCommitment: the minimum spend per period across all metrics, in the contract's currency (null: none). */
    public record Contract(long id, String key, String billingSystem, String billingAccountId, int anchorDay,
            ZoneId timeZone, Duration gracePeriod, Instant validFrom, Instant validTo, Map<String, ContractMetric> metrics,
            BillingMode billingMode, String billingSubscriptionId, BigDecimal prepaidCredits,
            BigDecimal minimumCommitment, Invoicing invoicing, LateUsagePolicy lateUsagePolicy) {

        public String billingKey() {
            return billingSystem + ":" + billingAccountId;
        }

        public BillingPeriod periodOf(Instant instant) {
            return BillingPeriod.monthly(instant, timeZone, anchorDay);
        }
    }

    /**
     * How the billing platform finalizes and collects a contract's invoices.
     *
     * @param finalizationGrace how long after a period ends the platform finalizes the period's invoice (Stripe's
     *                          grace, 1 h to 72 h): usage of the period must reach the platform before then
     * @param collectionMethod  charge_automatically or send_invoice (Stripe's names)
     * @param daysUntilDue      send_invoice: days the customer has to pay; null otherwise
     * @param autoAdvance       true (default): the hub finalizes and the platform collects on its own schedule;
     *                          false: the hub charges (pay) or sends the finalized invoice itself
     */
    public record Invoicing(Duration finalizationGrace, String collectionMethod, Integer daysUntilDue,
            boolean autoAdvance) {

        public static final Invoicing DEFAULT = new Invoicing(Duration.ofHours(1), "charge_automatically", null, true);

        public boolean sendInvoice() {
            return "send_invoice".equals(collectionMethod);
        }
    }

    public record MetricDefinition(String id, Aggregation aggregation, String unit, String description) {
    }

    /** One event type feeding one metric: the data field read (none for COUNT) and the unit conversion factor. */
    public record MetricFeed(MetricDefinition metric, String eventType, String field, BigDecimal factor) {
    }

    public static MasterData empty() {
        return new MasterData(Map.of(), Map.of(), Map.of(), Map.of(), -1);
    }

    public Optional<CustomerMapping> customer(String tenant, Instant at) {
        return effective(customersByTenant.get(tenant), at, CustomerMapping::validFrom, CustomerMapping::validTo);
    }

    public Optional<Contract> contract(String billingKey, String metric, Instant at) {
        List<Contract> contracts = contractsByBillingAccount.get(billingKey);
        if (contracts == null) {
            return Optional.empty();
        }
        return contracts.stream()
                .filter(c -> c.metrics().containsKey(metric) && covers(c.validFrom(), c.validTo(), at))
                .findFirst();
    }

    /** The customer mapping of a billing account (system:account) at a date: the ERP side of the crosswalk. */
    public Optional<CustomerMapping> customerOfBillingAccount(String billingKey, Instant at) {
        return customersByTenant.values().stream().flatMap(List::stream)
                .filter(c -> c.billingKey().equals(billingKey) && covers(c.validFrom(), c.validTo(), at))
                .min(java.util.Comparator.comparing(CustomerMapping::tenant));
    }

    /** The contract of a billing account in force at a date. */
    public Optional<Contract> contractOfBillingAccount(String billingKey, Instant at) {
        return contractsByBillingAccount.getOrDefault(billingKey, List.of()).stream()
                .filter(c -> covers(c.validFrom(), c.validTo(), at)).findFirst();
    }

    public List<MetricFeed> feeds(String eventType) {
        return feedsByEventType.getOrDefault(eventType, List.of());
    }

    static boolean covers(Instant from, Instant to, Instant at) {
        return !at.isBefore(from) && (to == null || at.isBefore(to));
    }

    private static <T> Optional<T> effective(List<T> rows, Instant at, java.util.function.Function<T, Instant> from,
            java.util.function.Function<T, Instant> to) {
        if (rows == null) {
            return Optional.empty();
        }
        return rows.stream().filter(r -> covers(from.apply(r), to.apply(r), at)).findFirst();
    }
}
