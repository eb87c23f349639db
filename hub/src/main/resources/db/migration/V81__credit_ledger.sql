-- Prepaid credits as a ledger (issue 11). A grant belongs to a contract key (every version of the contract), so a new
-- contract version never resets the balance. Grants, draws and expiries are only ever inserted: the balance of a grant
-- is its amount minus its draws and its expiry.
CREATE TABLE credit_grant (
    id           bigserial   PRIMARY KEY,
    contract_key text        NOT NULL,
    -- what paid for the grant (an order, an invoice number): one grant per reference and contract, so a repeated
    -- request adds nothing
    reference    text        NOT NULL,
    amount       numeric     NOT NULL CHECK (amount > 0),
    currency     text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    starts_at    timestamptz NOT NULL,
    expires_at   timestamptz CHECK (expires_at IS NULL OR expires_at > starts_at),
    granted_by   text        NOT NULL,
    granted_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (contract_key, reference)
);
CREATE INDEX credit_grant_contract ON credit_grant (contract_key);

-- What one close drew from one grant: at most one row per grant and close, so a re-close or replay never draws twice.
CREATE TABLE credit_draw (
    grant_id     bigint      NOT NULL REFERENCES credit_grant (id),
    close_id     bigint      NOT NULL REFERENCES period_close (id),
    contract_key text        NOT NULL,
    amount       numeric     NOT NULL CHECK (amount > 0),
    drawn_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (grant_id, close_id)
);
CREATE INDEX credit_draw_close ON credit_draw (close_id);

-- The unused rest of a grant whose expiry has passed, recorded once (breakage), at the first close that ends on or
-- after the expiry.
CREATE TABLE credit_expiry (
    grant_id     bigint      PRIMARY KEY REFERENCES credit_grant (id),
    close_id     bigint      NOT NULL REFERENCES period_close (id),
    contract_key text        NOT NULL,
    amount       numeric     NOT NULL CHECK (amount > 0),
    expired_at   timestamptz NOT NULL
);

-- The invoice line that pays for a period with credits: negative, after every other line.
ALTER TABLE rated_charge DROP CONSTRAINT rated_charge_line_type_check;
ALTER TABLE rated_charge ADD CONSTRAINT rated_charge_line_type_check
    CHECK (line_type IN ('USAGE', 'OVERAGE', 'CREDITS_APPLIED', 'TRUE_UP', 'COMMITMENT_TRUE_UP', 'PREPAID_CREDIT'));

-- The ERP side of the ledger: consumed credit relieves the contract liability, expired credit is breakage.
ALTER TABLE erp_posting DROP CONSTRAINT erp_posting_kind_check;
ALTER TABLE erp_posting ADD CONSTRAINT erp_posting_kind_check
    CHECK (kind IN ('INVOICE', 'CREDIT_MEMO', 'PAYMENT', 'REFUND', 'ACCRUAL', 'ACCRUAL_REVERSAL', 'CREDIT_RELIEF',
        'CREDIT_BREAKAGE'));
