-- Recognition of households that escape poverty and of those who helped them: nominees proposed
-- from the review decision, confirmed or removed by an officer, and the commune's decision that
-- awards the certificates of merit, with the day of the village ceremony.
CREATE TABLE recognition_decision (
    id INTEGER PRIMARY KEY,
    commune_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    number TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    committee TEXT NOT NULL,
    ceremony_on TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (commune_code, year)
);

CREATE TABLE nominee (
    id INTEGER PRIMARY KEY,
    commune_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    -- The household that escaped; for a helper, the household it helped.
    household_id INTEGER NOT NULL REFERENCES household (id),
    kind TEXT NOT NULL,
    supporter_id INTEGER REFERENCES supporter (id),
    helper_household_id INTEGER REFERENCES household (id),
    name TEXT NOT NULL,
    organisation TEXT,
    from_class TEXT NOT NULL,
    to_class TEXT NOT NULL,
    -- Visits made in the year (a supporter) or pairing activities (a paired household).
    visits INTEGER NOT NULL,
    -- Support items the household received in the year.
    support INTEGER NOT NULL,
    -- Days assigned or paired in the year.
    days INTEGER NOT NULL,
    status TEXT NOT NULL,
    decision_id INTEGER REFERENCES recognition_decision (id)
);
CREATE INDEX nominee_year ON nominee (commune_code, year);
CREATE INDEX nominee_household ON nominee (household_id);
