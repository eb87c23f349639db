-- Four-eyes approvals (issue 12): what a requester asks for (a re-rate, an adjustment, a price publication, a HOLD
-- decision) takes effect only when a second person with the approver role approves it. The database keeps the two
-- people apart too: a decision by the requester is refused here, whatever the code does.
CREATE TABLE approval_request (
    id              bigserial   PRIMARY KEY,
    kind            text        NOT NULL,
    object_key      text        NOT NULL,
    summary         text        NOT NULL,
    payload         jsonb       NOT NULL,
    status          text        NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED')),
    requested_by    text        NOT NULL,
    requested_at    timestamptz NOT NULL DEFAULT now(),
    decided_by      text,
    decided_at      timestamptz,
    decision_reason text,
    CHECK ((status = 'PENDING') = (decided_by IS NULL)),
    CHECK (decided_by IS NULL OR decided_by <> requested_by)
);
-- One open request per object and kind: asking twice for the same thing is one request.
CREATE UNIQUE INDEX approval_request_one_pending ON approval_request (kind, object_key) WHERE status = 'PENDING';
CREATE INDEX approval_request_status ON approval_request (status, id);

-- A correction of a closed period (issue 12): late usage, a re-rate or a manual adjustment, with its difference per
-- line and the policy that turns it into documents. Its id is deterministic and roots the ids of those documents.
CREATE TABLE correction (
    id            text        PRIMARY KEY,
    source        text        NOT NULL CHECK (source IN ('LATE_USAGE', 'RERATE', 'ADJUSTMENT')),
    contract_key  text        NOT NULL,
    period_start  timestamptz NOT NULL,
    period_end    timestamptz NOT NULL,
    close_id      bigint      REFERENCES period_close (id),
    policy        text        NOT NULL CHECK (policy IN ('NEXT_CYCLE', 'ADJUST', 'REBILL', 'HOLD')),
    currency      text        NOT NULL,
    -- the difference: positive when the customer owes more, negative when they are owed
    amount        numeric     NOT NULL,
    -- [{lineNo, metric, description, priceVersion (the one billed), reratedPriceVersion, quantity (the period's,
    --   corrected), billedAmount, amount (corrected), difference}] as decimal strings in the correction's currency
    lines         jsonb       NOT NULL,
    -- HELD: waits for finance's decision (HOLD); PENDING_APPROVAL: waits for a second person; APPROVED: to be
    -- issued as delta documents (ADJUST, REBILL); ISSUED: its documents are billing deliveries; CARRIED: billed on
    -- the next period's invoice (NEXT_CYCLE) by that period's close, which sets BILLED_NEXT_CYCLE; REJECTED.
    status        text        NOT NULL CHECK (status IN ('HELD', 'PENDING_APPROVAL', 'APPROVED', 'ISSUED', 'CARRIED',
                                                         'BILLED_NEXT_CYCLE', 'REJECTED')),
    approval_id   bigint      REFERENCES approval_request (id),
    requested_by  text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    issued_at     timestamptz,
    CHECK (period_end > period_start)
);
CREATE INDEX correction_contract ON correction (contract_key, period_start);
CREATE INDEX correction_to_issue ON correction (created_at) WHERE status = 'APPROVED';

-- A delta document (an invoice for more, a credit note for less) is a billing delivery of its correction.
ALTER TABLE billing_delivery ADD COLUMN correction_id text REFERENCES correction (id);
ALTER TABLE billing_delivery DROP CONSTRAINT billing_delivery_check;
ALTER TABLE billing_delivery ADD CONSTRAINT billing_delivery_one_origin
    CHECK (num_nonnulls(close_id, report_id, correction_id) = 1);
