-- The audit trail (issues 11 and 12): who (the authenticated person and their roles) did what to which object, when,
-- with the object before and after. Append-only: a trigger refuses every UPDATE, DELETE and TRUNCATE, whoever asks,
-- so no API and no code path of the hub can rewrite or erase it.
CREATE TABLE audit_event (
    id          bigserial   PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    person      text        NOT NULL,
    roles       text[]      NOT NULL DEFAULT '{}',
    action      text        NOT NULL,
    object_type text        NOT NULL,
    object_key  text        NOT NULL,
    before      jsonb,
    after       jsonb
);
CREATE INDEX audit_event_object ON audit_event (object_type, object_key, id);
CREATE INDEX audit_event_person ON audit_event (person, id);
CREATE INDEX audit_event_at ON audit_event (at);

CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
