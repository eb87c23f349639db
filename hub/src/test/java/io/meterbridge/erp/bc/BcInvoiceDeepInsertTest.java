package io.meterbridge.erp.bc;

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
import static io.meterbridge.erp.bc.BcFixture.records;
import static io.meterbridge.erp.bc.BcFixture.unique;
import static org.assertj.core.api.Assertions.assertThat;

/** An invoice with lines is created in ONE deep insert (no separate line requests), then posted: Draft to Open. */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class BcInvoiceDeepInsertTest {

    @Inject
    BusinessCentralConnector bc;

    @org.junit.jupiter.api.BeforeEach
    void circuitClosed() {
        BcFixture.awaitClosedCircuit(bc);
    }

    @Test
    void invoiceWithLinesIsOneDeepInsertThenPosted() {
        String customer = unique("DI");
        bc.ensureCustomer(BcCustomer.of(customer, "Deep Insert GmbH"));
        String key = unique("inv-di-");
        long mark = mark();

        BcDocument doc = bc.postSalesInvoice(invoice(key, customer, line("API-CALLS", "1500", "0.02"),
                line("STORAGE-GB", "12.5", "0.10"), line("SEATS", "3", "19.99")));

        assertThat(doc.created()).isTrue();
        assertThat(doc.status()).isEqualTo("Open");
        assertThat(doc.number()).startsWith("PS-INV");
        assertThat(doc.externalDocumentNumber()).isEqualTo(key.toUpperCase());
        assertThat(doc.totalAmountIncludingTax()).isEqualByComparingTo("91.22");

        List<JsonNode> posts = journal(mark).stream().filter(e -> e.path("method").asText().equals("POST")).toList();
        List<JsonNode> creates = posts.stream().filter(e -> e.path("path").asText().endsWith("/salesInvoices")).toList();
        assertThat(creates).hasSize(1);
        assertThat(creates.get(0).path("params").path("salesInvoiceLines")).hasSize(3);
        assertThat(posts).noneMatch(e -> e.path("path").asText().endsWith("/salesInvoiceLines"));
        assertThat(posts).filteredOn(e -> e.path("path").asText().endsWith("/Microsoft.NAV.post")).hasSize(1);
        int create = posts.indexOf(creates.get(0));
        assertThat(posts.get(create + 1).path("path").asText()).endsWith("(" + doc.id() + ")/Microsoft.NAV.post");

        JsonNode stored = records("salesInvoices", "externalDocumentNumber", key.toUpperCase()).get(0);
        assertThat(stored.path("status").asText()).isEqualTo("Open");
        assertThat(stored.path("customerNumber").asText()).isEqualTo(customer);
        assertThat(stored.path("salesInvoiceLines")).hasSize(3);
        assertThat(stored.path("salesInvoiceLines").get(0).path("amountExcludingTax").decimalValue())
                .isEqualByComparingTo("30.00");
        assertThat(stored.path("totalAmountIncludingTax").decimalValue()).isEqualByComparingTo("91.22");
        assertThat(stored.path("remainingAmount").decimalValue()).isEqualByComparingTo("91.22");
    }
}
