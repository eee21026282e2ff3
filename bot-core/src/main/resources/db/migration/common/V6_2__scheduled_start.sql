-- A request "from" a later time: approval may come before the start, which is checked again when it comes
-- (state SCHEDULED); start_zone is the time zone the start was read in and is shown back in (IANA id or UTC).
ALTER TABLE access_requests ADD COLUMN starts_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE access_requests ADD COLUMN start_zone VARCHAR(64);
