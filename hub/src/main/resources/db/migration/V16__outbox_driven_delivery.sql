-- Delivery driven by the outbox rows (billing_delivery, erp_posting): the Kafka message carries only the row's id,
-- each message allows one attempt, and a failed attempt is scheduled on the row instead of being redelivered inside
-- the Kafka poll loop. The relays claim due rows with FOR UPDATE SKIP LOCKED, so two replicas never publish a row
-- twice in one window (docs/architecture.md, "Outbox-driven delivery").

-- next_attempt_at: when the row is due to be published (again); last_attempt_at: when a consumer last took it. A
-- message allows an attempt only when the row was published after its last attempt (published_at > last_attempt_at).
ALTER TABLE billing_delivery ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE billing_delivery ADD COLUMN last_attempt_at timestamptz;
ALTER TABLE erp_posting ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE erp_posting ADD COLUMN last_attempt_at timestamptz;
ALTER TABLE erp_posting ADD COLUMN published_count int NOT NULL DEFAULT 0;
ALTER TABLE billing_delivery ADD COLUMN published_count int NOT NULL DEFAULT 0;

-- What the relays scan: pending rows by due time.
DROP INDEX billing_delivery_unpublished;
CREATE INDEX billing_delivery_due ON billing_delivery (next_attempt_at) WHERE status = 'PENDING';
DROP INDEX erp_posting_unpublished;
CREATE INDEX erp_posting_due ON erp_posting (next_attempt_at) WHERE status = 'PENDING';
-- Ledger order: postings that refer to an invoice, and the accrual of a close.
CREATE INDEX erp_posting_related ON erp_posting ((payload->>'relatedExternalId')) WHERE status <> 'POSTED';
CREATE INDEX erp_posting_close ON erp_posting (close_id, kind);

-- Postings the old erp-sync FAILED only because the posting they waited for had not posted yet: the wait is a state
-- of the row now, so they are pending again (and published once what they wait for has posted).
UPDATE erp_posting SET status = 'PENDING', published_at = NULL
WHERE status = 'FAILED' AND last_error LIKE '% waits for %';
