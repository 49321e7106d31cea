-- Exchange (issue 5): naober mirrors the message traffic, it does not
-- refuse it. An allocation number the gemeente's system gave two clients
-- becomes one provision per client, so a provision is identified by
-- gemeente, law, allocation number and person. A declaration may use one
-- reference for lines of different periods, so a claim is identified by
-- gemeente, law, provider, reference and the begin of its period.
DROP INDEX provisions_toewijzing;
CREATE UNIQUE INDEX provisions_toewijzing ON provisions(gemeente, wet, toewijzingnummer, person_id) WHERE toewijzingnummer <> '';

-- SQLite cannot drop a table constraint: claims is rebuilt (nothing
-- refers to it).
PRAGMA defer_foreign_keys = ON;
CREATE TABLE claims_0009 AS SELECT * FROM claims;
DROP TABLE claims;
CREATE TABLE claims (
    id                     TEXT PRIMARY KEY,
    gemeente               TEXT NOT NULL REFERENCES tenants(gemeente),
    provision_id           TEXT NOT NULL REFERENCES provisions(id),
    person_id              TEXT NOT NULL REFERENCES persons(id),
    household_id           TEXT NOT NULL REFERENCES households(id),
    message_id             TEXT NOT NULL REFERENCES exchange_messages(id),
    wet                    TEXT NOT NULL CHECK (wet IN ('wmo', 'jw')),
    aanbieder_agb          TEXT NOT NULL,
    declaratienummer       TEXT NOT NULL DEFAULT '',
    referentienummer       TEXT NOT NULL,
    vorig_referentienummer TEXT NOT NULL DEFAULT '',
    begin_datum            TEXT NOT NULL,
    eind_datum             TEXT NOT NULL, -- inclusive, as in the message
    volume                 INTEGER NOT NULL,
    eenheid                TEXT NOT NULL DEFAULT '',
    tarief_cents           INTEGER NOT NULL,
    bedrag_cents           INTEGER NOT NULL, -- signed: credit is negative
    created_at             TEXT NOT NULL,
    UNIQUE (gemeente, wet, aanbieder_agb, referentienummer, begin_datum),
    CHECK (begin_datum <= eind_datum)
);
INSERT INTO claims SELECT * FROM claims_0009;
DROP TABLE claims_0009;
CREATE INDEX claims_provision ON claims(provision_id, begin_datum);
CREATE INDEX claims_household ON claims(household_id);
CREATE INDEX claims_person ON claims(person_id);
