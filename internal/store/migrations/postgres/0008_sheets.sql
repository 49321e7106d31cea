-- Spreadsheet import (issue 5): the column mapping saved per source, and
-- for idempotency which record each key of a source made. Keys and row
-- fingerprints are keyed hashes: the table holds no personal data.

CREATE TABLE sheet_mappings (
    gemeente   TEXT NOT NULL REFERENCES tenants(gemeente),
    source     TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('personen', 'voorzieningen')),
    mapping    TEXT NOT NULL,
    key_column TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (gemeente, source, kind)
);

CREATE TABLE sheet_keys (
    gemeente    TEXT NOT NULL REFERENCES tenants(gemeente),
    source      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    key_hash    TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    run_id      TEXT NOT NULL,
    line        INTEGER NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (gemeente, source, kind, key_hash)
);
CREATE INDEX sheet_keys_record ON sheet_keys(record_id);
