-- Operators' marks on archived dead letters: who replayed one last, and discarding (kept for
-- audit, no longer offered for replay).
ALTER TABLE dead_letters
    ADD COLUMN replayed_by text,
    ADD COLUMN discarded_at timestamptz;

CREATE INDEX dead_letters_archived ON dead_letters (archived_at);
