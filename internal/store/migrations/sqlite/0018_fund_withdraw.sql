-- The neighbourhood fund, from the resident's side: an applicant may
-- withdraw an application not yet decided on (concept, ingediend,
-- beoordeeld), with an optional reason. The status 'ingetrokken' is final;
-- nothing is granted, so the four-eyes checks of 0015 do not apply to it.
--
-- SQLite cannot change a CHECK constraint, so fund_applications is rebuilt.
-- Foreign keys stay on inside a migration's transaction, and dropping the
-- old table would cascade into its children (lines, tranches, APKs,
-- reminders). So the children are rebuilt first, pointing at the new
-- table, and the old ones dropped; the final RENAME moves their
-- references along (SQLite 3.26+, legacy_alter_table off).

CREATE TABLE fund_applications_new (
    id              TEXT PRIMARY KEY,
    fund_id         TEXT NOT NULL REFERENCES funds(id),
    gemeente        TEXT NOT NULL REFERENCES tenants(gemeente),
    wijk            TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('concept', 'ingediend', 'beoordeeld', 'toegekend', 'afgewezen', 'afgesloten', 'ingetrokken')),
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
    withdrawn_at    TEXT,
    withdraw_reason TEXT NOT NULL DEFAULT '',
    -- Four eyes, whatever code writes the decision.
    CHECK (decided_by IS NULL OR (reviewed_by IS NOT NULL AND decided_by <> reviewed_by)),
    CHECK (decided_by IS NULL OR applicant_id IS NULL OR decided_by <> applicant_id),
    CHECK (status NOT IN ('toegekend', 'afgewezen', 'afgesloten') OR (decided_by IS NOT NULL AND decision_reason <> '')),
    CHECK (status NOT IN ('toegekend', 'afgesloten') OR granted_cents > 0),
    -- A withdrawn application carries when; no other one does, and it never has a decision.
    CHECK ((status = 'ingetrokken') = (withdrawn_at IS NOT NULL) AND (status <> 'ingetrokken' OR decided_by IS NULL))
);
INSERT INTO fund_applications_new (id, fund_id, gemeente, wijk, status, title, what, for_whom, goal, own_cents, own_in_kind, public_consent,
    applicant_id, created_at, submitted_at, advice, review_text, reviewed_by, reviewed_at, granted_cents, decision_reason, decided_by,
    decided_at, final_note, closed_at)
SELECT id, fund_id, gemeente, wijk, status, title, what, for_whom, goal, own_cents, own_in_kind, public_consent,
    applicant_id, created_at, submitted_at, advice, review_text, reviewed_by, reviewed_at, granted_cents, decision_reason, decided_by,
    decided_at, final_note, closed_at FROM fund_applications;

CREATE TABLE fund_lines_new (
    application_id TEXT NOT NULL REFERENCES fund_applications_new(id) ON DELETE CASCADE,
    pos            INTEGER NOT NULL,
    description    TEXT NOT NULL,
    amount_cents   INTEGER NOT NULL CHECK (amount_cents > 0),
    spent_cents    INTEGER NOT NULL DEFAULT 0 CHECK (spent_cents >= 0),
    note           TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (application_id, pos)
);
INSERT INTO fund_lines_new SELECT application_id, pos, description, amount_cents, spent_cents, note FROM fund_lines;

CREATE TABLE fund_tranches_new (
    application_id TEXT NOT NULL REFERENCES fund_applications_new(id) ON DELETE CASCADE,
    pos            INTEGER NOT NULL,
    label          TEXT NOT NULL,
    amount_cents   INTEGER NOT NULL CHECK (amount_cents > 0),
    paid_by        TEXT REFERENCES users(id),
    paid_at        TEXT,
    PRIMARY KEY (application_id, pos)
);
INSERT INTO fund_tranches_new SELECT application_id, pos, label, amount_cents, paid_by, paid_at FROM fund_tranches;

CREATE TABLE fund_apks_new (
    application_id TEXT NOT NULL REFERENCES fund_applications_new(id) ON DELETE CASCADE,
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
INSERT INTO fund_apks_new SELECT application_id, pos, due_on, answered_at, on_course, course, partners, still_needed, needed FROM fund_apks;

CREATE TABLE fund_reminders_new (
    application_id TEXT NOT NULL REFERENCES fund_applications_new(id) ON DELETE CASCADE,
    pos            INTEGER NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('due', 'overdue')),
    sent_at        TEXT NOT NULL,
    PRIMARY KEY (application_id, pos, kind)
);
INSERT INTO fund_reminders_new SELECT application_id, pos, kind, sent_at FROM fund_reminders;

-- Children first: dropping them cascades nowhere; then the old parent has
-- nothing left to cascade into.
DROP TABLE fund_reminders;
DROP TABLE fund_apks;
DROP TABLE fund_tranches;
DROP TABLE fund_lines;
DROP TABLE fund_applications;

ALTER TABLE fund_applications_new RENAME TO fund_applications;
ALTER TABLE fund_lines_new RENAME TO fund_lines;
ALTER TABLE fund_tranches_new RENAME TO fund_tranches;
ALTER TABLE fund_apks_new RENAME TO fund_apks;
ALTER TABLE fund_reminders_new RENAME TO fund_reminders;

CREATE INDEX fund_applications_fund ON fund_applications(fund_id, status);
CREATE INDEX fund_applications_applicant ON fund_applications(applicant_id);
CREATE INDEX fund_applications_wijk ON fund_applications(wijk, status);
CREATE INDEX fund_apks_due ON fund_apks(due_on) WHERE answered_at IS NULL;
