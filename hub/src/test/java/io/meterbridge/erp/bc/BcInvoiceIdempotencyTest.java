package io.meterbridge.erp.bc;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.erp.bc.BcFixture.invoice;
import static io.meterbridge.erp.bc.BcFixture.journal;
import static io.meterbridge.erp.bc.BcFixture.line;
import static io.meterbridge.erp.bc.BcFixture.mark;
import static io.meterbridge.erp.bc.BcFixture.noFaults;
import static io.meterbridge.erp.bc.BcFixture.records;
import static io.meterbridge.erp.bc.BcFixture.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * postSalesInvoice is idempotent through externalDocumentNumber: the second call finds the invoice and creates
 * nothing; a create whose answer was lost (5xx after BC stored it) is found on the retry, not created twice.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class BcInvoiceIdempotencyTest {

    @Inject
    BusinessCentralConnector bc;

    @org.junit.jupiter.api.BeforeEach
    void circuitClosed() {
        BcFixture.awaitClosedCircuit(bc);
    }

    @AfterEach
    void healthy() {
        noFaults();
        BcFixture.control().contentType("application/json").body("{}").put("lose-answers").then().statusCode(200);
    }

    @Test
    void secondCallWithSameExternalDocumentNumberFindsTheInvoice() {
        String customer = unique("ID");
        bc.ensureCustomer(BcCustomer.of(customer, "Idempotent AG"));
        String key = unique("INV-ID-");
        BcSalesInvoice invoice = invoice(key, customer, line("API-CALLS", "100", "0.05"));
        long mark = mark();

        BcDocument first = bc.postSalesInvoice(invoice);
        BcDocument second = bc.postSalesInvoice(invoice);

        assertThat(first.created()).isTrue();
        assertThat(second.created()).isFalse();
        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.number()).isEqualTo(first.number());
        assertThat(records("salesInvoices", "externalDocumentNumber", key)).hasSize(1);
        assertThat(journal(mark)).filteredOn(e -> e.path("method").asText().equals("POST")
                && e.path("path").asText().endsWith("/salesInvoices")).hasSize(1);
        assertThat(journal(mark)).filteredOn(e -> e.path("path").asText().endsWith("/Microsoft.NAV.post")).hasSize(1);
    }

    @Test
    void createWhoseAnswerWasLostIsFoundNotRepeated() {
        String customer = unique("LA");
        bc.ensureCustomer(BcCustomer.of(customer, "Lost Answer SA"));
        String key = unique("INV-LA-");
        long mark = mark();
        BcFixture.control().contentType("application/json")
                .body("{\"method\":\"POST\",\"pathSuffix\":\"/salesInvoices\",\"count\":1}")
                .put("lose-answers").then().statusCode(200);

        BcSalesInvoice invoice = invoice(key, customer, line("API-CALLS", "7", "1.5"));

        // One attempt: the lost answer ends it retryable; the posting's next attempt starts from the look-up.
        io.meterbridge.erp.ErpException lost = org.assertj.core.api.Assertions.catchThrowableOfType(
                () -> bc.postSalesInvoice(invoice), io.meterbridge.erp.ErpException.class);
        assertThat(lost.retryable()).isTrue();
        assertThat(lost.status()).isEqualTo(500);
        BcDocument doc = bc.postSalesInvoice(invoice);

        assertThat(doc.status()).isEqualTo("Open");
        assertThat(doc.created()).isFalse(); // the next attempt found what the lost create had made
        assertThat(records("salesInvoices", "externalDocumentNumber", key)).hasSize(1);
        assertThat(journal(mark)).filteredOn(e -> e.path("method").asText().equals("POST")
                && e.path("path").asText().endsWith("/salesInvoices")).hasSize(1)
                .allSatisfy(e -> assertThat(e.path("status").asInt()).isEqualTo(500));
    }
}
