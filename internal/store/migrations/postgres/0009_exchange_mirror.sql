-- Exchange (issue 5): naober mirrors the message traffic, it does not
-- refuse it. An allocation number the gemeente's system gave two clients
-- becomes one provision per client, so a provision is identified by
-- gemeente, law, allocation number and person. A declaration may use one
-- reference for lines of different periods, so a claim is identified by
-- gemeente, law, provider, reference and the begin of its period.
DROP INDEX provisions_toewijzing;
CREATE UNIQUE INDEX provisions_toewijzing ON provisions(gemeente, wet, toewijzingnummer, person_id) WHERE toewijzingnummer <> '';

ALTER TABLE claims DROP CONSTRAINT claims_gemeente_wet_aanbieder_agb_referentienummer_key;
ALTER TABLE claims ADD CONSTRAINT claims_referentie UNIQUE (gemeente, wet, aanbieder_agb, referentienummer, begin_datum);
