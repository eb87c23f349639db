package io.meterbridge.erp.bc;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.erp.ErpException;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.erp.bc.BcFixture.faults;
import static io.meterbridge.erp.bc.BcFixture.invoice;
import static io.meterbridge.erp.bc.BcFixture.journal;
import static io.meterbridge.erp.bc.BcFixture.line;
import static io.meterbridge.erp.bc.BcFixture.mark;
import static io.meterbridge.erp.bc.BcFixture.noFaults;
import static io.meterbridge.erp.bc.BcFixture.records;
import static io.meterbridge.erp.bc.BcFixture.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * 5xx and 429 against the connector: every request is one attempt, so a fault ends the document's attempt at once in a
 * retryable ErpException (a 429's with BC's Retry-After, for the posting's row to wait). The next attempt starts over
 * from the document's look-up: a deep insert or a post whose answer was lost, or the second of two journal $batch
 * requests that failed, leaves exactly one document in BC after it.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class BcServerErrorBurstTest {

    @Inject
    BusinessCentralConnector bc;

    @org.junit.jupiter.api.BeforeEach
    void circuitClosed() {
        BcFixture.awaitClosedCircuit(bc);
    }

    @AfterEach
    void healthy() {
        noFaults();
    }

    private static ErpException failed(Runnable attempt) {
        return catchThrowableOfType(attempt::run, ErpException.class);
    }

    @Test
    void aDeepInsertWhoseAnswerWasLostIsFoundByTheNextAttempt() {
        String customer = unique("SE");
        bc.ensureCustomer(BcCustomer.of(customer, "Server Error Plc"));
        String key = unique("INV-SE-");
        BcSalesInvoice invoice = invoice(key, customer, line("API-CALLS", "3", "2"));
        // The look-up passes; the deep insert creates the draft and its answer is lost (503).
        faults("{\"passNext\":1,\"serverErrorNext\":1,\"serverErrorStatus\":503,\"faultAfterEffect\":true}");
        long mark = mark();

        ErpException lost = failed(() -> bc.postSalesInvoice(invoice));
        assertThat(lost.retryable()).isTrue();
        assertThat(lost.status()).isEqualTo(503);
        assertThat(journal(mark)).hasSize(2);
        assertThat(records("salesInvoices", "externalDocumentNumber", key)).hasSize(1)
                .allSatisfy(r -> assertThat(r.path("status").asText()).isEqualTo("Draft"));

        BcDocument doc = bc.postSalesInvoice(invoice);

        assertThat(doc.status()).isEqualTo("Open");
        assertThat(doc.created()).isFalse();
        assertThat(records("salesInvoices", "externalDocumentNumber", key)).hasSize(1);
    }

    @Test
    void aPostWhoseAnswerWasLostIsNotPostedAgain() {
        String customer = unique("SP");
        bc.ensureCustomer(BcCustomer.of(customer, "Lost Post Ltd"));
        String key = unique("INV-SP-");
        BcSalesInvoice invoice = invoice(key, customer, line("API-CALLS", "4", "2.50"));
        // Look-up and deep insert pass; Microsoft.NAV.post takes effect and its answer is lost.
        faults("{\"passNext\":2,\"serverErrorNext\":1,\"faultAfterEffect\":true}");

        assertThat(failed(() -> bc.postSalesInvoice(invoice)).retryable()).isTrue();
        long mark = mark();
        BcDocument doc = bc.postSalesInvoice(invoice);

        assertThat(doc.status()).isEqualTo("Open");
        assertThat(journal(mark)).noneMatch(e -> e.path("method").asText().equals("POST"));
        assertThat(records("salesInvoices", "externalDocumentNumber", key)).hasSize(1);
    }

    @Test
    void aFailedSecondBatchIsCompletedByTheNextAttemptWithoutDoublingLines() {
        String doc = unique("HALF");
        String journalCode = unique("J").substring(0, 10);
        List<BcJournalLine> lines = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            lines.add(BcJournalLine.glAccount("40100", new BigDecimal("-1.00"), "usage " + i));
        }
        lines.add(BcJournalLine.glAccount("13100", new BigDecimal("150.00"), "accrued usage"));
        BcJournalEntry entry = new BcJournalEntry(journalCode, doc, LocalDate.of(2026, 12, 7), lines);
        bc.ensureCustomer(BcCustomer.of(unique("HB"), "Token Holder")); // the token is fetched before the faults
        // Ledger look-up, journal look-up, journal create, journal lines look-up and the first $batch (100 lines) pass;
        // the second $batch (51 lines) answers 500 before it takes effect.
        faults("{\"passNext\":5,\"serverErrorNext\":1}");
        long mark = mark();

        ErpException e = failed(() -> bc.postJournal(entry));
        assertThat(e.retryable()).isTrue();
        assertThat(journal(mark).stream().filter(j -> j.path("path").asText().endsWith("/$batch")).toList())
                .extracting(b -> b.path("params").path("requests").size()).containsExactly(100, 51);
        assertThat(records("generalLedgerEntries", "documentNumber", doc)).isEmpty();

        long next = mark();
        BcJournalResult result = bc.postJournal(entry);

        assertThat(result.alreadyPosted()).isFalse();
        List<JsonNode> batches = journal(next).stream().filter(j -> j.path("path").asText().endsWith("/$batch"))
                .toList();
        assertThat(batches).extracting(b -> b.path("params").path("requests").size()).containsExactly(51);
        assertThat(records("generalLedgerEntries", "documentNumber", doc)).hasSize(151);
    }

    @Test
    void a429EndsTheAttemptAtOnceWithItsRetryAfter() {
        String customer = unique("TH");
        bc.ensureCustomer(BcCustomer.of(unique("TW"), "Token Holder")); // the token is fetched before the faults
        faults("{\"rateLimitNext\":1,\"retryAfterSeconds\":9}");
        long mark = mark();
        long started = System.nanoTime();

        ErpException e = failed(() -> bc.ensureCustomer(BcCustomer.of(customer, "Throttled LLC")));

        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(3_000); // the row waits, not the thread
        assertThat(e.retryable()).isTrue();
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(9));
        assertThat(journal(mark)).hasSize(1);
        assertThat(bc.ensureCustomer(BcCustomer.of(customer, "Throttled LLC")).created()).isTrue();
    }

    @Test
    void outageEndsInARetryableException() {
        String customer = unique("OU");
        bc.ensureCustomer(BcCustomer.of(customer, "Outage GmbH"));
        faults("{\"down\":true}");

        ErpException e = failed(() -> bc.postSalesInvoice(invoice(unique("INV-OU-"), customer, line("X", "1", "1"))));
        assertThat(e.retryable()).isTrue();
        assertThat(e.status()).isEqualTo(503);
    }
}
