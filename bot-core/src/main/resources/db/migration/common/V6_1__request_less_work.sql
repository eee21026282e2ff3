-- Work that belongs to no request (the scheduled scan's digest card, the monthly eligibility review): its
-- request_id is null. Such items never wait on each other's chain (NULL = NULL is not true), and every existing
-- kind still carries its request id.
ALTER TABLE work_items ALTER COLUMN request_id DROP NOT NULL;
