-- Commitment alerts: one row per (contract, metric, billing period, threshold) once the period's usage has crossed
-- that percentage of the contract's committed quantity. The primary key decides which hub instance fires an alert:
-- INSERT ... ON CONFLICT DO NOTHING, so a threshold fires once per period however many instances detect it.
-- (V3 is reserved for another change.)
CREATE TABLE commitment_alert (
    -- The contract's key, not contract.id: contract.id names one effective-dated version, and a period whose
    -- contract gets a new version must still fire each threshold once.
    contract_key          text        NOT NULL,
    metric                text        NOT NULL,
    period_start          timestamptz NOT NULL,
    threshold_percent     int         NOT NULL CHECK (threshold_percent > 0),
    period_end            timestamptz NOT NULL,
    -- The contract version whose committed quantity was used.
    contract_id           bigint      NOT NULL,
    tenant                text,
    crm_account_id        text,
    -- Deterministic external id of the CRM task (Meterbridge_Alert_Key__c): a retried create is a duplicate there.
    alert_key             text        NOT NULL UNIQUE,
    quantity_at_detection numeric     NOT NULL,
    committed_quantity    numeric     NOT NULL,
    detected_at           timestamptz NOT NULL DEFAULT now(),
    crm_status            text        NOT NULL DEFAULT 'PENDING' CHECK (crm_status IN ('PENDING', 'CREATED', 'FAILED')),
    crm_task_id           text,
    -- CRM requests made for this alert (each redelivery counts).
    attempts              int         NOT NULL DEFAULT 0,
    last_error            text,
    last_attempt_at       timestamptz,
    notified_at           timestamptz,
    -- An instance dispatching the alert holds it until then; a crashed instance's lease simply runs out.
    lease_until           timestamptz,
    PRIMARY KEY (contract_key, metric, period_start, threshold_percent),
    CHECK (period_end > period_start)
);

-- What the timer picks up: alerts whose CRM task or notification is still missing.
CREATE INDEX commitment_alert_open ON commitment_alert (detected_at)
    WHERE crm_status <> 'CREATED' OR notified_at IS NULL;
