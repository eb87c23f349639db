-- Contract validity and versions (issue 11). The periods of one contract never overlap: the scheduler and the manual
-- close compute them as one chain (masterdata.ContractSchedule: each starts where the one before ended, an anchor-day
-- change with one short period), and the database refuses a closed period that overlaps another of the same contract.
-- btree_gist gives the text column an equality operator a GiST exclusion constraint can use (a trusted extension).
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE period_close ADD CONSTRAINT period_close_not_empty CHECK (period_end > period_start);
ALTER TABLE period_close ADD CONSTRAINT period_close_no_overlap
    EXCLUDE USING gist (contract_key WITH =, tstzrange(period_start, period_end, '[)') WITH &&);

-- The part of the period a rated line prices: the whole period, or the run of it in which one price version and the
-- contract versions using it were in force (a mid-period start, end or change of version); null on older rows.
ALTER TABLE rated_charge ADD COLUMN part_start timestamptz;
ALTER TABLE rated_charge ADD COLUMN part_end timestamptz;
