-- Voor elkaar: requests for help and offers of help between neighbours,
-- matches that release contact details only when both sides accepted,
-- feedback after the help, reports for the wijkcoordinator, and
-- prescriptions: a regisseur's plan action turned into a request.
--
-- help_requests and help_offers hold no link to a household: only
-- help_prescriptions does, and only professionals who may read the
-- household read that table. A request outlives its author's account
-- (author_id ON DELETE SET NULL, text and contact wiped by the delete
-- hook); an offer goes with its author.

CREATE TABLE help_requests (
    id              TEXT PRIMARY KEY,
    gemeente        TEXT NOT NULL REFERENCES tenants(gemeente),
    wijk            TEXT NOT NULL,
    author_id       TEXT REFERENCES users(id) ON DELETE SET NULL,
    first_name      TEXT NOT NULL,
    category        TEXT NOT NULL,
    days            TEXT NOT NULL,
    parts           TEXT NOT NULL,
    on_date         DATE,
    body            TEXT NOT NULL,
    vog_required    INTEGER NOT NULL DEFAULT 0,
    via_coordinator INTEGER NOT NULL DEFAULT 0,
    origin          TEXT NOT NULL CHECK (origin IN ('bewoner', 'coordinator', 'voorschrift')),
    contact         TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('open', 'matched', 'done', 'closed')),
    close_reason    TEXT NOT NULL DEFAULT '',
    hidden_at       TIMESTAMPTZ,
    hidden_reason   TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    matched_at      TIMESTAMPTZ,
    done_at         TIMESTAMPTZ
);
CREATE INDEX help_requests_wijk ON help_requests(gemeente, wijk, status, created_at);
CREATE INDEX help_requests_author ON help_requests(author_id, created_at);

CREATE TABLE help_offers (
    id            TEXT PRIMARY KEY,
    gemeente      TEXT NOT NULL REFERENCES tenants(gemeente),
    author_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    first_name    TEXT NOT NULL,
    categories    TEXT NOT NULL,
    days          TEXT NOT NULL,
    parts         TEXT NOT NULL,
    wijken        TEXT NOT NULL,
    body          TEXT NOT NULL,
    vog           INTEGER NOT NULL DEFAULT 0,
    vog_date      DATE,
    contact       TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    hidden_at     TIMESTAMPTZ,
    hidden_reason TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX help_offers_gemeente ON help_offers(gemeente, status, created_at);
CREATE INDEX help_offers_author ON help_offers(author_id, created_at);

-- The wijken of an offer, for finding the offers of one wijk.
CREATE TABLE help_offer_wijken (
    offer_id TEXT NOT NULL REFERENCES help_offers(id) ON DELETE CASCADE,
    wijk     TEXT NOT NULL,
    PRIMARY KEY (offer_id, wijk)
);
CREATE INDEX help_offer_wijken_wijk ON help_offer_wijken(wijk);

-- One match per request and offer: proposing twice is one proposal.
CREATE TABLE help_matches (
    id          TEXT PRIMARY KEY,
    gemeente    TEXT NOT NULL REFERENCES tenants(gemeente),
    request_id  TEXT NOT NULL REFERENCES help_requests(id) ON DELETE CASCADE,
    offer_id    TEXT NOT NULL REFERENCES help_offers(id) ON DELETE CASCADE,
    status      TEXT NOT NULL CHECK (status IN ('voorgesteld', 'geaccepteerd', 'afgewezen', 'gestopt')),
    request_ok  INTEGER NOT NULL DEFAULT 0,
    offer_ok    INTEGER NOT NULL DEFAULT 0,
    by_coordinator INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMPTZ NOT NULL,
    accepted_at TIMESTAMPTZ,
    decided_at  TIMESTAMPTZ,
    UNIQUE (request_id, offer_id)
);
CREATE INDEX help_matches_offer ON help_matches(offer_id);

CREATE TABLE help_feedback (
    match_id   TEXT NOT NULL REFERENCES help_matches(id) ON DELETE CASCADE,
    side       TEXT NOT NULL CHECK (side IN ('vraag', 'aanbod')),
    rating     INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
    body       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (match_id, side)
);

CREATE TABLE help_reports (
    id         TEXT PRIMARY KEY,
    gemeente   TEXT NOT NULL REFERENCES tenants(gemeente),
    wijk       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('vraag', 'aanbod')),
    target_id  TEXT NOT NULL,
    user_id    TEXT REFERENCES users(id) ON DELETE SET NULL,
    reason     TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    handled_at TIMESTAMPTZ,
    handled_by TEXT REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX help_reports_open ON help_reports(gemeente, wijk, handled_at);
CREATE INDEX help_reports_user ON help_reports(user_id, created_at);

CREATE TABLE help_prescriptions (
    request_id     TEXT PRIMARY KEY REFERENCES help_requests(id) ON DELETE CASCADE,
    gemeente       TEXT NOT NULL REFERENCES tenants(gemeente),
    household_id   TEXT NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    plan_action_id TEXT NOT NULL DEFAULT '',
    action_text    TEXT NOT NULL DEFAULT '',
    consent_date   DATE NOT NULL,
    consent_how    TEXT NOT NULL,
    created_by     TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX help_prescriptions_household ON help_prescriptions(household_id);
