package io.meterbridge.crm;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

import io.meterbridge.billing.DeliveryIds;

/** One crossed threshold of one contract metric in one billing period: a row of commitment_alert. */
public record CommitmentAlert(String contractKey, long contractId, String metric, Instant periodStart,
        Instant periodEnd, int thresholdPercent, BigDecimal committedQuantity, BigDecimal quantityAtDetection,
        Instant detectedAt, String tenant, String crmAccountId, String alertKey, String crmStatus, String crmTaskId,
        int attempts) {

    /**
     * The deterministic external id of the CRM task: {@code mb-commit-<contract>-<metric>-<period start>-<percent>},
     * the period's first day in the contract's time zone. The metric is a segment without "-" (DeliveryIds.segment),
     * so contract "a-b" with metric "c" and contract "a" with metric "b-c" get different keys.
     */
    public static String key(String contractKey, String metric, LocalDate periodStartDate, int thresholdPercent) {
        return "mb-commit-" + contractKey + "-" + DeliveryIds.segment(metric) + "-" + periodStartDate + "-"
                + thresholdPercent;
    }

    public boolean taskCreated() {
        return "CREATED".equals(crmStatus);
    }

    public CommitmentAlert withTask(String taskId) {
        return new CommitmentAlert(contractKey, contractId, metric, periodStart, periodEnd, thresholdPercent,
                committedQuantity, quantityAtDetection, detectedAt, tenant, crmAccountId, alertKey, "CREATED", taskId,
                attempts);
    }
}
