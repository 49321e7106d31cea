-- Search before you create: when a second household is started at an
-- address where one already lives (kamerbewoning, a parent moving into a
-- granny flat), the confirmation and its reason are kept, so a colleague
-- can see why two files exist.
CREATE TABLE household_confirmations (
    household_id TEXT PRIMARY KEY REFERENCES households(id),
    gemeente     TEXT NOT NULL REFERENCES tenants(gemeente),
    existing_id  TEXT NOT NULL REFERENCES households(id),
    veld         TEXT NOT NULL CHECK (veld IN ('adres', 'bsn')),
    reden        TEXT NOT NULL,
    by_user      TEXT NOT NULL REFERENCES users(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX household_confirmations_existing ON household_confirmations(existing_id);

-- The reporter's own list, newest first.
CREATE INDEX signals_reporter_created ON signals(reporter_id, created_at);
