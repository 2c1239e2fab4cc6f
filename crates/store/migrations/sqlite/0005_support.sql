-- What helps a household out of poverty, and what it was poor for: causes by year, pairing with a
-- better-off household (kết nghĩa), study tours, the support ledger and loans with repayments.
CREATE TABLE poverty_cause (
    household_id INTEGER NOT NULL REFERENCES household (id),
    year INTEGER NOT NULL,
    cause TEXT NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (household_id, year, cause)
);

CREATE TABLE twinning (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES household (id),
    helper_household_id INTEGER REFERENCES household (id),
    helper_name TEXT NOT NULL,
    from_date TEXT NOT NULL,
    to_date TEXT,
    commitments TEXT NOT NULL
);
CREATE INDEX twinning_household ON twinning (household_id);
CREATE INDEX twinning_helper ON twinning (helper_household_id);

CREATE TABLE twinning_activity (
    id INTEGER PRIMARY KEY,
    twinning_id INTEGER NOT NULL REFERENCES twinning (id),
    on_date TEXT NOT NULL,
    description TEXT NOT NULL
);
CREATE INDEX twinning_activity_twinning ON twinning_activity (twinning_id);

CREATE TABLE study_tour (
    id INTEGER PRIMARY KEY,
    commune_code TEXT NOT NULL,
    held_on TEXT NOT NULL,
    model TEXT NOT NULL,
    organiser TEXT NOT NULL
);
CREATE INDEX study_tour_commune ON study_tour (commune_code, held_on);

CREATE TABLE tour_participant (
    tour_id INTEGER NOT NULL REFERENCES study_tour (id),
    household_id INTEGER NOT NULL REFERENCES household (id),
    plan TEXT NOT NULL,
    PRIMARY KEY (tour_id, household_id)
);
CREATE INDEX tour_participant_household ON tour_participant (household_id);

CREATE TABLE support (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES household (id),
    given_on TEXT NOT NULL,
    programme TEXT NOT NULL,
    project TEXT,
    kind TEXT NOT NULL,
    amount INTEGER,
    quantity INTEGER,
    provider TEXT NOT NULL,
    outcome TEXT,
    outcome_on TEXT
);
CREATE INDEX support_household ON support (household_id, given_on);

CREATE TABLE loan (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES household (id),
    lender TEXT NOT NULL,
    programme TEXT NOT NULL,
    amount INTEGER NOT NULL,
    -- Percent a year in hundredths: 660 is 6.60%.
    rate_bp INTEGER NOT NULL,
    term_months INTEGER NOT NULL,
    disbursed_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    savings_group TEXT NOT NULL,
    entrusted_by TEXT NOT NULL,
    purpose TEXT NOT NULL
);
CREATE INDEX loan_household ON loan (household_id);
CREATE INDEX loan_due ON loan (due_on);

CREATE TABLE repayment (
    id INTEGER PRIMARY KEY,
    loan_id INTEGER NOT NULL REFERENCES loan (id),
    paid_on TEXT NOT NULL,
    amount INTEGER NOT NULL
);
CREATE INDEX repayment_loan ON repayment (loan_id);
