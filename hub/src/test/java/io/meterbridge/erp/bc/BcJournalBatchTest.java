package io.meterbridge.erp.bc;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.erp.bc.BcFixture.journal;
import static io.meterbridge.erp.bc.BcFixture.mark;
import static io.meterbridge.erp.bc.BcFixture.records;
import static io.meterbridge.erp.bc.BcFixture.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A journal document with several lines goes in through $batch (transactional, at most 100 operations each), then
 * Microsoft.NAV.post turns it into ledger entries; posting it again finds the entries and sends no line.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class BcJournalBatchTest {

    @Inject
    BusinessCentralConnector bc;

    @org.junit.jupiter.api.BeforeEach
    void circuitClosed() {
        BcFixture.awaitClosedCircuit(bc);
    }

    @Test
    void severalLinesGoThroughOneBatchThenThePost() {
        String customer = unique("JP");
        bc.ensureCustomer(BcCustomer.of(customer, "Journal Payer KG"));
        String doc = unique("PAY");
        BcJournalEntry entry = new BcJournalEntry("JRNL-T1", doc, LocalDate.of(2026, 12, 5), List.of(
                BcJournalLine.customerPayment(customer, new BigDecimal("40.00"), "BANK-EUR", "pi_3Nx001", "card payment"),
                BcJournalLine.glAccount("40100", new BigDecimal("-12.00"), "usage revenue"),
                BcJournalLine.glAccount("13100", new BigDecimal("12.00"), "accrued usage")));
        long mark = mark();

        BcJournalResult result = bc.postJournal(entry);

        assertThat(result.alreadyPosted()).isFalse();
        assertThat(result.journalCode()).isEqualTo("JRNL-T1");
        List<JsonNode> sent = journal(mark);
        List<JsonNode> batches = sent.stream().filter(e -> e.path("path").asText().endsWith("/$batch")).toList();
        assertThat(batches).hasSize(1);
        assertThat(batches.get(0).path("headers").path("content-type").asText()).startsWith("application/json");
        JsonNode ops = batches.get(0).path("params").path("requests");
        assertThat(ops).hasSize(3);
        assertThat(ops).allSatisfy(op -> assertThat(op.path("url").asText()).endsWith(
                "/journals(" + result.journalId() + ")/journalLines"));
        assertThat(sent).noneMatch(e -> e.path("method").asText().equals("POST")
                && e.path("path").asText().endsWith("/journalLines"));
        JsonNode post = sent.stream().filter(e -> e.path("path").asText().endsWith("/Microsoft.NAV.post")).findFirst()
                .orElseThrow();
        assertThat(post.path("seq").asLong()).isGreaterThan(batches.get(0).path("seq").asLong());
        assertThat(post.path("status").asInt()).isEqualTo(204);

        List<JsonNode> entries = records("generalLedgerEntries", "documentNumber", doc);
        assertThat(entries).hasSize(4); // 3 lines + the payment's balancing bank entry
        assertThat(entries.stream().map(e -> e.path("debitAmount").decimalValue()).reduce(BigDecimal.ZERO, BigDecimal::add))
                .isEqualByComparingTo(entries.stream().map(e -> e.path("creditAmount").decimalValue())
                        .reduce(BigDecimal.ZERO, BigDecimal::add));
        JsonNode journal = records("journals", "code", "JRNL-T1").get(0);
        assertThat(journal.path("journalLines")).isEmpty();

        long again = mark();
        assertThat(bc.postJournal(entry).alreadyPosted()).isTrue();
        assertThat(journal(again)).noneMatch(e -> e.path("method").asText().equals("POST"));
        assertThat(records("generalLedgerEntries", "documentNumber", doc)).hasSize(4);
    }

    @Test
    void moreThan100LinesAreSplitIntoBatchesOfAtMost100() {
        String doc = unique("BIG");
        List<BcJournalLine> lines = new ArrayList<>();
        for (int i = 0; i < 130; i++) {
            lines.add(BcJournalLine.glAccount("40100", new BigDecimal("-1.00"), "usage " + i));
        }
        lines.add(BcJournalLine.glAccount("13100", new BigDecimal("130.00"), "accrued usage"));
        long mark = mark();

        BcJournalResult result = bc.postJournal(new BcJournalEntry("JRNL-T2", doc, LocalDate.of(2026, 12, 6), lines));

        assertThat(result.lines()).isEqualTo(131);
        List<JsonNode> batches = journal(mark).stream().filter(e -> e.path("path").asText().endsWith("/$batch")).toList();
        assertThat(batches).extracting(b -> b.path("params").path("requests").size()).containsExactly(100, 31);
        assertThat(records("generalLedgerEntries", "documentNumber", doc)).hasSize(131);
    }
}
