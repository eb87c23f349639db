-- Retracted and corrected usage (docs/architecture.md, "Retractions and corrections"). An event that retracts or
-- corrects an earlier one of its source is metered as adjustment rows of metered_event, keyed by its own
-- (source, id, metric) like every event: replays count it once.
--
-- adjusts:        the original event id (same source) this row retracts or corrects; NULL for ordinary events.
-- adjustment:     RETRACT or CORRECT; NULL for ordinary events.
-- superseded_by:  the id of the adjustment that replaced this row's value (NULL: the row is live). A retraction's own
--                 rows are superseded by themselves: nothing of a retracted event is live.
-- unique_value:   the distinct value a UNIQUE_COUNT row counted, so a bucket can be recomputed without the retracted
--                 value (NULL for other aggregations and for rows metered before this migration).
-- For SUM and COUNT a row's quantity is its contribution to the bucket (a correction: new - current; a retraction:
-- - current); for MAX, LATEST and UNIQUE_COUNT a live row holds the event's current value and the bucket is
-- recomputed from the live rows.
ALTER TABLE metered_event
    ADD COLUMN adjusts       text,
    ADD COLUMN adjustment    text CHECK (adjustment IN ('RETRACT', 'CORRECT')),
    ADD COLUMN superseded_by text,
    ADD COLUMN unique_value  text,
    ADD CONSTRAINT metered_event_adjustment_has_target CHECK ((adjusts IS NULL) = (adjustment IS NULL));

-- The family of an original: its own rows and every adjustment of it.
CREATE INDEX metered_event_adjusts ON metered_event (source, adjusts) WHERE adjusts IS NOT NULL;

-- A retraction or correction that arrived before its original waits in quarantine (reason original_not_metered) and
-- is applied in the transaction that meters the original.
CREATE INDEX quarantined_event_waiting_original ON quarantined_event
    (source, (coalesce(event ->> 'retracts', event ->> 'corrects')))
    WHERE reason_code = 'original_not_metered';
