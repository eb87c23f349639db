-- Where a Stripe delivery stands at Stripe, beyond Stripe's 24 h idempotency horizon (docs/routes.md, "Stripe:
-- resuming after the idempotency window"). One row per delivery, written at its first attempt.
CREATE TABLE stripe_delivery_progress (
    delivery_id     text        PRIMARY KEY REFERENCES billing_delivery (id),
    -- Stripe's id of the delivery's invoice, stored as soon as the draft exists: later attempts resume it.
    invoice_id      text,
    -- Suffix of the idempotency keys: raised when Stripe answered a POST 500, because Stripe saves that 500 under
    -- the key and replays it; the next attempt looks up what exists first, then writes with fresh keys.
    key_generation  int         NOT NULL DEFAULT 0 CHECK (key_generation >= 0),
    -- The first attempt: meter event identifiers are deduplicated by Stripe for 24 h from their first use.
    first_sent_at   timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
