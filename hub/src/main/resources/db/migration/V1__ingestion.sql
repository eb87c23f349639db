-- Producing sources that may sign events, with the HMAC secrets they sign with (several during a rotation).
CREATE TABLE ingest_source (
    id          text PRIMARY KEY,
    description text,
    secrets     text[]      NOT NULL CHECK (cardinality(secrets) > 0),
    active      boolean     NOT NULL DEFAULT true,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Every (source, id) ever accepted: what makes a resent event a duplicate. Claimed in the same transaction that
-- waits for Kafka's acknowledgement of the accepted event, so a failure never leaves an id claimed.
CREATE TABLE ingested_event (
    source      text        NOT NULL,
    event_id    text        NOT NULL,
    schema_ref  text        NOT NULL,
    event_time  timestamptz NOT NULL,
    accepted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, event_id)
);
CREATE INDEX ingested_event_accepted_at ON ingested_event (accepted_at);
