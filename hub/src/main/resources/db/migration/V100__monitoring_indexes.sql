-- What the operations gauges (monitoring.OperationsGauges, billing.UnbilledUsage) count every refresh, kept cheap:
-- each query reads only the few rows an index of the rows it counts holds (failures, open exceptions, late usage and
-- credit memos are rare; the PENDING rows have their partial indexes since V16).
CREATE INDEX billing_delivery_failed ON billing_delivery (target) WHERE status = 'FAILED';
CREATE INDEX erp_posting_failed ON erp_posting (erp_system) WHERE status = 'FAILED';
CREATE INDEX accounting_exception_open ON accounting_exception (created_at) WHERE resolved_at IS NULL;
CREATE INDEX metered_event_late ON metered_event (metered_at) WHERE late;
CREATE INDEX financial_document_credit_memo ON financial_document (currency) WHERE doc_type = 'CREDIT_MEMO';
