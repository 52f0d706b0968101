-- A probe's effects are counted instead of refused: a second effect for the same probe (a
-- duplicate the inbox failed to absorb) raises `effects` to 2, where the fault suite and the
-- delivery tests count it. A unique violation would only have turned it into retries and a
-- dead letter, which the fault suite can't tell from a real failure.
ALTER TABLE probe_results ADD COLUMN effects int NOT NULL DEFAULT 1;
