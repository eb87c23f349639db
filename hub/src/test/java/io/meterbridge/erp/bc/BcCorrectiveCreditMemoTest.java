package io.meterbridge.erp.bc;

import java.time.LocalDate;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.erp.ErpException;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.erp.bc.BcFixture.COMPANY_API;
import static io.meterbridge.erp.bc.BcFixture.invoice;
import static io.meterbridge.erp.bc.BcFixture.line;
import static io.meterbridge.erp.bc.BcFixture.raw;
import static io.meterbridge.erp.bc.BcFixture.records;
import static io.meterbridge.erp.bc.BcFixture.token;
import static io.meterbridge.erp.bc.BcFixture.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Corrective credit memos: linked to the posted invoice, posted, applied to it; idempotent by their own key. */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class BcCorrectiveCreditMemoTest {

    @Inject
    BusinessCentralConnector bc;

    @org.junit.jupiter.api.BeforeEach
    void circuitClosed() {
        BcFixture.awaitClosedCircuit(bc);
    }

    @Test
    void partialCreditMemoIsLinkedPostedAndAppliedOnce() {
        String customer = unique("CM");
        bc.ensureCustomer(BcCustomer.of(customer, "Credit Memo BV"));
        String invoiceKey = unique("INV-CM-");
        BcDocument invoice = bc.postSalesInvoice(invoice(invoiceKey, customer, line("API-CALLS", "1000", "0.05"),
                line("SEATS", "2", "10")));
        String memoKey = unique("CM-");
        BcCreditMemo memo = new BcCreditMemo(memoKey, invoiceKey, LocalDate.of(2026, 12, 3), null,
                List.of(line("API-CALLS", "200", "0.05")));

        BcDocument first = bc.correctiveCreditMemo(memo);
        BcDocument again = bc.correctiveCreditMemo(memo);

        assertThat(first.created()).isTrue();
        assertThat(first.status()).isIn("Open", "Paid");
        assertThat(first.number()).startsWith("PS-CR");
        assertThat(first.totalAmountIncludingTax()).isEqualByComparingTo("10.00");
        assertThat(again.created()).isFalse();
        assertThat(again.id()).isEqualTo(first.id());
        List<JsonNode> memos = records("salesCreditMemos", "externalDocumentNumber", memoKey);
        assertThat(memos).hasSize(1);
        assertThat(memos.get(0).path("invoiceId").asText()).isEqualTo(invoice.id());
        assertThat(memos.get(0).path("invoiceNumber").asText()).isEqualTo(invoice.number());
        assertThat(memos.get(0).path("salesCreditMemoLines")).hasSize(1);
        JsonNode stored = records("salesInvoices", "externalDocumentNumber", invoiceKey).get(0);
        assertThat(stored.path("remainingAmount").decimalValue()).isEqualByComparingTo("60.00");
        assertThat(stored.path("status").asText()).isEqualTo("Open");
    }

    @Test
    void fullReversalCopiesEveryLineAndSettlesTheInvoice() {
        String customer = unique("FR");
        bc.ensureCustomer(BcCustomer.of(customer, "Full Reversal Oy"));
        String invoiceKey = unique("INV-FR-");
        bc.postSalesInvoice(invoice(invoiceKey, customer, line("API-CALLS", "10", "3"), line("SEATS", "1", "5")));

        BcDocument memo = bc.correctiveCreditMemo(new BcCreditMemo(unique("CM-FR-"), invoiceKey, null, null, List.of()));

        assertThat(memo.totalAmountIncludingTax()).isEqualByComparingTo("35.00");
        assertThat(memo.status()).isEqualTo("Paid");
        JsonNode stored = records("salesInvoices", "externalDocumentNumber", invoiceKey).get(0);
        assertThat(stored.path("status").asText()).isEqualTo("Paid");
        assertThat(stored.path("remainingAmount").decimalValue()).isEqualByComparingTo("0");
    }

    @Test
    void memoForAnUnknownInvoiceIsRefusedNotRetried() {
        assertThatThrownBy(() -> bc.correctiveCreditMemo(new BcCreditMemo(unique("CM-X-"), unique("NO-SUCH-"), null,
                null, List.of(line("X", "1", "1"))))).isInstanceOfSatisfying(ErpException.class,
                        e -> assertThat(e.retryable()).isFalse());
    }

    @Test
    void boundActionMakeCorrectiveCreditMemoCopiesAPostedInvoice() {
        String customer = unique("MC");
        bc.ensureCustomer(BcCustomer.of(customer, "Make Corrective Ltd"));
        BcDocument invoice = bc.postSalesInvoice(invoice(unique("INV-MC-"), customer, line("SEATS", "4", "12.5")));
        String token = token(unique("client-mc-"));

        JsonNode memo = BcFixture.json(raw(token).post(COMPANY_API + "/salesInvoices(" + invoice.id()
                + ")/Microsoft.NAV.makeCorrectiveCreditMemo").then().statusCode(201).extract().asString());

        assertThat(memo.path("status").asText()).isEqualTo("Draft");
        assertThat(memo.path("invoiceId").asText()).isEqualTo(invoice.id());
        assertThat(memo.path("salesCreditMemoLines")).hasSize(1);
        assertThat(memo.path("totalAmountIncludingTax").decimalValue()).isEqualByComparingTo("50.00");
    }
}
