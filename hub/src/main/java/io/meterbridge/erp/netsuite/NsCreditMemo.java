package io.meterbridge.erp.netsuite;

import java.time.LocalDate;
import java.util.List;

/**
 * The fields set on a credit memo transformed from an invoice ({@code POST /invoice/{id}/!transform/creditMemo}):
 * the customer, currency, subsidiary and lines come from the invoice; {@code items} null keeps the invoice's lines,
 * otherwise they replace them (a partial credit). Null fields are not sent.
 */
public record NsCreditMemo(String externalId, LocalDate tranDate, String memo, NsRef account, NsRef postingPeriod,
        List<NsItemLine> items) {

    public NsCreditMemo {
        NsExternalIds.require(externalId);
        items = items == null ? null : List.copyOf(items);
    }
}
