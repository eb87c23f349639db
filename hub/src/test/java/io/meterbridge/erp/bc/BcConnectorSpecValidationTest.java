package io.meterbridge.erp.bc;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.erp.bc.BcFixture.invoice;
import static io.meterbridge.erp.bc.BcFixture.journal;
import static io.meterbridge.erp.bc.BcFixture.line;
import static io.meterbridge.erp.bc.BcFixture.mark;
import static io.meterbridge.erp.bc.BcFixture.stats;
import static io.meterbridge.erp.bc.BcFixture.unique;
import static org.assertj.core.api.Assertions.assertThat;

/** Everything the connector sends passes the sandbox's validation against the BC API v2.0 spec excerpt. */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class BcConnectorSpecValidationTest {

    @Inject
    BusinessCentralConnector bc;

    @org.junit.jupiter.api.BeforeEach
    void circuitClosed() {
        BcFixture.awaitClosedCircuit(bc);
    }

    @Test
    void everyConnectorRequestIsAcceptedBySpecValidation() {
        long mark = mark();
        long rejectedBefore = stats().path("rejectedValidation").asLong();
        String customer = unique("SV");
        bc.ensureCustomer(new BcCustomer(customer, "Spec Validation Ltd", "ap@spec.example", "+49 30 1234", "Street 1",
                null, "Berlin", null, "DE", "10115", null, "DE123456789"));
        String key = unique("INV-SV-");
        bc.postSalesInvoice(invoice(key, customer, line("API-CALLS", "1500", "0.02"), line("STORAGE-GB", "12.5", "0.1")));
        bc.correctiveCreditMemo(new BcCreditMemo(unique("CM-SV-"), key, LocalDate.of(2026, 12, 2), null,
                List.of(line("API-CALLS", "100", "0.02"))));
        bc.postJournal(new BcJournalEntry(null, unique("JV"), LocalDate.of(2026, 11, 30), List.of(
                BcJournalLine.glAccount("40100", new BigDecimal("-30.00"), "usage revenue"),
                BcJournalLine.glAccount("13100", new BigDecimal("30.00"), "accrued receivable"))));

        List<JsonNode> sent = journal(mark);
        assertThat(sent).isNotEmpty();
        assertThat(sent).allSatisfy(e -> assertThat(e.path("status").asInt())
                .as("%s %s answered %s", e.path("method").asText(), e.path("path").asText(), e.path("status").asInt())
                .isBetween(200, 299));
        assertThat(sent).extracting(e -> e.path("method").asText() + " " + e.path("path").asText().replaceAll(
                "\\([0-9a-f-]{36}\\)", "(id)").replaceFirst("^/v2.0/[^/]+/[^/]+/api/v2.0", ""))
                .contains("POST /companies(id)/customers", "POST /companies(id)/salesInvoices",
                        "POST /companies(id)/salesInvoices(id)/Microsoft.NAV.post", "POST /companies(id)/salesCreditMemos",
                        "POST /companies(id)/salesCreditMemos(id)/Microsoft.NAV.post", "POST /$batch",
                        "POST /companies(id)/journals(id)/Microsoft.NAV.post");
        assertThat(stats().path("rejectedValidation").asLong()).isEqualTo(rejectedBefore);
    }
}
