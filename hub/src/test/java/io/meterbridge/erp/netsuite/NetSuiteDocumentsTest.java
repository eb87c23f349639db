package io.meterbridge.erp.netsuite;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.erp.netsuite.NetSuiteTests.customer;
import static io.meterbridge.erp.netsuite.NetSuiteTests.invoice;
import static io.meterbridge.erp.netsuite.NetSuiteTests.records;
import static io.meterbridge.erp.netsuite.NetSuiteTests.stats;
import static io.meterbridge.erp.netsuite.NetSuiteTests.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connector's documents pass the sandbox's spec validation and land as one record each: the customer upserted
 * twice is one customer, the invoice, the credit memo transformed from it, a payment and a journal entry.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class NetSuiteDocumentsTest {

    @Inject
    NetSuiteConnector connector;

    @org.junit.jupiter.api.BeforeEach
    void circuitClosed() {
        NetSuiteTests.awaitClosedCircuit(connector);
    }

    @Test
    void customerUpsertedTwiceIsOneCustomer() throws Exception {
        String externalId = unique("cust");
        long rejectedBefore = stats().get("rejectedValidation").asLong();

        String first = connector.upsertCustomer(customer(externalId, "Acme Corp"));
        String second = connector.upsertCustomer(customer(externalId, "Acme Corporation"));

        assertThat(second).isEqualTo(first);
        List<JsonNode> matching = list(records("customer"), externalId);
        assertThat(matching).hasSize(1);
        assertThat(matching.get(0).get("companyName").asText()).isEqualTo("Acme Corporation");
        assertThat(connector.findInternalId("customer", externalId)).contains(first);
        assertThat(stats().get("rejectedValidation").asLong()).isEqualTo(rejectedBefore);
    }

    @Test
    void invoiceCreditMemoPaymentAndJournalEntryPassValidation() throws Exception {
        long rejectedBefore = stats().get("rejectedValidation").asLong();
        String customerId = unique("cust");
        connector.upsertCustomer(customer(customerId, "Globex"));

        String invoiceExternalId = unique("inv");
        String invoiceId = connector.upsertInvoice(invoice(invoiceExternalId, customerId, "120.00", "30.50"));
        assertThat(connector.upsertInvoice(invoice(invoiceExternalId, customerId, "120.00", "30.50"))).isEqualTo(invoiceId);
        JsonNode invoice = connector.get("invoice", invoiceId).orElseThrow();
        assertThat(invoice.get("total").decimalValue()).isEqualByComparingTo("150.50");
        assertThat(invoice.at("/entity/externalId").asText()).isEqualTo(customerId);

        String memoExternalId = unique("cm");
        NsCreditMemo memo = new NsCreditMemo(memoExternalId, LocalDate.of(2026, 12, 2), "goodwill credit", null, null,
                List.of(NsItemLine.of(NsRef.id("501"), BigDecimal.ONE, new BigDecimal("20.00"), "goodwill")));
        String memoId = connector.creditMemoFromInvoice(invoiceExternalId, memo);
        assertThat(connector.creditMemoFromInvoice(invoiceExternalId, memo)).as("repeat finds it").isEqualTo(memoId);
        JsonNode creditMemo = connector.get("creditMemo", memoId).orElseThrow();
        assertThat(creditMemo.at("/createdFrom/id").asText()).isEqualTo(invoiceId);
        assertThat(creditMemo.get("total").decimalValue()).isEqualByComparingTo("20.00");

        String paymentExternalId = unique("pay");
        NsPayment payment = new NsPayment(paymentExternalId, NsRef.external(customerId), LocalDate.of(2026, 12, 5),
                new BigDecimal("130.50"), NsRef.id("1"), NsRef.id("1"), NsRef.id("110"), null, null, "wire",
                List.of(new NsPayment.Application(NsRef.external(invoiceExternalId), new BigDecimal("130.50"))));
        String paymentId = connector.createCustomerPayment(payment);
        assertThat(connector.createCustomerPayment(payment)).as("repeat finds it").isEqualTo(paymentId);
        assertThat(connector.get("invoice", invoiceId).orElseThrow().get("amountRemaining").decimalValue())
                .isEqualByComparingTo("0");

        String journalExternalId = unique("je");
        NsJournalEntry entry = new NsJournalEntry(journalExternalId, LocalDate.of(2026, 11, 30), NsRef.id("1"),
                NsRef.id("1"), "deferred revenue release", null, null, null, List.of(
                        NsJournalEntry.Line.debit(NsRef.id("250"), new BigDecimal("99.99"), "deferred revenue"),
                        NsJournalEntry.Line.credit(NsRef.id("400"), new BigDecimal("99.99"), "revenue")));
        String journalId = connector.createJournalEntry(entry);
        assertThat(connector.createJournalEntry(entry)).isEqualTo(journalId);

        assertThat(list(records("invoice"), invoiceExternalId)).hasSize(1);
        assertThat(list(records("creditMemo"), memoExternalId)).hasSize(1);
        assertThat(list(records("customerPayment"), paymentExternalId)).hasSize(1);
        assertThat(list(records("journalEntry"), journalExternalId)).hasSize(1);
        assertThat(stats().get("rejectedValidation").asLong()).isEqualTo(rejectedBefore);
    }

    static List<JsonNode> list(JsonNode records, String externalId) {
        List<JsonNode> out = new java.util.ArrayList<>();
        records.forEach(r -> {
            if (externalId.equals(r.path("externalId").asText())) {
                out.add(r);
            }
        });
        return out;
    }
}
