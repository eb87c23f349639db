-- The closed periods of one contract form one unbroken chain (issue 11; docs/architecture.md, "Contract validity and
-- versions"). V60 refuses overlaps; this refuses gaps: a new period_close row must start exactly where the contract's
-- latest earlier closed period ended, or, when it has none, be the first period of the contract's validity. A gap is
-- only a gap where the contract was valid: time no contract version covers (before its start, between two validities)
-- is never closed, so the chain may jump over it. The service closes earlier open periods first, in order
-- (PeriodCloseService), so it never meets this; the trigger is what holds for any other writer.
-- An instant as the API writes it (2026-04-01T00:00:00Z), whatever the session's time zone.
CREATE FUNCTION period_close_utc(instant timestamptz) RETURNS text LANGUAGE sql STABLE AS
    $$ SELECT to_char(instant AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') $$;

CREATE FUNCTION period_close_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    previous_end timestamptz;
    uncovered    timestamptz;
BEGIN
    -- The same lock as the close's (PeriodCloseService.lockContract): two rows of one contract are checked one after
    -- the other, each seeing the other committed.
    PERFORM pg_advisory_xact_lock(hashtext('billing:' || NEW.contract_key));
    SELECT max(period_end) INTO previous_end FROM period_close
    WHERE contract_key = NEW.contract_key AND id <> NEW.id AND period_end <= NEW.period_start;
    IF previous_end = NEW.period_start THEN
        RETURN NULL;
    END IF;
    -- The earliest instant of validity left unclosed before the new period: in [previous_end, period_start), or before
    -- period_start at all when the contract has no earlier closed period.
    SELECT min(greatest(c.valid_from, coalesce(previous_end, c.valid_from))) INTO uncovered FROM contract c
    WHERE c.contract_key = NEW.contract_key AND c.valid_from < NEW.period_start
      AND (c.valid_to IS NULL OR c.valid_to > coalesce(previous_end, '-infinity'::timestamptz));
    IF uncovered IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'period_close_chain',
            MESSAGE = format('closed period [%s, %s) of contract %s leaves a gap: %s', period_close_utc(NEW.period_start),
                period_close_utc(NEW.period_end), NEW.contract_key, CASE WHEN previous_end IS NULL
                    THEN format('the contract is valid from %s and no earlier period is closed', period_close_utc(uncovered))
                    ELSE format('the latest earlier closed period ends at %s and the contract is valid from %s',
                        period_close_utc(previous_end), period_close_utc(uncovered)) END);
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER period_close_chain AFTER INSERT OR UPDATE OF contract_key, period_start, period_end
    ON period_close FOR EACH ROW EXECUTE FUNCTION period_close_chain();
