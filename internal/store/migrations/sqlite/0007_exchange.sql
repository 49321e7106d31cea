-- Exchange (issue 5): iJw/iWmo messages applied to persons and provisions.

-- A person known only by BSN (a client in a 323 declaration) has no birth
-- date: geboortedatum becomes nullable (NULL = onbekend); unknown names are
-- stored as ''. SQLite cannot drop NOT NULL, so the table is rebuilt; the
-- foreign keys that point at persons are checked at commit.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE persons_0007 AS SELECT * FROM persons;
DROP TABLE persons;
CREATE TABLE persons (
    id             TEXT PRIMARY KEY,
    gemeente       TEXT NOT NULL REFERENCES tenants(gemeente),
    bsn_enc        TEXT NOT NULL,
    bsn_hash       TEXT NOT NULL,
    voornamen      TEXT NOT NULL,
    tussenvoegsel  TEXT NOT NULL DEFAULT '',
    achternaam     TEXT NOT NULL,
    naam_zoek      TEXT NOT NULL,
    geboortedatum  TEXT,
    geslacht       TEXT NOT NULL CHECK (geslacht IN ('man', 'vrouw', 'onbekend')),
    bron           TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (gemeente, bsn_hash)
);
INSERT INTO persons SELECT * FROM persons_0007;
DROP TABLE persons_0007;
CREATE INDEX persons_naam ON persons(gemeente, naam_zoek);

-- Every message applied (or recognised), for idempotency and the history
-- page. resultaat is the import summary (counts, no personal data).
CREATE TABLE exchange_messages (
    id            TEXT PRIMARY KEY,
    gemeente      TEXT NOT NULL REFERENCES tenants(gemeente),
    standaard     TEXT NOT NULL CHECK (standaard IN ('ijw', 'iwmo')),
    code          TEXT NOT NULL,
    afzender      TEXT NOT NULL,
    identificatie TEXT NOT NULL,
    dagtekening   TEXT,
    bestand       TEXT NOT NULL DEFAULT '',
    sha256        TEXT NOT NULL DEFAULT '',
    resultaat     TEXT NOT NULL DEFAULT '',
    imported_at   TEXT NOT NULL,
    imported_by   TEXT NOT NULL REFERENCES users(id),
    UNIQUE (gemeente, standaard, code, afzender, identificatie)
);
CREATE INDEX exchange_messages_recent ON exchange_messages(gemeente, imported_at);

-- Provisions from the exchange: allocation number, provider reference,
-- actual start/end (305/307), the iStandaard end reason code, budget, and
-- where the provision came from (handmatig, berichtenverkeer, ...).
ALTER TABLE provisions ADD COLUMN toewijzingnummer TEXT NOT NULL DEFAULT '';
ALTER TABLE provisions ADD COLUMN referentie_aanbieder TEXT NOT NULL DEFAULT '';
ALTER TABLE provisions ADD COLUMN toewijzingsdatum TEXT;
ALTER TABLE provisions ADD COLUMN werkelijke_start TEXT;
ALTER TABLE provisions ADD COLUMN werkelijke_eind TEXT;
ALTER TABLE provisions ADD COLUMN reden_beeindiging TEXT NOT NULL DEFAULT '';
ALTER TABLE provisions ADD COLUMN budget_cents INTEGER;
ALTER TABLE provisions ADD COLUMN bron TEXT NOT NULL DEFAULT 'handmatig';
CREATE UNIQUE INDEX provisions_toewijzing ON provisions(gemeente, wet, toewijzingnummer) WHERE toewijzingnummer <> '';

-- Declared care (323 Prestatie lines): the real cost of a provision per period.
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
    UNIQUE (gemeente, wet, aanbieder_agb, referentienummer),
    CHECK (begin_datum <= eind_datum)
);
CREATE INDEX claims_provision ON claims(provision_id, begin_datum);
CREATE INDEX claims_household ON claims(household_id);
CREATE INDEX claims_person ON claims(person_id);

-- The user imports from the command line are recorded as (never logs in).
INSERT INTO users (id, email, name, password_hash, disabled, created_at)
VALUES ('systeem-uitwisseling', 'uitwisseling@systeem.naober', 'Berichtenverkeer (systeem)', '', 1, '2026-01-01T00:00:00.000000Z');
