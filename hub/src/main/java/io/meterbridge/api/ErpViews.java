package io.meterbridge.api;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Read models of the ERP API: financial documents, ERP postings and accounting exceptions. */
public final class ErpViews {

    private ErpViews() {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(description = "An invoice, credit memo or payment received from a billing platform")
    public record Document(long id, String sourceSystem, String sourceId,
            @Schema(description = "INVOICE, CREDIT_MEMO or PAYMENT") String docType, String relatedSourceId,
            String contractKey, Long closeId, String billingAccount, String currency,
            @Schema(description = "exact decimal in `currency`", example = "57.00") String amount, Instant documentDate,
            List<DocumentLine> lines, Instant receivedAt, List<PostingRef> postings) {

        // Line amounts are read with ->> (text) so they stay exact decimals, never JSON floats.
        static final String COLUMNS = """
                d.id, d.source_system, d.source_id, d.doc_type, d.related_source_id, d.contract_key, d.close_id,
                d.billing_account, d.currency, d.amount, d.document_date, d.received_at,
                (SELECT jsonb_agg(jsonb_build_object('sourceLineId', l->>'sourceLineId', 'metric', l->>'metric',
                   'description', l->>'description', 'amount', l->>'amount'))
                 FROM jsonb_array_elements(d.lines) l) AS lines,
                (SELECT jsonb_agg(jsonb_build_object('id', p.id, 'kind', p.kind, 'erp', p.erp_system,
                   'status', p.status, 'erpId', p.erp_id) ORDER BY p.created_at, p.id)
                 FROM erp_posting p WHERE p.document_id = d.id) AS postings""";

        static Document of(SqlRows.Row row) throws Exception {
            return new Document(row.number("id"), row.text("source_system"), row.text("source_id"),
                    row.text("doc_type"), row.text("related_source_id"), row.text("contract_key"),
                    row.numberOrNull("close_id"), row.text("billing_account"), row.text("currency"),
                    row.money("amount", "currency"), row.instant("document_date"),
                    atScale(row.jsonList("lines", DocumentLine.class), row.text("currency")),
                    row.instant("received_at"), row.jsonList("postings", PostingRef.class));
        }

        // Lines keep the text the platform's amount was converted to ("11" from 1100 cents): shown at the scale of
        // the document's currency like every other amount.
        private static List<DocumentLine> atScale(List<DocumentLine> lines, String currency) {
            return lines.stream().map(l -> new DocumentLine(l.sourceLineId(), l.metric(), l.description(),
                    Money.text(l.amount(), currency))).toList();
        }
    }

    /** A line of a document, in the document's currency. */
    public record DocumentLine(String sourceLineId, String metric, String description,
            @Schema(description = "exact decimal in the document's currency", example = "40.00") String amount) {
    }

    /** An ERP posting of a document, as listed with it. */
    public record PostingRef(String id, String kind, String erp, String status, String erpId) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(description = "An ERP posting (outbox row): the ERP's record as sent, and its state")
    public record Posting(String id, Long documentId, Long closeId, String erpSystem,
            @Schema(description = "INVOICE, CREDIT_MEMO, PAYMENT, ACCRUAL or ACCRUAL_REVERSAL") String kind,
            @Schema(description = "PENDING, WAITING (pending, its ledger prerequisite has not posted yet), POSTED or FAILED")
            String status, int attempts, String erpId, String lastError, Instant createdAt,
            @Schema(description = "when a PENDING posting is (next) due for an attempt") Instant nextAttemptAt,
            Instant postedAt,
            @Schema(description = "the canonical posting sent to the ERP (amounts as decimal strings)") JsonNode payload) {

        static Posting of(SqlRows.Row row) throws Exception {
            return new Posting(row.text("id"), row.numberOrNull("document_id"), row.numberOrNull("close_id"),
                    row.text("erp_system"), row.text("kind"), row.text("status"), (int) row.number("attempts"),
                    row.text("erp_id"), row.text("last_error"), row.instant("created_at"),
                    row.instant("next_attempt_at"), row.instant("posted_at"),
                    row.json("payload"));
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(description = "A document the accounting policy could not post, with the reason")
    /** sourceSystem and eventId: a platform event the polling fallback set aside (kind PLATFORM_EVENT). */
    public record AccountingException(long id, Long documentId, Long closeId, String kind, String reason,
            Instant createdAt, Instant resolvedAt, String resolvedBy, String sourceSystem, String eventId) {

        static AccountingException of(SqlRows.Row row) throws Exception {
            return new AccountingException(row.number("id"), row.numberOrNull("document_id"),
                    row.numberOrNull("close_id"), row.text("kind"), row.text("reason"), row.instant("created_at"),
                    row.instant("resolved_at"), row.text("resolved_by"), row.text("source_system"), row.text("event_id"));
        }
    }
}
