-- What late usage of a closed period becomes (issue 12): NEXT_CYCLE (default) an adjustment line on the next
-- period's invoice, ADJUST a delta document now, REBILL a credit note for the whole invoice and a new one, HOLD a
-- review item finance decides.
ALTER TABLE contract ADD COLUMN late_usage_policy text NOT NULL DEFAULT 'NEXT_CYCLE'
    CHECK (late_usage_policy IN ('NEXT_CYCLE', 'ADJUST', 'REBILL', 'HOLD'));
