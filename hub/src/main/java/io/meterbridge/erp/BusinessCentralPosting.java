package io.meterbridge.erp;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

import io.meterbridge.erp.ErpPostings.PostingMessage;
import io.meterbridge.erp.bc.BcCreditMemo;
import io.meterbridge.erp.bc.BcCustomer;
import io.meterbridge.erp.bc.BcJournalEntry;
import io.meterbridge.erp.bc.BcJournalLine;
import io.meterbridge.erp.bc.BcSalesInvoice;
import io.meterbridge.erp.bc.BcSalesLine;
import io.meterbridge.erp.bc.BusinessCentralConnector;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;

/**
 * Turns an ERP posting into Business Central documents (route business-central-posting): the customer ensured by
 * number, then a sales invoice with its lines in one deep insert and posted, a corrective credit memo, or a general
 * journal (payments, refunds and accruals). Business Central's document numbers are short (Code[20], Code[35]), so the
 * posting's external id is shortened deterministically: the same posting always gets the same number, and the
 * connector looks it up before creating.
 */
@Named("businessCentralPosting")
@ApplicationScoped
public class BusinessCentralPosting {

    private final BusinessCentralConnector bc;

    public BusinessCentralPosting(BusinessCentralConnector bc) {
        this.bc = bc;
    }

    public String ensureCustomer(Exchange exchange) {
        JsonNode customer = posting(exchange).payload().path("customer");
        return bc.ensureCustomer(BcCustomer.of(customerNumber(customer), customer.path("name").asText())).number();
    }

    public String post(Exchange exchange) {
        PostingMessage posting = posting(exchange);
        JsonNode p = posting.payload();
        String id = p.path("externalId").asText();
        String customer = customerNumber(p.path("customer"));
        LocalDate date = LocalDate.parse(p.path("date").asText());
        if (!posting.kind().equals("INVOICE") && !posting.kind().equals("CREDIT_MEMO") && !currencyCode(p).isEmpty()) {
            // API v2.0 journal lines have no currency field: they post in the company's currency, so a foreign amount
            // would be booked as if it were local. Refused, so finance sees it, instead of a wrong ledger.
            throw new ErpException("Business Central journals post in the local currency " + p.path("localCurrency")
                    .asText() + " only; " + posting.kind() + " " + id + " is in " + p.path("currency").asText(), false, 0);
        }
        return switch (posting.kind()) {
            case "INVOICE" -> bc.postSalesInvoice(new BcSalesInvoice(number(id, 35), customer, date, date, null,
                    currencyCode(p), null, lines(p))).number();
            case "CREDIT_MEMO" -> bc.correctiveCreditMemo(new BcCreditMemo(number(id, 35),
                    number(p.path("relatedExternalId").asText(), 35), date, date, lines(p))).number();
            case "PAYMENT" -> bc.postJournal(new BcJournalEntry(null, number(id, 20), date, List.of(
                    BcJournalLine.customerPayment(customer, new BigDecimal(p.path("amount").asText()),
                            p.path("cashAccount").asText(), number(p.path("relatedExternalId").asText(), 35),
                            p.path("memo").asText())))).documentNumber();
            case "REFUND" -> bc.postJournal(new BcJournalEntry(null, number(id, 20), date, List.of(
                    BcJournalLine.customerRefund(customer, new BigDecimal(p.path("amount").asText()),
                            p.path("cashAccount").asText(), number(p.path("relatedExternalId").asText(), 20),
                            p.path("memo").asText())))).documentNumber();
            case "ACCRUAL", "ACCRUAL_REVERSAL", "CREDIT_RELIEF", "CREDIT_BREAKAGE" -> bc.postJournal(new BcJournalEntry(null, number(id, 20), date,
                    journal(p))).documentNumber();
            default -> throw new IllegalArgumentException("unknown ERP posting kind " + posting.kind());
        };
    }

    /**
     * BC's rule: the empty code is the company's local currency (BC has no currency record for it, so naming it is
     * refused); any other currency by its code.
     */
    static String currencyCode(JsonNode p) {
        String currency = p.path("currency").asText();
        return currency.equals(p.path("localCurrency").asText()) ? "" : currency;
    }

    /**
     * Account lines on the policy's credit account (the deferred revenue account when the metric defers) with the
     * policy's tax code (BC's tax group code of the line).
     */
    private static List<BcSalesLine> lines(JsonNode p) {
        List<BcSalesLine> lines = new ArrayList<>();
        for (JsonNode line : p.path("lines")) {
            lines.add(new BcSalesLine("Account", line.path("account").asText(), line.path("description").asText(),
                    BigDecimal.ONE, new BigDecimal(line.path("amount").asText()), null, null,
                    line.hasNonNull("taxCode") ? line.get("taxCode").asText() : null));
        }
        return lines;
    }

    /** Signed amounts, debit positive, as Business Central journals take them. */
    private static List<BcJournalLine> journal(JsonNode p) {
        List<BcJournalLine> lines = new ArrayList<>();
        for (JsonNode line : p.path("journal")) {
            BigDecimal amount = line.hasNonNull("debit") ? new BigDecimal(line.get("debit").asText())
                    : new BigDecimal(line.get("credit").asText()).negate();
            lines.add(BcJournalLine.glAccount(line.path("account").asText(), amount,
                    line.path("description").asText(line.path("memo").asText(""))));
        }
        return lines;
    }

    /** The customer's number: the ERP id when it fits Code[20], else a deterministic short form of it. */
    static String customerNumber(JsonNode customer) {
        String id = customer.path("externalId").asText().toUpperCase(Locale.ROOT);
        return id.length() <= 20 ? id : number(id, 20);
    }

    /** A deterministic document number of at most {@code length} characters for a posting id. */
    static String number(String id, int length) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return ("MB" + HexFormat.of().formatHex(digest)).substring(0, length).toUpperCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PostingMessage posting(Exchange exchange) {
        return exchange.getProperty(ErpPostings.POSTING, PostingMessage.class);
    }
}
