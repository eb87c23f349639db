-- NEXT_CYCLE corrections are billed by the next period's close as ADJUSTMENT lines ("api_requests: late usage of
-- 2026-09"), each naming the correction it bills.
ALTER TABLE rated_charge DROP CONSTRAINT rated_charge_line_type_check;
ALTER TABLE rated_charge ADD CONSTRAINT rated_charge_line_type_check
    CHECK (line_type IN ('USAGE', 'OVERAGE', 'CREDITS_APPLIED', 'TRUE_UP', 'COMMITMENT_TRUE_UP', 'PREPAID_CREDIT',
                         'ADJUSTMENT'));
ALTER TABLE rated_charge ADD COLUMN correction_id text REFERENCES correction (id);
