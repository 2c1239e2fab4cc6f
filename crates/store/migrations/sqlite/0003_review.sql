-- The annual review's records (Decision 24/2021/QĐ-TTg): village meetings, households' requests
-- (form 01 in the periodic review, form 04 any month), and the review's progress.
ALTER TABLE review ADD COLUMN posted_on TEXT;
ALTER TABLE review ADD COLUMN decision_id INTEGER REFERENCES decision (id);

CREATE TABLE village_meeting (
    id INTEGER PRIMARY KEY,
    review_id INTEGER NOT NULL REFERENCES review (id),
    village_code TEXT NOT NULL,
    held_on TEXT NOT NULL,
    attendees INTEGER NOT NULL,
    agreeing INTEGER NOT NULL,
    minutes TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX village_meeting_review ON village_meeting (review_id, village_code);

CREATE TABLE review_request (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES household (id),
    year INTEGER NOT NULL,
    form TEXT NOT NULL,
    received_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    reason TEXT NOT NULL,
    resolved_on TEXT
);
CREATE INDEX review_request_household ON review_request (household_id, year);
