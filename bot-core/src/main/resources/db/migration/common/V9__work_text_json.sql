-- A notification's words as segments (StoredText JSON: people, commands, times), beside the plain sentence in
-- body. body keeps what the previous release wrote and reads there, so replicas of both releases can share the
-- outbox during a rolling upgrade or a rollback; this release reads text_json first, and body when it is null
-- (rows an older replica wrote).
ALTER TABLE work_items ADD COLUMN text_json VARCHAR;
