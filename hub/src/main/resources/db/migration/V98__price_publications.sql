-- Price versions published through the billing API (issue 12): the price-book files stay the seed, a publication adds
-- a version (or replaces a published one that has billed nothing yet) once a second person with the approver role
-- approves it. Rows are never deleted: a replaced publication is SUPERSEDED, a refused one REJECTED.
CREATE TABLE price_publication (
    id            bigserial   PRIMARY KEY,
    version_id    text        NOT NULL,
    metric        text        NOT NULL,
    -- the price version as the price-book files define it (price-books.schema.json#/$defs/priceVersion), decimals as
    -- posted (strings or exact numbers)
    definition    jsonb       NOT NULL,
    status        text        NOT NULL CHECK (status IN ('PENDING_APPROVAL', 'PUBLISHED', 'SUPERSEDED', 'REJECTED')),
    approval_id   bigint      NOT NULL REFERENCES approval_request (id),
    requested_by  text        NOT NULL,
    requested_at  timestamptz NOT NULL DEFAULT now(),
    decided_by    text,
    decided_at    timestamptz,
    CHECK ((status = 'PENDING_APPROVAL') = (decided_by IS NULL)),
    CHECK (decided_by IS NULL OR decided_by <> requested_by)
);
-- One effective and one waiting definition per version id at most.
CREATE UNIQUE INDEX price_publication_published ON price_publication (version_id) WHERE status = 'PUBLISHED';
CREATE UNIQUE INDEX price_publication_pending ON price_publication (version_id) WHERE status = 'PENDING_APPROVAL';

-- Manual adjustments (correction rows of source ADJUSTMENT) are numbered from here: adj-<n> roots the ids of their
-- delta documents.
CREATE SEQUENCE adjustment_number;
