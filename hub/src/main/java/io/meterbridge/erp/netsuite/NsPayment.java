package io.meterbridge.erp.netsuite;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/**
 * A customer payment to create ({@code POST /customerPayment}; NOT in the team's spec excerpt, see
 * docs/api/sandboxes.md). {@code payment} is the amount received; {@code account} the deposit account (null:
 * undeposited funds, NetSuite's default). Each application names an invoice (by internal or external id; the
 * connector resolves external ids) and the amount applied to it.
 */
public record NsPayment(String externalId, NsRef customer, LocalDate tranDate, BigDecimal payment, NsRef currency,
        NsRef subsidiary, NsRef account, NsRef department, NsRef clazz, String memo, List<Application> apply) {

    /** One line of the apply sublist: the invoice and the amount applied to it. */
    public record Application(NsRef invoice, BigDecimal amount) {
    }

    public NsPayment {
        NsExternalIds.require(externalId);
        if (customer == null || payment == null) {
            throw new IllegalArgumentException("a customer payment needs a customer and a payment amount");
        }
        apply = apply == null ? List.of() : List.copyOf(apply);
    }
}
