package io.meterbridge.erp.netsuite;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/**
 * A journal entry to upsert ({@code PUT /journalEntry/eid:{externalId}}): balanced lines (debits = credits), each on
 * an account. Null fields are not sent.
 */
public record NsJournalEntry(String externalId, LocalDate tranDate, NsRef subsidiary, NsRef currency, String memo,
        NsRef department, NsRef clazz, NsRef postingPeriod, List<Line> lines) {

    /** One line ({@code line.items[]}): exactly one of debit and credit. */
    public record Line(NsRef account, BigDecimal debit, BigDecimal credit, String memo, NsRef entity, NsRef department,
            NsRef clazz) {

        public Line {
            if (account == null || (debit == null) == (credit == null)) {
                throw new IllegalArgumentException("a journal line needs an account and exactly one of debit and credit");
            }
        }

        public static Line debit(NsRef account, BigDecimal amount, String memo) {
            return new Line(account, amount, null, memo, null, null, null);
        }

        public static Line credit(NsRef account, BigDecimal amount, String memo) {
            return new Line(account, null, amount, memo, null, null, null);
        }
    }

    public NsJournalEntry {
        NsExternalIds.require(externalId);
        if (lines == null || lines.size() < 2) {
            throw new IllegalArgumentException("a journal entry needs at least two lines");
        }
        lines = List.copyOf(lines);
        BigDecimal debits = lines.stream().map(l -> l.debit() == null ? BigDecimal.ZERO : l.debit())
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal credits = lines.stream().map(l -> l.credit() == null ? BigDecimal.ZERO : l.credit())
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        if (debits.compareTo(credits) != 0) {
            throw new IllegalArgumentException("journal entry " + externalId + " is not balanced: debits " + debits
                    + ", credits " + credits);
        }
    }
}
