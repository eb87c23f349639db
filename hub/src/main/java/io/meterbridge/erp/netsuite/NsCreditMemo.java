package io.meterbridge.erp.netsuite;

import java.time.LocalDate;
import java.util.List;

/**
 * The fields set on a credit memo transformed from an invoice ({@code POST /invoice/{id}/!transform/creditMemo}):
 * the customer, subsidiary and lines come from the invoice; {@code currency}, when given, must be the invoice's (NetSuite
 * refuses another); {@code items} null keeps the invoice's lines, otherwise they replace them (a partial credit). Null
 * fields are not sent.
 */
public record NsCreditMemo(String externalId, LocalDate tranDate, String memo, NsRef currency, NsRef account,
        NsRef postingPeriod, List<NsItemLine> items) {

    public NsCreditMemo {
        NsExternalIds.require(externalId);
        items = items == null ? null : List.copyOf(items);
    }

    /** Without a currency: the memo keeps the invoice's. */
    public NsCreditMemo(String externalId, LocalDate tranDate, String memo, NsRef account, NsRef postingPeriod,
            List<NsItemLine> items) {
        this(externalId, tranDate, memo, null, account, postingPeriod, items);
    }
}
