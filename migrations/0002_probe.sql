-- The diagnostic probe role's results: one row per completed probe. A plain primary key, so
-- that a duplicated effect would fail loudly instead of hiding.
CREATE TABLE probe_results (
    id text PRIMARY KEY,
    attempts int NOT NULL,
    completed_at timestamptz NOT NULL DEFAULT now()
);
