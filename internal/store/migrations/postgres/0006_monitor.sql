-- The monitor follows the change log per household: every change names the
-- household whose indicators it may affect (NULL: none, e.g. a signal not
-- yet linked to a household, or a person who is nobody's member yet).
-- Change ids commit in id order: writers append their changes at the end of
-- their transaction under a transaction-scoped advisory lock (store.Tx).
ALTER TABLE changes ADD COLUMN household_id TEXT;
