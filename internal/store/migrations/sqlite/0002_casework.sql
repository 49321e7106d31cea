-- Integral case work: teams, signals, cases with one regisseur, ZRM
-- assessments, plans with goals and actions, provisions, client profiles,
-- the maatwerk budget with spends, notes and evaluations.

-- A new role for partner organisations that only report signals.
CREATE TABLE user_roles_new (
    user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    gemeente TEXT NOT NULL REFERENCES tenants(gemeente),
    role     TEXT NOT NULL CHECK (role IN ('regisseur', 'teamleider', 'beleid', 'beheer', 'melder')),
    PRIMARY KEY (user_id, gemeente, role)
);
INSERT INTO user_roles_new SELECT user_id, gemeente, role FROM user_roles;
DROP TABLE user_roles;
ALTER TABLE user_roles_new RENAME TO user_roles;

CREATE TABLE teams (
    id         TEXT PRIMARY KEY,
    gemeente   TEXT NOT NULL REFERENCES tenants(gemeente),
    naam       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (gemeente, naam)
);
CREATE TABLE team_wijken (
    team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    wijk    TEXT NOT NULL,
    PRIMARY KEY (team_id, wijk)
);
CREATE TABLE team_members (
    team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, user_id)
);

CREATE TABLE signals (
    id            TEXT PRIMARY KEY,
    gemeente      TEXT NOT NULL REFERENCES tenants(gemeente),
    wijk          TEXT NOT NULL,
    postcode      TEXT NOT NULL,
    huisnummer    INTEGER NOT NULL,
    toevoeging    TEXT NOT NULL DEFAULT '',
    naam          TEXT NOT NULL DEFAULT '',
    bron          TEXT NOT NULL,
    wat           TEXT NOT NULL,
    domeinen      TEXT NOT NULL,
    urgentie      TEXT NOT NULL CHECK (urgentie IN ('laag', 'normaal', 'hoog', 'acuut')),
    bewoner_weet  INTEGER NOT NULL,
    bewoner_akkoord INTEGER NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('nieuw', 'gekoppeld', 'nieuw_huishouden', 'doorverwezen', 'gesloten')),
    reden         TEXT NOT NULL DEFAULT '',
    household_id  TEXT REFERENCES households(id),
    reporter_id   TEXT NOT NULL REFERENCES users(id),
    triaged_by    TEXT REFERENCES users(id),
    triaged_at    TEXT,
    created_at    TEXT NOT NULL
);
CREATE INDEX signals_inbox ON signals(gemeente, wijk, status);
CREATE INDEX signals_reporter ON signals(reporter_id);
CREATE INDEX signals_household ON signals(household_id);

