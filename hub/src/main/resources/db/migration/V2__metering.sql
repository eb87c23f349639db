-- Master data. Every row is effective-dated: valid over [valid_from, valid_to), valid_to NULL = open-ended.

-- The crosswalk: tenant (CloudEvents subject) -> CRM account -> billing account -> ERP customer.
CREATE TABLE customer_mapping (
    id                 bigserial PRIMARY KEY,
    tenant             text        NOT NULL,
    crm_account_id     text,
    billing_system     text        NOT NULL,
    billing_account_id text        NOT NULL,
    erp_system         text,
    erp_customer_id    text,
    legal_entity       text,
    currency           char(3)     NOT NULL,
    cost_center        text,
    time_zone          text        NOT NULL DEFAULT 'UTC',
    valid_from         timestamptz NOT NULL,
    valid_to           timestamptz,
    CHECK (valid_to IS NULL OR valid_to > valid_from),
    UNIQUE (tenant, valid_from)
);

-- A contract of a billing account: its cycle, grace period and time zone. Its metrics are contract_metric rows.
CREATE TABLE contract (
    id                 bigserial PRIMARY KEY,
    contract_key       text        NOT NULL,
    billing_system     text        NOT NULL,
    billing_account_id text        NOT NULL,
    billing_cycle      text        NOT NULL CHECK (billing_cycle IN ('MONTHLY')),
    anchor_day         int         NOT NULL DEFAULT 1 CHECK (anchor_day BETWEEN 1 AND 31),
    time_zone          text        NOT NULL DEFAULT 'UTC',
    grace_period       interval    NOT NULL DEFAULT '0',
    valid_from         timestamptz NOT NULL,
    valid_to           timestamptz,
    CHECK (valid_to IS NULL OR valid_to > valid_from),
    UNIQUE (contract_key, valid_from)
);

CREATE TABLE contract_metric (
    contract_id        bigint  NOT NULL REFERENCES contract (id) ON DELETE CASCADE,
    metric             text    NOT NULL,
    unit               text    NOT NULL,
    price_version_ref  text    NOT NULL,
    committed_quantity numeric,
    PRIMARY KEY (contract_id, metric)
);

-- The metric catalog: which event types and data fields feed which metric, aggregated how, in which unit.
CREATE TABLE metric (
    id          text PRIMARY KEY,
    aggregation text NOT NULL CHECK (aggregation IN ('SUM', 'COUNT', 'MAX', 'UNIQUE_COUNT', 'LATEST')),
    unit        text NOT NULL,
    description text
);

CREATE TABLE metric_source (
    metric     text    NOT NULL REFERENCES metric (id) ON DELETE CASCADE,
    event_type text    NOT NULL,
    field      text,
    -- quantity = value of field * factor (bytes -> GB: 0.000000001)
    factor     numeric NOT NULL DEFAULT 1,
    PRIMARY KEY (metric, event_type)
);

-- Every change of master data: who, when, before and after.
CREATE TABLE master_data_change (
    id         bigserial PRIMARY KEY,
    entity     text        NOT NULL,
    entity_key text        NOT NULL,
    changed_by text        NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now(),
    before     jsonb,
    after      jsonb
);

-- Metering. metered_event is the durable idempotency record and the lineage of every counted event.
CREATE TABLE metered_event (
    source            text        NOT NULL,
    event_id          text        NOT NULL,
    metric            text        NOT NULL,
    subject           text        NOT NULL,
    event_time        timestamptz NOT NULL,
    bucket_start      timestamptz NOT NULL,
    quantity          numeric     NOT NULL,
    schema_ref        text        NOT NULL,
    customer_mapping_id bigint    NOT NULL,
    contract_id       bigint      NOT NULL,
    price_version_ref text        NOT NULL,
    late              boolean     NOT NULL,
    metered_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, event_id, metric)
);
CREATE INDEX metered_event_bucket ON metered_event (contract_id, metric, bucket_start);
CREATE INDEX metered_event_metered_at ON metered_event (metered_at);

-- Hourly buckets (an hour of the contract's time zone), the unit that day, month and period roll up from.
CREATE TABLE usage_hourly (
    subject            text        NOT NULL,
    contract_id        bigint      NOT NULL,
    metric             text        NOT NULL,
    bucket_start       timestamptz NOT NULL,
    aggregation        text        NOT NULL,
    unit               text        NOT NULL,
    quantity           numeric     NOT NULL,
    event_count        bigint      NOT NULL,
    late_event_count   bigint      NOT NULL,
    latest_time        timestamptz NOT NULL,
    PRIMARY KEY (subject, contract_id, metric, bucket_start)
);

-- Distinct values of UNIQUE_COUNT metrics per bucket (tokens, never personal values in clear).
CREATE TABLE usage_unique_value (
    subject      text        NOT NULL,
    contract_id  bigint      NOT NULL,
    metric       text        NOT NULL,
    bucket_start timestamptz NOT NULL,
    value        text        NOT NULL,
    PRIMARY KEY (subject, contract_id, metric, bucket_start, value)
);

-- Events that could not be attributed yet (unknown tenant, metric or contract): kept whole, released later.
CREATE TABLE quarantined_event (
    source         text        NOT NULL,
    event_id       text        NOT NULL,
    subject        text        NOT NULL,
    event_type     text        NOT NULL,
    event_time     timestamptz NOT NULL,
    reason_code    text        NOT NULL,
    reason         text        NOT NULL,
    event          jsonb       NOT NULL,
    quarantined_at timestamptz NOT NULL DEFAULT now(),
    attempts       int         NOT NULL DEFAULT 1,
    PRIMARY KEY (source, event_id)
);
