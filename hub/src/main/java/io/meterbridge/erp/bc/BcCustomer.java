package io.meterbridge.erp.bc;

/**
 * A BC customer as the hub writes it: only fields of the customers page that are editable (never id, balanceDue,
 * taxAreaDisplayName). {@code number} (Code[20], stored upper-cased) is the hub's key for it; null fields are not sent.
 */
public record BcCustomer(String number, String displayName, String email, String phoneNumber, String addressLine1,
        String addressLine2, String city, String state, String country, String postalCode, String currencyCode,
        String taxRegistrationNumber) {

    public static BcCustomer of(String number, String displayName) {
        return new BcCustomer(number, displayName, null, null, null, null, null, null, null, null, null, null);
    }
}
