-- Burgerkracht, part 1: the neighbourhood fund. A gemeente runs funds (a
-- yearly budget, a maximum per initiative, the wijken it covers); residents
-- apply with budget lines; a civil servant reviews and a second one decides
-- (four eyes, checked here too: the decider is never the reviewer nor the
-- applicant). Granted money goes out in tranches, the initiative has
-- periodic check-ups (APK) and closes with a final account per budget line.
-- The sum granted never exceeds the fund's budget: decisions run one at a
-- time under the fund's lock (store/fund.go). A deleted resident's
-- application stays (granted money is accountable) without the applicant.

CREATE TABLE funds (
    id           TEXT PRIMARY KEY,
    gemeente     TEXT NOT NULL REFERENCES tenants(gemeente),
    name         TEXT NOT NULL,
    year         INTEGER NOT NULL,
    budget_cents INTEGER NOT NULL CHECK (budget_cents > 0),
    max_cents    INTEGER NOT NULL CHECK (max_cents > 0),
    criteria     TEXT NOT NULL DEFAULT '',
    apk_months   INTEGER NOT NULL DEFAULT 3 CHECK (apk_months BETWEEN 1 AND 12),
    tranches     INTEGER NOT NULL DEFAULT 2 CHECK (tranches BETWEEN 1 AND 6),
    created_by   TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX funds_gemeente ON funds(gemeente, year);

CREATE TABLE fund_wijken (
    fund_id TEXT NOT NULL REFERENCES funds(id) ON DELETE CASCADE,
    wijk    TEXT NOT NULL,
    PRIMARY KEY (fund_id, wijk)
);
CREATE INDEX fund_wijken_wijk ON fund_wijken(wijk);

CREATE TABLE fund_applications (
    id              TEXT PRIMARY KEY,
    fund_id         TEXT NOT NULL REFERENCES funds(id),
    gemeente        TEXT NOT NULL REFERENCES tenants(gemeente),
    wijk            TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('concept', 'ingediend', 'beoordeeld', 'toegekend', 'afgewezen', 'afgesloten')),
    title           TEXT NOT NULL,
    what            TEXT NOT NULL DEFAULT '',
    for_whom        TEXT NOT NULL DEFAULT '',
    goal            TEXT NOT NULL DEFAULT '',
    own_cents       INTEGER NOT NULL DEFAULT 0 CHECK (own_cents >= 0),
    own_in_kind     TEXT NOT NULL DEFAULT '',
    public_consent  INTEGER NOT NULL DEFAULT 0,
    applicant_id    TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    submitted_at    TEXT,
    advice          TEXT NOT NULL DEFAULT '' CHECK (advice IN ('', 'toekennen', 'afwijzen', 'aanpassen')),
    review_text     TEXT NOT NULL DEFAULT '',
    reviewed_by     TEXT REFERENCES users(id),
    reviewed_at     TEXT,
    granted_cents   INTEGER NOT NULL DEFAULT 0 CHECK (granted_cents >= 0),
    decision_reason TEXT NOT NULL DEFAULT '',
    decided_by      TEXT REFERENCES users(id),
    decided_at      TEXT,
    final_note      TEXT NOT NULL DEFAULT '',
    closed_at       TEXT,
    -- Four eyes, whatever code writes the decision.
    CHECK (decided_by IS NULL OR (reviewed_by IS NOT NULL AND decided_by <> reviewed_by)),
    CHECK (decided_by IS NULL OR applicant_id IS NULL OR decided_by <> applicant_id),
    CHECK (status NOT IN ('toegekend', 'afgewezen', 'afgesloten') OR (decided_by IS NOT NULL AND decision_reason <> '')),
    CHECK (status NOT IN ('toegekend', 'afgesloten') OR granted_cents > 0)
);
CREATE INDEX fund_applications_fund ON fund_applications(fund_id, status);
CREATE INDEX fund_applications_applicant ON fund_applications(applicant_id);
CREATE INDEX fund_applications_wijk ON fund_applications(wijk, status);

CREATE TABLE fund_lines (
    application_id TEXT NOT NULL REFERENCES fund_applications(id) ON DELETE CASCADE,
    pos            INTEGER NOT NULL,
    description    TEXT NOT NULL,
    amount_cents   INTEGER NOT NULL CHECK (amount_cents > 0),
    spent_cents    INTEGER NOT NULL DEFAULT 0 CHECK (spent_cents >= 0),
    note           TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (application_id, pos)
);

CREATE TABLE fund_tranches (
    application_id TEXT NOT NULL REFERENCES fund_applications(id) ON DELETE CASCADE,
    pos            INTEGER NOT NULL,
    label          TEXT NOT NULL,
    amount_cents   INTEGER NOT NULL CHECK (amount_cents > 0),
    paid_by        TEXT REFERENCES users(id),
    paid_at        TEXT,
    PRIMARY KEY (application_id, pos)
);

CREATE TABLE fund_apks (
    application_id TEXT NOT NULL REFERENCES fund_applications(id) ON DELETE CASCADE,
    pos            INTEGER NOT NULL,
    due_on         TEXT NOT NULL,
    answered_at    TEXT,
    on_course      INTEGER NOT NULL DEFAULT 0,
    course         TEXT NOT NULL DEFAULT '',
    partners       TEXT NOT NULL DEFAULT '',
    still_needed   INTEGER NOT NULL DEFAULT 0,
    needed         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (application_id, pos)
);
CREATE INDEX fund_apks_due ON fund_apks(due_on) WHERE answered_at IS NULL;

-- Each APK reminder goes out once: 'due' on the day, 'overdue' two weeks later.
CREATE TABLE fund_reminders (
    application_id TEXT NOT NULL REFERENCES fund_applications(id) ON DELETE CASCADE,
    pos            INTEGER NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('due', 'overdue')),
    sent_at        TEXT NOT NULL,
    PRIMARY KEY (application_id, pos, kind)
);
