-- The operator console: operators (people who run the fleet, not tenants), their signed-in
-- sessions, and the audit log of what they did.

-- An operator's token is `syop_` and 43 base64url characters, stored only as its SHA-256,
-- shown once by `switchyard operators create NAME`.
CREATE TABLE operators (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL UNIQUE,
    token_hash bytea NOT NULL UNIQUE,
    prefix text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

-- A console sign-in: the cookie holds the session secret, the table only its SHA-256. A revoked
-- operator's sessions stop working at once (the lookup joins operators).
CREATE TABLE operator_sessions (
    secret_hash bytea PRIMARY KEY,
    operator_id uuid NOT NULL REFERENCES operators (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);

CREATE INDEX operator_sessions_expiry ON operator_sessions (expires_at);

-- Every state-changing action taken in the console (and who took it): replay, purge, sign-in,
-- sign-out. `affected` is how many things it changed; `detail` what was selected and what came of it.
CREATE TABLE operator_actions (
    id bigserial PRIMARY KEY,
    operator_id uuid REFERENCES operators (id),
    operator_name text NOT NULL,
    action text NOT NULL,
    affected int NOT NULL DEFAULT 0,
    detail jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX operator_actions_created ON operator_actions (created_at);
