package io.meterbridge.erp.netsuite;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * One line of an invoice's or credit memo's item sublist ({@code item.items[]}). {@code item} is required by NetSuite
 * on invoice lines; {@code amount} or {@code rate} (x quantity) gives the line amount. {@code revRecStartDate} and
 * {@code revRecEndDate} (both or neither, inclusive) are the service period of deferred revenue. Null fields are not
 * sent.
 */
public record NsItemLine(NsRef item, BigDecimal quantity, BigDecimal rate, BigDecimal amount, String description,
        NsRef taxCode, NsRef department, NsRef clazz, LocalDate revRecStartDate, LocalDate revRecEndDate) {

    public NsItemLine {
        if ((revRecStartDate == null) != (revRecEndDate == null)
                || (revRecStartDate != null && revRecEndDate.isBefore(revRecStartDate))) {
            throw new IllegalArgumentException("a revenue recognition period needs a start and an end not before it, got "
                    + revRecStartDate + " to " + revRecEndDate);
        }
    }

    /** A line whose revenue is not deferred. */
    public NsItemLine(NsRef item, BigDecimal quantity, BigDecimal rate, BigDecimal amount, String description,
            NsRef taxCode, NsRef department, NsRef clazz) {
        this(item, quantity, rate, amount, description, taxCode, department, clazz, null, null);
    }

    /** The common case: an item, a quantity, an amount and a description. */
    public static NsItemLine of(NsRef item, BigDecimal quantity, BigDecimal amount, String description) {
        return new NsItemLine(item, quantity, null, amount, description, null, null, null, null, null);
    }
}
