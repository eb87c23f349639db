-- Rating and billing sync.

-- How a contract is billed: the hub prices usage and sends invoice-ready charges (HUB_RATES), or the billing platform
-- prices usage summaries the hub sends (PLATFORM_RATES).
ALTER TABLE contract ADD COLUMN billing_mode text NOT NULL DEFAULT 'HUB_RATES'
    CHECK (billing_mode IN ('HUB_RATES', 'PLATFORM_RATES'));
-- The platform subscription usage is reported against (Chargebee usages need one).
ALTER TABLE contract ADD COLUMN billing_subscription_id text;
-- Prepaid credits granted with the contract, drawn down by prices that use credits.
ALTER TABLE contract ADD COLUMN prepaid_credits numeric NOT NULL DEFAULT 0 CHECK (prepaid_credits >= 0);
-- The platform's name for the metric's price: a Stripe meter's event_name, a Chargebee item_price_id.
ALTER TABLE contract_metric ADD COLUMN platform_price_ref text;

-- One row per closed billing period of a contract. The primary key makes closing idempotent across instances.
CREATE TABLE period_close (
    id             bigserial   UNIQUE NOT NULL,
    contract_key   text        NOT NULL,
    period_start   timestamptz NOT NULL,
    period_end     timestamptz NOT NULL,
    contract_id    bigint      NOT NULL REFERENCES contract (id),
    billing_system text        NOT NULL,
    billing_mode   text        NOT NULL,
    currency       char(3),
    total          numeric,
    closed_at      timestamptz NOT NULL DEFAULT now(),
    closed_by      text        NOT NULL,
    PRIMARY KEY (contract_key, period_start)
);

-- A rated charge line (hub rates): exact amount, the price version and schema versions behind it.
CREATE TABLE rated_charge (
    id               bigserial PRIMARY KEY,
    close_id         bigint      NOT NULL REFERENCES period_close (id),
    line_no          int         NOT NULL,
    metric           text        NOT NULL,
    line_type        text        NOT NULL CHECK (line_type IN ('USAGE', 'OVERAGE', 'CREDITS_APPLIED', 'TRUE_UP')),
    description      text        NOT NULL,
    quantity         numeric,
    amount           numeric     NOT NULL,
    currency         char(3)     NOT NULL,
    amount_minor     bigint      NOT NULL,
    price_version    text        NOT NULL,
    price_definition jsonb       NOT NULL,
    schema_refs      text[]      NOT NULL,
    usage_quantity   numeric     NOT NULL,
    UNIQUE (close_id, line_no)
);

-- A day of a platform-rated contract reported to its platform (days of its time zone), once.
CREATE TABLE usage_report (
    id           bigserial   UNIQUE NOT NULL,
    contract_key text        NOT NULL,
    day_start    timestamptz NOT NULL,
    day_end      timestamptz NOT NULL,
    reported_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (contract_key, day_start)
);

-- Usage quantities sent to a platform that rates (platform rates): per metric and day as each day ends (report_id),
-- and at period close (close_id) the metrics that do not add up (MAX, UNIQUE_COUNT, LATEST) plus any usage that
-- arrived after its day was reported.
CREATE TABLE usage_summary (
    id               bigserial PRIMARY KEY,
    contract_key     text        NOT NULL,
    close_id         bigint      REFERENCES period_close (id),
    report_id        bigint      REFERENCES usage_report (id),
    metric           text        NOT NULL,
    window_start     timestamptz NOT NULL,
    window_end       timestamptz NOT NULL,
    quantity         numeric     NOT NULL,
    platform_ref     text        NOT NULL,
    identifier       text        NOT NULL UNIQUE,
    schema_refs      text[]      NOT NULL,
    CHECK ((close_id IS NULL) <> (report_id IS NULL))
);
CREATE INDEX usage_summary_contract ON usage_summary (contract_key, metric, window_start);

-- Lineage: the hourly aggregates a charge or summary came from (usage_hourly's key and what it held at close).
CREATE TABLE charge_source (
    close_id     bigint      NOT NULL REFERENCES period_close (id),
    metric       text        NOT NULL,
    subject      text        NOT NULL,
    contract_id  bigint      NOT NULL,
    bucket_start timestamptz NOT NULL,
    quantity     numeric     NOT NULL,
    event_count  bigint      NOT NULL,
    PRIMARY KEY (close_id, metric, subject, contract_id, bucket_start)
);

-- Prepaid credits drawn per closed period and metric; the balance is the contract's grant minus these.
CREATE TABLE credit_drawdown (
    contract_key text        NOT NULL,
    close_id     bigint      NOT NULL REFERENCES period_close (id),
    metric       text        NOT NULL,
    amount       numeric     NOT NULL CHECK (amount >= 0),
    PRIMARY KEY (close_id, metric)
);

-- The outbox of billing sync: one delivery per document sent to a platform, written in the close's transaction and
-- published to Kafka after it commits. Its id is deterministic and every request it makes carries an idempotency
-- key derived from it.
CREATE TABLE billing_delivery (
    id            text        PRIMARY KEY,
    close_id      bigint      REFERENCES period_close (id),
    report_id     bigint      REFERENCES usage_report (id),
    target        text        NOT NULL,
    kind          text        NOT NULL,
    payload       jsonb       NOT NULL,
    status        text        NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
    attempts      int         NOT NULL DEFAULT 0,
    external_id   text,
    last_error    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    published_at  timestamptz,
    delivered_at  timestamptz,
    contract_key  text        NOT NULL,
    CHECK ((close_id IS NULL) <> (report_id IS NULL))
);
CREATE INDEX billing_delivery_unpublished ON billing_delivery (created_at) WHERE published_at IS NULL;

-- A delivery whose retries were exhausted: listed by the exceptions API, replayed on demand.
CREATE TABLE billing_exception (
    id           bigserial   PRIMARY KEY,
    delivery_id  text        NOT NULL REFERENCES billing_delivery (id),
    target       text        NOT NULL,
    reason       text        NOT NULL,
    failed_at    timestamptz NOT NULL DEFAULT now(),
    replayed_at  timestamptz,
    replayed_by  text
);
CREATE INDEX billing_exception_open ON billing_exception (failed_at) WHERE replayed_at IS NULL;
