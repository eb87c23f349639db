package io.meterbridge.erp.bc;

/** A customer in BC: its id (GUID), its number, and whether this call created it. */
public record BcCustomerRef(String id, String number, boolean created) {
}
