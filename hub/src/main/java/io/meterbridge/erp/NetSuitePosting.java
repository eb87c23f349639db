package io.meterbridge.erp;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.meterbridge.erp.ErpPostings.PostingMessage;
import io.meterbridge.erp.netsuite.NetSuiteConnector;
import io.meterbridge.erp.netsuite.NsCreditMemo;
import io.meterbridge.erp.netsuite.NsCustomer;
import io.meterbridge.erp.netsuite.NsInvoice;
import io.meterbridge.erp.netsuite.NsItemLine;
import io.meterbridge.erp.netsuite.NsJournalEntry;
import io.meterbridge.erp.netsuite.NsPayment;
import io.meterbridge.erp.netsuite.NsRef;
import io.meterbridge.erp.netsuite.NsRefund;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;

/**
 * Turns an ERP posting into NetSuite records (route netsuite-posting): the customer upserted by external id, then the
 * invoice, credit memo (transformed from its invoice), customer payment, customer refund (of the payment it pays
 * back) or journal entry, each with the posting's
 * deterministic external id, so a retry upserts instead of duplicating. Only the policy's fields are sent.
 */
@Named("netSuitePosting")
@ApplicationScoped
public class NetSuitePosting {

    private final NetSuiteConnector netSuite;

    public NetSuitePosting(NetSuiteConnector netSuite) {
        this.netSuite = netSuite;
    }

    public String upsertCustomer(Exchange exchange) {
        JsonNode p = posting(exchange).payload();
        JsonNode customer = p.path("customer");
        return netSuite.upsertCustomer(new NsCustomer(customer.path("externalId").asText(),
                customer.path("name").asText(), null, null, NsRef.id(p.path("legalEntity").asText()),
                ref(customer, "currencyRef"), null, null));
    }

    public String post(Exchange exchange) {
        PostingMessage posting = posting(exchange);
        JsonNode p = posting.payload();
        String id = p.path("externalId").asText();
        NsRef customer = NsRef.external(p.path("customer").path("externalId").asText());
        LocalDate date = LocalDate.parse(p.path("date").asText());
        NsRef entity = NsRef.id(p.path("legalEntity").asText());
        // Postings written before currencies were mapped carry no currencyRef: they post without one, as they did.
        NsRef currency = ref(p, "currencyRef");
        String memo = p.path("memo").asText();
        return switch (posting.kind()) {
            case "INVOICE" -> netSuite.upsertInvoice(new NsInvoice(id, customer, date, null, currency, entity, null, null,
                    null, null, NsRef.id(p.path("receivablesAccount").asText()), memo, null, null, null, items(p)));
            case "CREDIT_MEMO" -> netSuite.creditMemoFromInvoice(p.path("relatedExternalId").asText(),
                    new NsCreditMemo(id, date, memo, currency, null, null, items(p)));
            case "PAYMENT" -> {
                BigDecimal amount = new BigDecimal(p.path("amount").asText());
                yield netSuite.createCustomerPayment(new NsPayment(id, customer, date, amount, currency, entity,
                        NsRef.id(p.path("cashAccount").asText()), null, null, memo,
                        List.of(new NsPayment.Application(NsRef.external(p.path("relatedExternalId").asText()), amount))));
            }
            case "REFUND" -> netSuite.createCustomerRefund(new NsRefund(id, customer, date, currency, entity,
                    NsRef.id(p.path("cashAccount").asText()), memo, List.of(new NsRefund.Application(
                            NsRef.external(p.path("relatedExternalId").asText()), new BigDecimal(p.path("amount").asText())))));
            case "ACCRUAL", "ACCRUAL_REVERSAL", "CREDIT_RELIEF", "CREDIT_BREAKAGE" -> netSuite.createJournalEntry(
                    new NsJournalEntry(id, date, entity, currency, memo, null, null, null, journal(p, customer)));
            default -> throw new IllegalArgumentException("unknown ERP posting kind " + posting.kind());
        };
    }

    private static List<NsItemLine> items(JsonNode p) {
        List<NsItemLine> items = new ArrayList<>();
        for (JsonNode line : p.path("lines")) {
            // A deferred line carries its service period: NetSuite's revenue recognition defers it to the deferred
            // revenue account of the item's revenue rule and recognises it over those dates.
            items.add(new NsItemLine(ref(line, "item"), null, null, new BigDecimal(line.path("amount").asText()),
                    line.path("description").asText(), ref(line, "taxCode"), ref(line, "department"), ref(line, "class"),
                    date(line, "revRecStartDate"), date(line, "revRecEndDate")));
        }
        return items;
    }

    private static List<NsJournalEntry.Line> journal(JsonNode p, NsRef customer) {
        List<NsJournalEntry.Line> lines = new ArrayList<>();
        for (JsonNode line : p.path("journal")) {
            lines.add(new NsJournalEntry.Line(NsRef.id(line.path("account").asText()), decimal(line, "debit"),
                    decimal(line, "credit"), line.path("description").asText(line.path("memo").asText(null)), customer,
                    ref(line, "department"), ref(line, "class")));
        }
        return lines;
    }

    private static BigDecimal decimal(JsonNode line, String field) {
        return line.hasNonNull(field) ? new BigDecimal(line.get(field).asText()) : null;
    }

    private static LocalDate date(JsonNode line, String field) {
        return line.hasNonNull(field) ? LocalDate.parse(line.get(field).asText()) : null;
    }

    private static NsRef ref(JsonNode line, String field) {
        return line.hasNonNull(field) ? NsRef.id(line.get(field).asText()) : null;
    }

    private static PostingMessage posting(Exchange exchange) {
        return exchange.getProperty(ErpPostings.POSTING, PostingMessage.class);
    }
}
