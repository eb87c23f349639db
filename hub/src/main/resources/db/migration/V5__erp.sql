-- Billing documents back from the billing platforms, accounting policy outcomes and ERP postings.

-- Platform events already handled (webhooks and polling): the idempotent consumer of both paths.
CREATE TABLE platform_event (
    source_system text        NOT NULL,
    event_id      text        NOT NULL,
    event_type    text        NOT NULL,
    received_via  text        NOT NULL CHECK (received_via IN ('webhook', 'poll')),
    received_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_system, event_id)
);

-- A canonical financial document: an invoice, a credit memo or a payment, whatever platform it came from, linked to
-- the period close (and so the rated charges and aggregates) behind it.
CREATE TABLE financial_document (
    id                bigserial   PRIMARY KEY,
    source_system     text        NOT NULL,
    source_id         text        NOT NULL,
    doc_type          text        NOT NULL CHECK (doc_type IN ('INVOICE', 'CREDIT_MEMO', 'PAYMENT')),
    related_source_id text,
    contract_key      text,
    close_id          bigint      REFERENCES period_close (id),
    billing_account   text        NOT NULL,
    currency          char(3)     NOT NULL,
    amount            numeric     NOT NULL,
    document_date     timestamptz NOT NULL,
    lines             jsonb       NOT NULL,
    received_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source_system, source_id, doc_type)
);

-- One posting per document and ERP (or accrual journal per close): the outbox of ERP sync. Its id is the document's
-- deterministic external id in the ERP.
CREATE TABLE erp_posting (
    id            text        PRIMARY KEY,
    document_id   bigint      REFERENCES financial_document (id),
    close_id      bigint      REFERENCES period_close (id),
    erp_system    text        NOT NULL,
    kind          text        NOT NULL CHECK (kind IN ('INVOICE', 'CREDIT_MEMO', 'PAYMENT', 'ACCRUAL', 'ACCRUAL_REVERSAL')),
    payload       jsonb       NOT NULL,
    status        text        NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'POSTED', 'FAILED')),
    attempts      int         NOT NULL DEFAULT 0,
    erp_id        text,
    last_error    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    published_at  timestamptz,
    posted_at     timestamptz
);
CREATE INDEX erp_posting_unpublished ON erp_posting (created_at) WHERE status = 'PENDING';

-- Documents the accounting policy cannot post (no mapping for a metric, an unknown ERP customer): they wait here with
-- their reason instead of reaching the ERP.
CREATE TABLE accounting_exception (
    id           bigserial   PRIMARY KEY,
    document_id  bigint      REFERENCES financial_document (id),
    close_id     bigint      REFERENCES period_close (id),
    kind         text        NOT NULL,
    reason       text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    resolved_at  timestamptz,
    resolved_by  text
);
