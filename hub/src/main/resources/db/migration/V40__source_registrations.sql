-- Producing sources: what each may emit (tenants, event types), whether its subjects are personal, API keys (only
-- their SHA-256), and HMAC secrets encrypted at rest (docs/architecture.md#sources-and-their-credentials).
ALTER TABLE ingest_source DROP CONSTRAINT ingest_source_secrets_check;
ALTER TABLE ingest_source
    ADD COLUMN api_key_hashes    text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN tenants           text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN event_types       text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN subjects_personal boolean     NOT NULL DEFAULT false,
    ADD COLUMN deactivated_at    timestamptz;
-- Secrets stored before this migration are in clear: erase them. At start-up the source files register every source
-- again (secrets encrypted); a source no file names any more stays deactivated.
UPDATE ingest_source SET secrets = '{}', active = false, deactivated_at = now(), updated_at = now();
ALTER TABLE ingest_source ADD CONSTRAINT ingest_source_credentials
    CHECK (NOT active OR cardinality(secrets) + cardinality(api_key_hashes) > 0);
