package io.meterbridge.erp.bc;

import java.time.LocalDate;
import java.util.List;

/**
 * A corrective credit memo for a posted invoice. {@code externalDocumentNumber} is the memo's own idempotency key;
 * {@code invoiceExternalDocumentNumber} finds the invoice it corrects (linked through invoiceId, so BC applies it).
 * Empty {@code lines}: every line of the invoice is credited (full reversal).
 */
public record BcCreditMemo(String externalDocumentNumber, String invoiceExternalDocumentNumber, LocalDate creditMemoDate,
        LocalDate postingDate, List<BcSalesLine> lines) {
}
