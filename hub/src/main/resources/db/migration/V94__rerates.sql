-- A re-rate of closed periods with replacement price versions (issue 12): its preview is stored with the request;
-- a second person's approval creates its corrections (source RERATE), linked back here.
CREATE TABLE rerate (
    id            text        PRIMARY KEY,
    contract_key  text,
    price_version text,
    from_period   timestamptz NOT NULL,
    to_period     timestamptz NOT NULL,
    -- {billed price version id: replacement price version id}
    replacements  jsonb       NOT NULL,
    preview       jsonb       NOT NULL,
    status        text        NOT NULL DEFAULT 'PENDING_APPROVAL'
                              CHECK (status IN ('PENDING_APPROVAL', 'APPROVED', 'REJECTED')),
    approval_id   bigint      REFERENCES approval_request (id),
    requested_by  text        NOT NULL,
    requested_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (num_nonnulls(contract_key, price_version) >= 1)
);
ALTER TABLE correction ADD COLUMN rerate_id text REFERENCES rerate (id);
