-- Foundation: tenants, users and access, persons and households, audit log,
-- and the change log the monitor follows.

CREATE TABLE tenants (
    gemeente   TEXT PRIMARY KEY CHECK (length(gemeente) = 6 AND gemeente LIKE 'GM%'),
    naam       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);

CREATE TABLE user_roles (
    user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    gemeente TEXT NOT NULL REFERENCES tenants(gemeente),
    role     TEXT NOT NULL CHECK (role IN ('regisseur', 'teamleider', 'beleid', 'beheer')),
    PRIMARY KEY (user_id, gemeente, role)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    last_used_at TEXT
);

CREATE TABLE buurten (
    code      TEXT PRIMARY KEY,
    wijk      TEXT NOT NULL,
    gemeente  TEXT NOT NULL,
    naam      TEXT NOT NULL,
    synthetic INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX buurten_wijk ON buurten(wijk);

-- Address to area: a postcode with a range of house numbers lies in one buurt/wijk.
CREATE TABLE postcode_areas (
    postcode       TEXT NOT NULL,
    huisnummer_van INTEGER NOT NULL,
    huisnummer_tot INTEGER NOT NULL,
    gemeente       TEXT NOT NULL,
    wijk           TEXT NOT NULL,
    buurt          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (postcode, huisnummer_van)
);

CREATE TABLE persons (
    id             TEXT PRIMARY KEY,
    gemeente       TEXT NOT NULL REFERENCES tenants(gemeente),
    bsn_enc        TEXT NOT NULL,
    bsn_hash       TEXT NOT NULL,
    voornamen      TEXT NOT NULL,
    tussenvoegsel  TEXT NOT NULL DEFAULT '',
    achternaam     TEXT NOT NULL,
    naam_zoek      TEXT NOT NULL,
    geboortedatum  TEXT NOT NULL,
    geslacht       TEXT NOT NULL CHECK (geslacht IN ('man', 'vrouw', 'onbekend')),
    bron           TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (gemeente, bsn_hash)
);
CREATE INDEX persons_naam ON persons(gemeente, naam_zoek);

CREATE TABLE households (
    id          TEXT PRIMARY KEY,
    gemeente    TEXT NOT NULL REFERENCES tenants(gemeente),
    postcode    TEXT NOT NULL,
    huisnummer  INTEGER NOT NULL,
    toevoeging  TEXT NOT NULL DEFAULT '',
    wijk        TEXT NOT NULL,
    buurt       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX households_address ON households(gemeente, postcode, huisnummer);
CREATE INDEX households_wijk ON households(gemeente, wijk);

CREATE TABLE household_members (
    id           TEXT PRIMARY KEY,
    gemeente     TEXT NOT NULL REFERENCES tenants(gemeente),
    household_id TEXT NOT NULL REFERENCES households(id),
    person_id    TEXT NOT NULL REFERENCES persons(id),
    rol          TEXT NOT NULL CHECK (rol IN ('ouder', 'partner', 'kind', 'overig')),
    start_date   TEXT NOT NULL,
    end_date     TEXT,
    UNIQUE (household_id, person_id, start_date)
);
CREATE INDEX household_members_person ON household_members(person_id);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    user_email  TEXT NOT NULL,
    role        TEXT NOT NULL,
    gemeente    TEXT NOT NULL,
    action      TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    purpose     TEXT NOT NULL
);
CREATE INDEX audit_log_gemeente ON audit_log(gemeente, id);
CREATE INDEX audit_log_record ON audit_log(record_id);

-- The application may only append to the audit log.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- Ordered log of changes to tenant data, which the monitor index follows.
CREATE TABLE changes (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    gemeente  TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    op        TEXT NOT NULL
);
