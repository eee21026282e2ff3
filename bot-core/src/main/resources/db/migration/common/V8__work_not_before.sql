-- When a work item was first due (a reminder a day ahead, a break-glass review reminder): retries move due_at, and a
-- chat item is given up 24 h after it was first due, not after it was written.
ALTER TABLE work_items ADD COLUMN not_before TIMESTAMP WITH TIME ZONE;
