-- The wijk's own voice, part 4: meetings. Wijk meetings (organised by a
-- wijkcoordinator of the wijk, for residents of the gemeente) and network
-- meetings (a netwerkcafé: organised by beleid of one gemeente, open to
-- professionals of any gemeente). Status holds gepland or afgelast;
-- "afgelopen" follows from ends_at. The agenda is one point a line, in order.

CREATE TABLE meetings (
    id            TEXT PRIMARY KEY,
    gemeente      TEXT NOT NULL REFERENCES tenants(gemeente),
    kind          TEXT NOT NULL CHECK (kind IN ('wijk', 'netwerk')),
    wijk          TEXT NOT NULL DEFAULT '',
    title         TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    starts_at     TIMESTAMPTZ NOT NULL,
    ends_at       TIMESTAMPTZ NOT NULL,
    place         TEXT NOT NULL DEFAULT '',
    online_url    TEXT NOT NULL DEFAULT '',
    agenda        TEXT NOT NULL DEFAULT '',
    capacity      INTEGER NOT NULL DEFAULT 0 CHECK (capacity >= 0),
    status        TEXT NOT NULL DEFAULT 'gepland' CHECK (status IN ('gepland', 'afgelast')),
    cancel_reason TEXT NOT NULL DEFAULT '',
    report        TEXT NOT NULL DEFAULT '',
    report_at     TIMESTAMPTZ,
    sequence      INTEGER NOT NULL DEFAULT 0,
    created_by    TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    CHECK (place <> '' OR online_url <> ''),
    CHECK (ends_at > starts_at),
    CHECK (kind <> 'wijk' OR wijk <> ''),
    CHECK (status <> 'afgelast' OR cancel_reason <> '')
);
CREATE INDEX meetings_wijk ON meetings(wijk, starts_at);
CREATE INDEX meetings_kind ON meetings(kind, starts_at);

-- One registration per person per meeting (primary key). seq is the order
-- of arrival within the meeting: the waiting list is served by it. Rows
-- go with the account (ON DELETE CASCADE), but the account deletion hook
-- cancels them first so the waiting list moves up.
CREATE TABLE meeting_registrations (
    meeting_id  TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('aangemeld', 'wachtlijst')),
    created_at  TIMESTAMPTZ NOT NULL,
    moved_up_at TIMESTAMPTZ,
    reminded_at TIMESTAMPTZ,
    PRIMARY KEY (meeting_id, user_id),
    UNIQUE (meeting_id, seq)
);
CREATE INDEX meeting_registrations_user ON meeting_registrations(user_id);

-- The personal calendar feed: a secret link per user, stored as a hash.
CREATE TABLE meeting_feeds (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL
);
