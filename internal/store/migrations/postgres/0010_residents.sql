-- The wijk's own voice, part 1: residents' accounts, wijkcoordinators and the
-- outbox for e-mail. A resident is a users row without roles plus a residents
-- profile: e-mail, display name and an address that places them in a wijk
-- (no BSN, no DigiD). Professionals keep their users rows with roles.

-- A new role that moderates and answers for the wijken in coordinator_wijken.
ALTER TABLE user_roles DROP CONSTRAINT user_roles_role_check;
ALTER TABLE user_roles ADD CONSTRAINT user_roles_role_check CHECK (role IN ('regisseur', 'teamleider', 'beleid', 'beheer', 'melder', 'wijkcoordinator'));

CREATE TABLE coordinator_wijken (
    user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    gemeente TEXT NOT NULL REFERENCES tenants(gemeente),
    wijk     TEXT NOT NULL,
    PRIMARY KEY (user_id, wijk)
);
CREATE INDEX coordinator_wijken_wijk ON coordinator_wijken(wijk);

CREATE TABLE residents (
    user_id      TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    gemeente     TEXT NOT NULL REFERENCES tenants(gemeente),
    wijk         TEXT NOT NULL,
    buurt        TEXT NOT NULL DEFAULT '',
    display_name TEXT NOT NULL,
    postcode     TEXT NOT NULL,
    huisnummer   INTEGER NOT NULL,
    toevoeging   TEXT NOT NULL DEFAULT '',
    notify       TEXT NOT NULL DEFAULT 'direct' CHECK (notify IN ('direct', 'digest', 'none')),
    verified_at  TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX residents_wijk ON residents(wijk);

-- One-time links sent by e-mail (verify the address, set a new password).
CREATE TABLE email_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('verify', 'reset')),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX email_tokens_user ON email_tokens(user_id);

-- E-mail waiting to be sent (or kept for beheer when no SMTP server is set).
-- digest = 1: held for the recipient's daily digest.
CREATE TABLE outbox (
    id         TEXT PRIMARY KEY,
    gemeente   TEXT NOT NULL,
    user_id    TEXT REFERENCES users(id) ON DELETE CASCADE,
    to_addr    TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    digest     INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    sent_at    TIMESTAMPTZ,
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_pending ON outbox(sent_at, created_at);
