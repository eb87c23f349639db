package io.meterbridge.erp.bc;

import java.math.BigDecimal;

/**
 * A sales document in BC after the connector's call: id (GUID), number (the posted number once posted), status
 * (Draft, Open, Paid...), total including tax, and whether this call created it (false: it was found by its
 * external document number).
 */
public record BcDocument(String id, String number, String externalDocumentNumber, String status,
        BigDecimal totalAmountIncludingTax, boolean created) {

    public boolean posted() {
        return !"Draft".equals(status);
    }
}
