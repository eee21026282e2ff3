-- Break-glass grants: granted without approval, flagged so they are kept apart, and reviewed afterwards by someone
-- other than the requester (who, when, with what note). Null review columns on a break-glass row mean unreviewed.
ALTER TABLE access_requests ADD COLUMN break_glass BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE access_requests ADD COLUMN reviewed_by_json VARCHAR(2000);
ALTER TABLE access_requests ADD COLUMN reviewed_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE access_requests ADD COLUMN review_note VARCHAR(4000);
CREATE INDEX ix_requests_break_glass ON access_requests (break_glass, created_at);
