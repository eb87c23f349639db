-- Platform timing and collection (issue 11): per contract, how long the billing platform waits after a period ends
-- before it finalizes the period's invoice (Stripe's finalization grace: 1 h by default, up to 72 h; the hub's last
-- usage of the period must reach the platform inside it), and how the platform collects the hub's invoices.
ALTER TABLE contract
    ADD COLUMN finalization_grace interval NOT NULL DEFAULT '1 hour'
        CHECK (finalization_grace BETWEEN interval '1 hour' AND interval '72 hours'),
    ADD COLUMN collection_method  text     NOT NULL DEFAULT 'charge_automatically'
        CHECK (collection_method IN ('charge_automatically', 'send_invoice')),
    ADD COLUMN days_until_due     int      CHECK (days_until_due BETWEEN 1 AND 365),
    ADD COLUMN auto_advance       boolean  NOT NULL DEFAULT true,
    -- Stripe needs the number of days to set a due date on an invoice it sends, and takes none for charges
    ADD CONSTRAINT contract_days_until_due CHECK ((collection_method = 'send_invoice') = (days_until_due IS NOT NULL));

-- The whole number sent to a platform that takes whole numbers (Stripe meter events) for this summary: the period's
-- rounded cumulative quantity minus the values already sent, so fractions add up instead of rounding up every day.
ALTER TABLE usage_summary ADD COLUMN platform_value numeric;
