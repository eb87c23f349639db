package io.meterbridge.erp.bc;

import java.math.BigDecimal;

/**
 * A general journal line, writable fields only. {@code accountType}: "G/L Account", "Customer", "Bank Account"...;
 * amounts are signed (debit positive). A line without a balancing account must be balanced by other lines of the same
 * document. Null fields are not sent.
 */
public record BcJournalLine(String accountType, String accountNumber, BigDecimal amount, String description,
        String externalDocumentNumber, String balanceAccountType, String balancingAccountNumber, String comment) {

    public static BcJournalLine glAccount(String account, BigDecimal amount, String description) {
        return new BcJournalLine("G/L Account", account, amount, description, null, null, null, null);
    }

    /**
     * A customer payment (the spec has no payment entity): credits the customer, debits the bank account.
     * {@code reference} is the payment's external document number (the PSP's payment id).
     */
    public static BcJournalLine customerPayment(String customerNumber, BigDecimal amount, String bankAccountNumber,
            String reference, String description) {
        return new BcJournalLine("Customer", customerNumber, amount.negate(), description, reference, "Bank Account",
                bankAccountNumber, null);
    }

    /**
     * A refund paid to the customer: debits the customer, credits the bank account. API v2.0 journal lines have no
     * document type (Refund) to set: the line is told apart by its sign, and {@code reference} is the document number
     * of the payment journal it pays back.
     */
    public static BcJournalLine customerRefund(String customerNumber, BigDecimal amount, String bankAccountNumber,
            String reference, String description) {
        return new BcJournalLine("Customer", customerNumber, amount, description, reference, "Bank Account",
                bankAccountNumber, null);
    }
}
