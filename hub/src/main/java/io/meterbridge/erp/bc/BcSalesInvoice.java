package io.meterbridge.erp.bc;

import java.time.LocalDate;
import java.util.List;

/**
 * A sales invoice to post. {@code externalDocumentNumber} (Code[35], stored upper-cased) is the idempotency key: the
 * connector looks it up before it creates anything. Dates may be null (BC takes the work date); {@code currencyCode}
 * null or empty is the company's local currency.
 */
public record BcSalesInvoice(String externalDocumentNumber, String customerNumber, LocalDate invoiceDate,
        LocalDate postingDate, LocalDate dueDate, String currencyCode, String customerPurchaseOrderReference,
        List<BcSalesLine> lines) {
}
