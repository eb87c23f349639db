package io.meterbridge.erp.bc;

import java.math.BigDecimal;

/**
 * A line of a sales invoice or credit memo, writable fields only (never amountExcludingTax, taxPercent, the net and
 * total amounts: BC computes them). {@code lineType}: Item, Account (G/L account), Resource, Charge, Fixed Asset or
 * Comment; {@code lineObjectNumber} the item's or account's number. Null fields are not sent.
 */
public record BcSalesLine(String lineType, String lineObjectNumber, String description, BigDecimal quantity,
        BigDecimal unitPrice, BigDecimal discountAmount, String unitOfMeasureCode, String taxCode) {

    public static BcSalesLine item(String itemNumber, String description, BigDecimal quantity, BigDecimal unitPrice) {
        return new BcSalesLine("Item", itemNumber, description, quantity, unitPrice, null, null, null);
    }

    public static BcSalesLine account(String glAccount, String description, BigDecimal quantity, BigDecimal unitPrice) {
        return new BcSalesLine("Account", glAccount, description, quantity, unitPrice, null, null, null);
    }

    public static BcSalesLine comment(String text) {
        return new BcSalesLine("Comment", null, text, null, null, null, null, null);
    }
}
