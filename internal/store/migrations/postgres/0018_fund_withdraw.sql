-- The neighbourhood fund, from the resident's side: an applicant may
-- withdraw an application not yet decided on (concept, ingediend,
-- beoordeeld), with an optional reason. The status 'ingetrokken' is final;
-- nothing is granted, so the four-eyes checks of 0015 do not apply to it.

ALTER TABLE fund_applications DROP CONSTRAINT fund_applications_status_check;
ALTER TABLE fund_applications ADD CONSTRAINT fund_applications_status_check
    CHECK (status IN ('concept', 'ingediend', 'beoordeeld', 'toegekend', 'afgewezen', 'afgesloten', 'ingetrokken'));
ALTER TABLE fund_applications ADD COLUMN withdrawn_at TIMESTAMPTZ;
ALTER TABLE fund_applications ADD COLUMN withdraw_reason TEXT NOT NULL DEFAULT '';
-- A withdrawn application carries when; no other one does, and it never has a decision.
ALTER TABLE fund_applications ADD CONSTRAINT fund_applications_withdrawn_check
    CHECK ((status = 'ingetrokken') = (withdrawn_at IS NOT NULL) AND (status <> 'ingetrokken' OR decided_by IS NULL));
