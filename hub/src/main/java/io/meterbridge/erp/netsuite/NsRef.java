package io.meterbridge.erp.netsuite;

/**
 * A reference to another NetSuite record, sent as {@code {"id":"..."}} (internal id) or {@code {"externalId":"..."}}.
 * Exactly one is set.
 */
public record NsRef(String id, String externalId) {

    public NsRef {
        if ((id == null) == (externalId == null)) {
            throw new IllegalArgumentException("a NetSuite reference has exactly one of id and externalId");
        }
        if (externalId != null) {
            NsExternalIds.require(externalId);
        }
    }

    /** By internal id (accounts, items, subsidiaries, currencies... as configured in NetSuite). */
    public static NsRef id(String internalId) {
        return new NsRef(internalId, null);
    }

    /** By external id (records the hub created: customers, invoices). */
    public static NsRef external(String externalId) {
        return new NsRef(null, externalId);
    }
}
