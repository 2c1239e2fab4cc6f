-- Accounts and sessions. A user's scope is a unit in force today (province or commune) or, for a
-- village head, a village code; a supporter's scope comes from assignments.
CREATE TABLE app_user (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    scope_code TEXT,
    created_at TEXT NOT NULL
);

-- Only a hash of each session token is kept: a stolen database opens no session.
CREATE TABLE app_session (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES app_user (id),
    kind TEXT NOT NULL,
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX app_session_user ON app_session (user_id);
CREATE INDEX person_household ON person (household_id, relation);
CREATE INDEX classification_household ON classification (household_id, year);
CREATE INDEX audit_entity ON audit (entity_key);
