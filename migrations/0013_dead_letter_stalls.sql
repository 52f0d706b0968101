-- Quorum queues whose dead-letter backlog (`messages_dlx`) stopped moving, as the `dead-letters`
-- role's watch saw them, and what it did about it. One row per queue; `cleared_at` is set once
-- the backlog moves again. `switchyard queues` reads it; a claim on `last_recovery_at` lets one
-- of several watching processes recover a queue at a time.
CREATE TABLE dead_letter_stalls (
    vhost text NOT NULL,
    queue text NOT NULL,
    messages_dlx int NOT NULL,
    leader text,
    stalled_since timestamptz NOT NULL,
    observed_at timestamptz NOT NULL,
    recoveries int NOT NULL DEFAULT 0,
    last_recovery_at timestamptz,
    last_recovery text,
    cleared_at timestamptz,
    PRIMARY KEY (vhost, queue)
);
