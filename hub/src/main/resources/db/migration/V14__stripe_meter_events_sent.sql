-- The meter events of a Stripe delivery that Stripe acknowledged (2xx, or "identifier already exists"). A later
-- attempt sends only the others: a delivery of many events no longer has to get every call through in one attempt,
-- which under a lasting share of 429s and 500s it never would.
CREATE TABLE stripe_meter_event_sent (
    delivery_id text        NOT NULL REFERENCES billing_delivery (id),
    identifier  text        NOT NULL,
    sent_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (delivery_id, identifier)
);