-- A case is a period in which the team works with a household; an active
-- case has exactly one regisseur.
CREATE TABLE cases (
    id           TEXT PRIMARY KEY,
    gemeente     TEXT NOT NULL REFERENCES tenants(gemeente),
    household_id TEXT NOT NULL REFERENCES households(id),
    regisseur_id TEXT NOT NULL REFERENCES users(id),
    status       TEXT NOT NULL CHECK (status IN ('actief', 'afgesloten')),
    opened_at    TEXT NOT NULL,
    closed_at    TEXT,
    close_reason TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX cases_one_active ON cases(household_id) WHERE status = 'actief';
CREATE INDEX cases_regisseur ON cases(gemeente, regisseur_id, status);

CREATE TABLE handovers (
    id        TEXT PRIMARY KEY,
    gemeente  TEXT NOT NULL REFERENCES tenants(gemeente),
    case_id   TEXT NOT NULL REFERENCES cases(id),
    from_user TEXT NOT NULL REFERENCES users(id),
    to_user   TEXT NOT NULL REFERENCES users(id),
    note      TEXT NOT NULL,
    by_user   TEXT NOT NULL REFERENCES users(id),
    at        TEXT NOT NULL
);
CREATE INDEX handovers_case ON handovers(case_id);

CREATE TABLE assessments (
    id           TEXT PRIMARY KEY,
    gemeente     TEXT NOT NULL REFERENCES tenants(gemeente),
    person_id    TEXT NOT NULL REFERENCES persons(id),
    household_id TEXT NOT NULL REFERENCES households(id),
    datum        TEXT NOT NULL,
    toelichting  TEXT NOT NULL DEFAULT '',
    by_user      TEXT NOT NULL REFERENCES users(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX assessments_person ON assessments(person_id, datum);
CREATE INDEX assessments_household ON assessments(household_id);
CREATE TABLE assessment_scores (
    assessment_id TEXT NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    domein        TEXT NOT NULL,
    niveau        INTEGER NOT NULL CHECK (niveau BETWEEN 0 AND 5),
    PRIMARY KEY (assessment_id, domein)
);

CREATE TABLE plans (
    id                  TEXT PRIMARY KEY,
    gemeente            TEXT NOT NULL REFERENCES tenants(gemeente),
    household_id        TEXT NOT NULL REFERENCES households(id),
    versie              INTEGER NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('actueel', 'vervangen', 'afgesloten')),
    akkoord_datum       TEXT,
    akkoord_wijze       TEXT NOT NULL DEFAULT '',
    akkoord_toelichting TEXT NOT NULL DEFAULT '',
    created_by          TEXT NOT NULL REFERENCES users(id),
    created_at          TEXT NOT NULL,
    UNIQUE (household_id, versie)
);
CREATE UNIQUE INDEX plans_one_current ON plans(household_id) WHERE status = 'actueel';

CREATE TABLE plan_goals (
    id          TEXT PRIMARY KEY,
    gemeente    TEXT NOT NULL REFERENCES tenants(gemeente),
    plan_id     TEXT NOT NULL REFERENCES plans(id),
    positie     INTEGER NOT NULL,
    domein      TEXT NOT NULL,
    person_id   TEXT REFERENCES persons(id),
    tekst       TEXT NOT NULL,
    doel_niveau INTEGER NOT NULL CHECK (doel_niveau BETWEEN 1 AND 5),
    streefdatum TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('open', 'bereikt', 'niet_bereikt'))
);
CREATE INDEX plan_goals_plan ON plan_goals(plan_id);

CREATE TABLE plan_actions (
    id       TEXT PRIMARY KEY,
    gemeente TEXT NOT NULL REFERENCES tenants(gemeente),
    goal_id  TEXT NOT NULL REFERENCES plan_goals(id),
    positie  INTEGER NOT NULL,
    tekst    TEXT NOT NULL,
    wie      TEXT NOT NULL CHECK (wie IN ('huishouden', 'netwerk', 'vrijwilliger', 'regisseur', 'aanbieder')),
    wie_naam TEXT NOT NULL DEFAULT '',
    status   TEXT NOT NULL CHECK (status IN ('gepland', 'bezig', 'gedaan', 'gestopt')),
    datum    TEXT
);
CREATE INDEX plan_actions_goal ON plan_actions(goal_id);

CREATE TABLE evaluations (
    id            TEXT PRIMARY KEY,
    gemeente      TEXT NOT NULL REFERENCES tenants(gemeente),
    household_id  TEXT NOT NULL REFERENCES households(id),
    plan_id       TEXT NOT NULL REFERENCES plans(id),
    soort         TEXT NOT NULL CHECK (soort IN ('evaluatie', 'afsluiting')),
    datum         TEXT NOT NULL,
    tevredenheid  INTEGER NOT NULL CHECK (tevredenheid BETWEEN 1 AND 10),
    gezegd        TEXT NOT NULL DEFAULT '',
    doelen_bereikt INTEGER NOT NULL DEFAULT 0,
    doelen_totaal  INTEGER NOT NULL DEFAULT 0,
    by_user       TEXT NOT NULL REFERENCES users(id),
    created_at    TEXT NOT NULL
);
CREATE INDEX evaluations_household ON evaluations(household_id);

CREATE TABLE client_profiles (
    gemeente     TEXT NOT NULL REFERENCES tenants(gemeente),
    code         TEXT NOT NULL,
    naam         TEXT NOT NULL,
    perspectief  TEXT NOT NULL,
    intensiteit  TEXT NOT NULL,
    prijs_cents  INTEGER NOT NULL CHECK (prijs_cents >= 0),
    periode      TEXT NOT NULL CHECK (periode IN ('week', 'maand', 'jaar')),
    PRIMARY KEY (gemeente, code)
);

CREATE TABLE provisions (
    id                TEXT PRIMARY KEY,
    gemeente          TEXT NOT NULL REFERENCES tenants(gemeente),
    person_id         TEXT NOT NULL REFERENCES persons(id),
    household_id      TEXT NOT NULL REFERENCES households(id),
    wet               TEXT NOT NULL CHECK (wet IN ('wmo', 'jw', 'pw', 'wgs', 'voorliggend')),
    categorie         TEXT NOT NULL,
    productcode       TEXT NOT NULL DEFAULT '',
    taakveld          TEXT NOT NULL,
    aanbieder         TEXT NOT NULL DEFAULT '',
    aanbieder_agb     TEXT NOT NULL DEFAULT '',
    start_datum       TEXT NOT NULL,
    eind_datum        TEXT,
    volume            INTEGER,
    eenheid           TEXT NOT NULL DEFAULT '',
    frequentie        TEXT NOT NULL DEFAULT '',
    prijs_cents       INTEGER CHECK (prijs_cents >= 0),
    maandbedrag_cents INTEGER CHECK (maandbedrag_cents >= 0),
    profiel           TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL CHECK (status IN ('aangevraagd', 'toegekend', 'gestart', 'beeindigd')),
    eind_reden        TEXT NOT NULL DEFAULT '',
    toelichting       TEXT NOT NULL DEFAULT '',
    created_by        TEXT NOT NULL REFERENCES users(id),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX provisions_household ON provisions(household_id);
CREATE INDEX provisions_person ON provisions(person_id);
CREATE INDEX provisions_end ON provisions(gemeente, eind_datum);

CREATE TABLE budgets (
    id            TEXT PRIMARY KEY,
    gemeente      TEXT NOT NULL REFERENCES tenants(gemeente),
    team_id       TEXT NOT NULL REFERENCES teams(id),
    jaar          INTEGER NOT NULL,
    bedrag_cents  INTEGER NOT NULL CHECK (bedrag_cents >= 0),
    drempel_cents INTEGER NOT NULL CHECK (drempel_cents >= 0),
    created_at    TEXT NOT NULL,
    UNIQUE (team_id, jaar)
);

CREATE TABLE spends (
    id                      TEXT PRIMARY KEY,
    gemeente                TEXT NOT NULL REFERENCES tenants(gemeente),
    budget_id               TEXT NOT NULL REFERENCES budgets(id),
    household_id            TEXT NOT NULL REFERENCES households(id),
    bedrag_cents            INTEGER NOT NULL CHECK (bedrag_cents > 0),
    doel                    TEXT NOT NULL,
    voorkomt                TEXT NOT NULL,
    verwacht_vermeden_cents INTEGER NOT NULL CHECK (verwacht_vermeden_cents >= 0),
    status                  TEXT NOT NULL CHECK (status IN ('aangevraagd', 'goedgekeurd', 'afgewezen')),
    requested_by            TEXT NOT NULL REFERENCES users(id),
    requested_at            TEXT NOT NULL,
    decided_by              TEXT REFERENCES users(id),
    decided_at              TEXT,
    besluit_reden           TEXT NOT NULL DEFAULT '',
    CHECK (decided_by IS NULL OR decided_by <> requested_by)
);
CREATE INDEX spends_budget ON spends(budget_id, status);
CREATE INDEX spends_household ON spends(household_id);

CREATE TABLE notes (
    id           TEXT PRIMARY KEY,
    gemeente     TEXT NOT NULL REFERENCES tenants(gemeente),
    household_id TEXT NOT NULL REFERENCES households(id),
    tekst        TEXT NOT NULL,
    gevoelig     INTEGER NOT NULL DEFAULT 0,
    author_id    TEXT NOT NULL REFERENCES users(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX notes_household ON notes(household_id);
