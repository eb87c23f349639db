-- Refunds (issue 11): a platform refund is a financial document of type REFUND, posted to the ERP as a customer
-- refund (posting kind REFUND) after the payment it pays back.
ALTER TABLE financial_document DROP CONSTRAINT financial_document_doc_type_check;
ALTER TABLE financial_document ADD CONSTRAINT financial_document_doc_type_check
    CHECK (doc_type IN ('INVOICE', 'CREDIT_MEMO', 'PAYMENT', 'REFUND'));

ALTER TABLE erp_posting DROP CONSTRAINT erp_posting_kind_check;
ALTER TABLE erp_posting ADD CONSTRAINT erp_posting_kind_check
    CHECK (kind IN ('INVOICE', 'CREDIT_MEMO', 'PAYMENT', 'REFUND', 'ACCRUAL', 'ACCRUAL_REVERSAL'));
