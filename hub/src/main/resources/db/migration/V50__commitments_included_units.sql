-- Commitments, included units and minimums (issue 11). A contract metric's included_quantity is free, the units above
-- it priced at their position in the tiers; committed_quantity keeps only its CRM follow-up meaning. A contract's
-- minimum_commitment is a minimum spend per period across its metrics, in its currency, trued up on its own line.
ALTER TABLE contract_metric ADD COLUMN included_quantity numeric CHECK (included_quantity >= 0);
ALTER TABLE contract ADD COLUMN minimum_commitment numeric CHECK (minimum_commitment >= 0);

-- The commitment true-up is a line of its own. It prices no usage of one metric: its usage_quantity is null.
ALTER TABLE rated_charge DROP CONSTRAINT rated_charge_line_type_check;
ALTER TABLE rated_charge ADD CONSTRAINT rated_charge_line_type_check
    CHECK (line_type IN ('USAGE', 'OVERAGE', 'CREDITS_APPLIED', 'TRUE_UP', 'COMMITMENT_TRUE_UP'));
ALTER TABLE rated_charge ALTER COLUMN usage_quantity DROP NOT NULL;
