package io.meterbridge.erp.netsuite;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/**
 * A customer refund to create ({@code POST /customerRefund}; like customerPayment NOT in the team's spec excerpt, see
 * docs/api/sandboxes.md): money paid back to the customer out of {@code account} (the bank account). Each
 * application names the customer payment refunded (by internal or external id; the connector resolves external ids)
 * and the amount paid back of it; the refund's total is their sum, computed by NetSuite.
 */
public record NsRefund(String externalId, NsRef customer, LocalDate tranDate, NsRef currency, NsRef subsidiary,
        NsRef account, String memo, List<Application> apply) {

    /** One line of the apply sublist: the payment and the amount refunded of it. */
    public record Application(NsRef payment, BigDecimal amount) {
    }

    public NsRefund {
        NsExternalIds.require(externalId);
        if (customer == null || account == null || apply == null || apply.isEmpty()) {
            throw new IllegalArgumentException("a customer refund needs a customer, an account and a payment it refunds");
        }
        apply = List.copyOf(apply);
    }
}
