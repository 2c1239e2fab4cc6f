-- The registry: reference units, villages, households, members, events, surveys, classifications,
-- decisions, reviews and the append-only audit trail. Rows holding a household's data carry its
-- household_id so a distributed deployment can co-locate them.
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE admin_unit (
    id INTEGER PRIMARY KEY,
    level TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent_code TEXT,
    valid_from TEXT,
    valid_to TEXT
);
CREATE INDEX admin_unit_code ON admin_unit (level, code);

CREATE TABLE unit_succession (
    level TEXT NOT NULL,
    from_code TEXT NOT NULL,
    to_code TEXT NOT NULL,
    effective TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    is_default INTEGER NOT NULL
);

CREATE TABLE village (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT,
    commune_code TEXT NOT NULL,
    invented INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX village_commune ON village (commune_code);

CREATE TABLE household (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    village_id INTEGER NOT NULL REFERENCES village (id)
);
CREATE INDEX household_village ON household (village_id);

CREATE TABLE person (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES household (id),
    person_no INTEGER NOT NULL,
    full_name TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    sex TEXT NOT NULL,
    birth_year INTEGER NOT NULL,
    ethnicity TEXT NOT NULL,
    citizen_id TEXT,
    relation TEXT NOT NULL,
    UNIQUE (household_id, person_no)
);
CREATE INDEX person_name ON person (name_folded);
CREATE INDEX person_citizen_id ON person (citizen_id);

CREATE TABLE household_event (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES household (id),
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    other_household_code TEXT,
    UNIQUE (household_id, year, kind)
);

CREATE TABLE survey (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES household (id),
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    province_code TEXT NOT NULL,
    commune_code TEXT NOT NULL,
    village_id INTEGER NOT NULL REFERENCES village (id),
    area TEXT NOT NULL,
    agricultural INTEGER NOT NULL,
    head_ethnicity TEXT NOT NULL,
    members INTEGER NOT NULL,
    income_per_capita INTEGER,
    b1_score INTEGER,
    deprived INTEGER NOT NULL,
    standard TEXT NOT NULL,
    source TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    UNIQUE (household_id, year, kind)
);
CREATE INDEX survey_year ON survey (year, commune_code);

CREATE TABLE decision (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    signer TEXT NOT NULL,
    commune_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    kind TEXT NOT NULL
);

CREATE TABLE classification (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES household (id),
    year INTEGER NOT NULL,
    standard TEXT NOT NULL,
    class TEXT NOT NULL,
    n_deprived INTEGER NOT NULL,
    deprived INTEGER NOT NULL,
    rule TEXT NOT NULL,
    decided_class TEXT,
    decision_id INTEGER REFERENCES decision (id),
    UNIQUE (household_id, year, standard)
);
CREATE INDEX classification_year ON classification (year);

CREATE TABLE review (
    id INTEGER PRIMARY KEY,
    commune_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    opened_on TEXT NOT NULL,
    UNIQUE (commune_code, year, kind)
);

CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    before TEXT,
    after TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
