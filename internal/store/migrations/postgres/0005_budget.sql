-- The maatwerk budget: a wijk belongs to at most one team, so the budget a
-- household's spend comes from is never ambiguous (CBS wijk codes are
-- unique across gemeenten, so one index on the code suffices).
CREATE UNIQUE INDEX team_wijken_one_team ON team_wijken(wijk);
-- Requests waiting for a decision, per gemeente.
CREATE INDEX spends_open ON spends(gemeente, status);
