-- What each price version billed, by definition (issue 11, "Corrections of billed versions are refused"): the start-up
-- check (billing.BilledPriceVersions) compares the price books with these few rows instead of reading every rated
-- charge. One row per (price version, definition) that priced a closed period, with the first close it priced; the
-- close writes it in its own transaction (PeriodCloseService). Contract terms (contract:...) and prepaid credit lines
-- (credits:...) are not price versions and are left out.
CREATE TABLE billed_price_version (
    price_version    text   NOT NULL,
    definition_hash  text   NOT NULL, -- md5 of the jsonb text: one row per definition as it was written
    price_definition jsonb  NOT NULL,
    first_close_id   bigint NOT NULL REFERENCES period_close (id),
    PRIMARY KEY (price_version, definition_hash)
);

INSERT INTO billed_price_version (price_version, definition_hash, price_definition, first_close_id)
SELECT DISTINCT ON (r.price_version, md5(r.price_definition::text)) r.price_version, md5(r.price_definition::text),
       r.price_definition, r.close_id
FROM rated_charge r JOIN period_close p ON p.id = r.close_id
WHERE r.price_version NOT LIKE 'contract:%' AND r.price_version NOT LIKE 'credits:%'
ORDER BY r.price_version, md5(r.price_definition::text), p.period_start, p.id;
