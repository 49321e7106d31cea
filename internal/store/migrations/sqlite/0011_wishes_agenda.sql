-- The wijk's own voice, part 2: the wensboom (wishes, supports, follows,
-- reports, answers and their history) and the wijkagenda (items with
-- milestones, budget and a public history).
--
-- A wish outlives its author's account: author and report/history actors are
-- ON DELETE SET NULL (the wish shows "een oud-bewoner"); a deleted account's
-- supports and follows disappear (ON DELETE CASCADE).

-- A gemeente's own answer statuses; none: the defaults in participation.
CREATE TABLE wish_statuses (
    gemeente        TEXT NOT NULL REFERENCES tenants(gemeente),
    code            TEXT NOT NULL,
    label           TEXT NOT NULL,
    reason_required INTEGER NOT NULL DEFAULT 0,
    closed          INTEGER NOT NULL DEFAULT 0,
    position        INTEGER NOT NULL,
    PRIMARY KEY (gemeente, code)
);

CREATE TABLE wishes (
    id            TEXT PRIMARY KEY,
    gemeente      TEXT NOT NULL REFERENCES tenants(gemeente),
    wijk          TEXT NOT NULL,
    author_id     TEXT REFERENCES users(id) ON DELETE SET NULL,
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    category      TEXT NOT NULL,
    lat           REAL,
    lon           REAL,
    status        TEXT NOT NULL,
    hidden_at     TEXT,
    hidden_reason TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX wishes_wijk ON wishes(wijk, created_at);
CREATE INDEX wishes_author ON wishes(author_id, created_at);

-- One support per resident per wish: the primary key makes supporting twice
-- (also at the same moment) one support.
CREATE TABLE wish_supports (
    wish_id    TEXT NOT NULL REFERENCES wishes(id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (wish_id, user_id)
);
CREATE INDEX wish_supports_user ON wish_supports(user_id);

CREATE TABLE wish_follows (
    wish_id    TEXT NOT NULL REFERENCES wishes(id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (wish_id, user_id)
);
CREATE INDEX wish_follows_user ON wish_follows(user_id);

-- Reports of abuse by residents, for the wijkcoordinator.
CREATE TABLE wish_reports (
    id          TEXT PRIMARY KEY,
    wish_id     TEXT NOT NULL REFERENCES wishes(id) ON DELETE CASCADE,
    user_id     TEXT REFERENCES users(id) ON DELETE SET NULL,
    reason      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    handled_at  TEXT,
    handled_by  TEXT REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX wish_reports_wish ON wish_reports(wish_id);
CREATE INDEX wish_reports_user ON wish_reports(user_id, created_at);

-- The public history of a wish: placed, answers with their status, hidden
-- and shown again, put on the agenda.
CREATE TABLE wish_history (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    wish_id    TEXT NOT NULL REFERENCES wishes(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('geplaatst', 'antwoord', 'verborgen', 'zichtbaar', 'agenda')),
    status     TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL DEFAULT '',
    by_user    TEXT REFERENCES users(id) ON DELETE SET NULL,
    by_name    TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX wish_history_wish ON wish_history(wish_id, id);

CREATE TABLE agenda_items (
    id           TEXT PRIMARY KEY,
    gemeente     TEXT NOT NULL REFERENCES tenants(gemeente),
    wijk         TEXT NOT NULL,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    owner        TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('gepland', 'bezig', 'uitgesteld', 'klaar', 'gestopt')),
    budget_cents INTEGER NOT NULL DEFAULT 0,
    origin       TEXT NOT NULL CHECK (origin IN ('wens', 'wijkanalyse', 'professional', 'wijkbudget')),
    wish_id      TEXT REFERENCES wishes(id) ON DELETE SET NULL,
    created_by   TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX agenda_items_wijk ON agenda_items(wijk, created_at);
CREATE INDEX agenda_items_wish ON agenda_items(wish_id);

CREATE TABLE agenda_milestones (
    id         TEXT PRIMARY KEY,
    item_id    TEXT NOT NULL REFERENCES agenda_items(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    title      TEXT NOT NULL,
    due        TEXT NOT NULL DEFAULT '',
    percent    INTEGER NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 100),
    updated_at TEXT NOT NULL
);
CREATE INDEX agenda_milestones_item ON agenda_milestones(item_id, position);

CREATE TABLE agenda_history (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id    TEXT NOT NULL REFERENCES agenda_items(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    body       TEXT NOT NULL DEFAULT '',
    by_user    TEXT REFERENCES users(id) ON DELETE SET NULL,
    by_name    TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX agenda_history_item ON agenda_history(item_id, id);
