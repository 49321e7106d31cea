-- The wijk's own voice, part 3: the wijkbudget vote (participatory budgeting).
-- A gemeente sets aside an amount for a wijk; projects are proposed, reviewed
-- by civil servants (feasible or not, with a written reason), and voted on by
-- the verified residents of the wijk. Ballots are secret: they are stored
-- under a keyed pseudonym of the voter (HMAC with a key from the key file,
-- scoped to the vote), never under a user id, and carry no time, so nobody
-- with the database alone (beheer included) can tell how a named resident
-- voted. A deleted account's ballot stays counted: it was never linked.

CREATE TABLE wijkbudgets (
    id              TEXT PRIMARY KEY,
    gemeente        TEXT NOT NULL REFERENCES tenants(gemeente),
    wijk            TEXT NOT NULL,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    amount_cents    BIGINT NOT NULL CHECK (amount_cents > 0),
    rule            TEXT NOT NULL CHECK (rule IN ('knapsack', 'approve')),
    max_choices     INTEGER NOT NULL DEFAULT 0 CHECK (max_choices >= 0),
    phase           TEXT NOT NULL CHECK (phase IN ('voorstellen', 'beoordeling', 'stemmen', 'uitslag')),
    proposals_until DATE,
    vote_from       DATE,
    vote_until      DATE,
    published_at    TIMESTAMPTZ,
    ballots_counted INTEGER NOT NULL DEFAULT 0,
    created_by      TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX wijkbudgets_wijk ON wijkbudgets(wijk, created_at);
CREATE INDEX wijkbudgets_gemeente ON wijkbudgets(gemeente, phase);

CREATE TABLE wijkbudget_projects (
    id                 TEXT PRIMARY KEY,
    budget_id          TEXT NOT NULL REFERENCES wijkbudgets(id) ON DELETE CASCADE,
    title              TEXT NOT NULL,
    description        TEXT NOT NULL,
    cost_cents         BIGINT NOT NULL CHECK (cost_cents > 0),
    review             TEXT NOT NULL DEFAULT '' CHECK (review IN ('', 'haalbaar', 'niet_haalbaar')),
    reason             TEXT NOT NULL DEFAULT '',
    reviewed_cost_cents BIGINT NOT NULL DEFAULT 0 CHECK (reviewed_cost_cents >= 0),
    reviewed_by        TEXT REFERENCES users(id) ON DELETE SET NULL,
    reviewed_at        TIMESTAMPTZ,
    -- The published result: votes and whether the project won.
    votes              INTEGER NOT NULL DEFAULT 0,
    winner             INTEGER NOT NULL DEFAULT 0,
    agenda_item_id     TEXT,
    proposed_by        TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    -- A project not feasible always says why.
    CHECK (review <> 'niet_haalbaar' OR reason <> ''),
    CHECK (review <> 'haalbaar' OR reviewed_cost_cents > 0)
);
CREATE INDEX wijkbudget_projects_budget ON wijkbudget_projects(budget_id, created_at);

-- One ballot per voter per vote, enforced here. voter is the keyed pseudonym.
CREATE TABLE ballots (
    budget_id TEXT NOT NULL REFERENCES wijkbudgets(id) ON DELETE CASCADE,
    voter     TEXT NOT NULL,
    version   INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (budget_id, voter)
);

CREATE TABLE ballot_choices (
    budget_id  TEXT NOT NULL,
    voter      TEXT NOT NULL,
    project_id TEXT NOT NULL REFERENCES wijkbudget_projects(id) ON DELETE CASCADE,
    PRIMARY KEY (budget_id, voter, project_id),
    FOREIGN KEY (budget_id, voter) REFERENCES ballots(budget_id, voter) ON DELETE CASCADE
);

-- Paper ballots: entered by one wijkcoordinator, counted only once a second
-- one has confirmed them (four eyes; never the same person).
CREATE TABLE paper_ballots (
    id           TEXT PRIMARY KEY,
    budget_id    TEXT NOT NULL REFERENCES wijkbudgets(id) ON DELETE CASCADE,
    entered_by   TEXT NOT NULL,
    entered_at   TIMESTAMPTZ NOT NULL,
    confirmed_by TEXT,
    confirmed_at TIMESTAMPTZ,
    CHECK (confirmed_by IS NULL OR confirmed_by <> entered_by)
);
CREATE INDEX paper_ballots_budget ON paper_ballots(budget_id, confirmed_at);

CREATE TABLE paper_ballot_choices (
    paper_id   TEXT NOT NULL REFERENCES paper_ballots(id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES wijkbudget_projects(id) ON DELETE CASCADE,
    PRIMARY KEY (paper_id, project_id)
);
