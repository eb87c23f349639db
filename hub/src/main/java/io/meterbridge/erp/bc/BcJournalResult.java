package io.meterbridge.erp.bc;

/** A posted journal document: the journal used, the document number, its lines, whether it had been posted before. */
public record BcJournalResult(String journalId, String journalCode, String documentNumber, int lines,
        boolean alreadyPosted) {
}
