package io.meterbridge.erp.netsuite;

/**
 * A customer to upsert ({@code PUT /customer/eid:{externalId}}). Only writable fields of the spec excerpt; null fields
 * are not sent. {@code isPerson} false: a company ({@code companyName}).
 */
public record NsCustomer(String externalId, String companyName, String email, String phone, NsRef subsidiary,
        NsRef currency, NsRef terms, String comments) {

    public NsCustomer {
        NsExternalIds.require(externalId);
    }
}
