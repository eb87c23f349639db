-- A close reads usage only once metering has committed every event accepted before it started (docs/architecture.md,
-- period close). What it waited for, for audit: when it started, and the accepted topic's end offset per partition
-- then ({"0": 1523, "1": 980, ...}). NULL for closes made before this rule.
ALTER TABLE period_close
    ADD COLUMN started_at       timestamptz,
    ADD COLUMN accepted_offsets jsonb;
