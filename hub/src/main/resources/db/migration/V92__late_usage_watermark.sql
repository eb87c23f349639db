-- What the late-usage sweep (billing.LateUsageCorrections) has covered of each close: the period's metered event
-- count when it last looked. A close whose period has more events now than covered has late usage to correct; the
-- close's own charge_source event count is the starting point. corrections counts the LATE_USAGE corrections made of
-- the close (the n of their deterministic ids late-<contract>-<period>-<n>).
CREATE TABLE late_usage_watermark (
    close_id             bigint      PRIMARY KEY REFERENCES period_close (id),
    events_covered       bigint      NOT NULL,
    corrections          integer     NOT NULL DEFAULT 0,
    -- platform-rated contracts: late events past the close that the platform was not sent (see docs/architecture.md)
    platform_late_events bigint      NOT NULL DEFAULT 0,
    updated_at           timestamptz NOT NULL DEFAULT now()
);
-- LATE_USAGE: the period's event count the correction's amounts include.
ALTER TABLE correction ADD COLUMN events_covered bigint;
