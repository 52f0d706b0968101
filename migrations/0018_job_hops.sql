-- How many workflow steps in a row led to a job: 0 for a job a person or a producer started,
-- n + 1 for one started (through the job API, or an event and an automation) by a step of a
-- job with n. A workflow's http step sends it on as Switchyard-Hop, and the API refuses a
-- request at 8, so a workflow that triggers itself stops after 8 rounds.
ALTER TABLE jobs ADD COLUMN hops smallint NOT NULL DEFAULT 0 CHECK (hops >= 0);
