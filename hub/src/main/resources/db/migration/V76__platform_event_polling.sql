-- The polling fallback's checkpoint per platform: the creation time of the newest event it has handled (or set
-- aside), so that each tick pages through every event since then instead of a fixed lookback.
CREATE TABLE platform_poll_checkpoint (
    source_system text        PRIMARY KEY,
    last_created  bigint      NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- An event the hub could not handle (an unreadable object, a document that fails): kept with the event itself, so the
-- rest of the events go on, finance sees it in the ERP exceptions, and it can be replayed once the cause is fixed.
ALTER TABLE accounting_exception
    ADD COLUMN source_system  text,
    ADD COLUMN platform_event jsonb;

-- An event set aside and handled again from the ERP exceptions API is received via a replay.
ALTER TABLE platform_event DROP CONSTRAINT platform_event_received_via_check;
ALTER TABLE platform_event ADD CONSTRAINT platform_event_received_via_check
    CHECK (received_via IN ('webhook', 'poll', 'replay'));
