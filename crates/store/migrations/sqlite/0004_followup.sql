-- Follow-up ("xã bám thôn, thôn bám hộ"): supporters — members of the party cell, unions and
-- associations — assigned to households, and the visits they make.
CREATE TABLE supporter (
    id INTEGER PRIMARY KEY,
    full_name TEXT NOT NULL,
    organisation TEXT NOT NULL,
    commune_code TEXT NOT NULL,
    phone TEXT,
    user_id INTEGER UNIQUE REFERENCES app_user (id),
    created_at TEXT NOT NULL
);
CREATE INDEX supporter_commune ON supporter (commune_code);

CREATE TABLE assignment (
    id INTEGER PRIMARY KEY,
    supporter_id INTEGER NOT NULL REFERENCES supporter (id),
    household_id INTEGER NOT NULL REFERENCES household (id),
    from_date TEXT NOT NULL,
    to_date TEXT,
    reason TEXT NOT NULL
);
CREATE INDEX assignment_household ON assignment (household_id);
CREATE INDEX assignment_supporter ON assignment (supporter_id);

CREATE TABLE visit (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES household (id),
    supporter_id INTEGER REFERENCES supporter (id),
    visited_on TEXT NOT NULL,
    found TEXT NOT NULL,
    advised TEXT NOT NULL,
    next_steps TEXT NOT NULL,
    next_due TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX visit_household ON visit (household_id, visited_on);
