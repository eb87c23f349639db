package io.meterbridge.erp.netsuite;

import java.time.LocalDate;
import java.util.List;

/**
 * An invoice to upsert ({@code PUT /invoice/eid:{externalId}}). {@code entity} is the customer (usually
 * {@link NsRef#external} of the customer's external id); {@code clazz} is NetSuite's {@code class}. Read-only fields
 * (id, total, amountRemaining, status...) do not exist here. Null fields are not sent.
 */
public record NsInvoice(String externalId, NsRef entity, LocalDate tranDate, LocalDate dueDate, NsRef currency,
        NsRef subsidiary, NsRef department, NsRef clazz, NsRef location, NsRef terms, NsRef account, String memo,
        String otherRefNum, LocalDate startDate, LocalDate endDate, List<NsItemLine> items) {

    public NsInvoice {
        NsExternalIds.require(externalId);
        if (entity == null) {
            throw new IllegalArgumentException("an invoice needs an entity (the customer)");
        }
        if (items == null || items.isEmpty()) {
            throw new IllegalArgumentException("an invoice needs at least one item line");
        }
        items = List.copyOf(items);
    }
}
