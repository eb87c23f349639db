-- Issuing corrections (issue 12): an APPROVED correction that cannot be issued as delta documents (its period was
-- billed on a platform-rated contract, or there is no invoice to credit) is set aside as a billing exception of the
-- correction itself, not of a delivery: it stays APPROVED, and the issuer skips a correction with an open exception.
ALTER TABLE billing_exception ADD COLUMN correction_id text REFERENCES correction (id);
ALTER TABLE billing_exception ALTER COLUMN delivery_id DROP NOT NULL;
ALTER TABLE billing_exception ADD CONSTRAINT billing_exception_one_origin
    CHECK (num_nonnulls(delivery_id, correction_id) = 1);
CREATE UNIQUE INDEX billing_exception_open_correction ON billing_exception (correction_id)
    WHERE correction_id IS NOT NULL AND replayed_at IS NULL;
CREATE INDEX billing_delivery_correction ON billing_delivery (correction_id) WHERE correction_id IS NOT NULL;
