package io.meterbridge.erp.netsuite;

import java.math.BigDecimal;

/**
 * One line of an invoice's or credit memo's item sublist ({@code item.items[]}). {@code item} is required by NetSuite
 * on invoice lines; {@code amount} or {@code rate} (x quantity) gives the line amount. Null fields are not sent.
 */
public record NsItemLine(NsRef item, BigDecimal quantity, BigDecimal rate, BigDecimal amount, String description,
        NsRef taxCode, NsRef department, NsRef clazz) {

    /** The common case: an item, a quantity, an amount and a description. */
    public static NsItemLine of(NsRef item, BigDecimal quantity, BigDecimal amount, String description) {
        return new NsItemLine(item, quantity, null, amount, description, null, null, null);
    }
}
