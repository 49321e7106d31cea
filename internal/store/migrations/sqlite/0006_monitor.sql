-- The monitor follows the change log per household: every change names the
-- household whose indicators it may affect (NULL: none, e.g. a signal not
-- yet linked to a household, or a person who is nobody's member yet).
ALTER TABLE changes ADD COLUMN household_id TEXT;
