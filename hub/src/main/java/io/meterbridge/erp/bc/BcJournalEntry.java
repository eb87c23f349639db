package io.meterbridge.erp.bc;

import java.time.LocalDate;
import java.util.List;

/**
 * One journal document to post: its lines share {@code documentNumber} (Code[20], the idempotency key: the connector
 * looks for ledger entries and journal lines of it before adding anything) and {@code postingDate}.
 * {@code journalCode} null: hub.erp.bc.journal-code.
 */
public record BcJournalEntry(String journalCode, String documentNumber, LocalDate postingDate,
        List<BcJournalLine> lines) {
}
