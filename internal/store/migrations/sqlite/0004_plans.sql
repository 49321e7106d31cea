-- Plans: the date a version was drawn up (a plan made on paper last week is
-- entered with that date; goals and the agreement are dated against it),
-- and an index for the worklist's overdue goals.
ALTER TABLE plans ADD COLUMN datum TEXT;
CREATE INDEX plan_goals_open ON plan_goals(gemeente, status, streefdatum);
CREATE INDEX plans_household_status ON plans(household_id, status);
CREATE INDEX evaluations_plan ON evaluations(plan_id);
