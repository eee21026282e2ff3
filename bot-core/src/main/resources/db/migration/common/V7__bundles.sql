-- Bundles: one request for several (role, scope) pairs. The row keeps the first member's role and scope; every
-- member (role, scope, the rule it was filed under, its assignment id once granted, Azure's refusal if any) is in
-- members_json. (V7, not V6: another change in flight takes V6.)
ALTER TABLE access_requests ADD COLUMN bundle_name VARCHAR(200);
ALTER TABLE access_requests ADD COLUMN members_json VARCHAR;

-- One open grant per principal, role and scope, across single requests and bundle members: every open request
-- holds the key of each grant it makes here (a single request one, a bundle one per member; the same key as
-- access_requests.open_key), null once it ends, under one unique index. A bundle's own open_key stays null.
CREATE TABLE request_members (
    request_id   VARCHAR(20)   NOT NULL,
    member_index INTEGER       NOT NULL,
    open_key     VARCHAR(2400),
    PRIMARY KEY (request_id, member_index)
);

CREATE UNIQUE INDEX ux_request_members_open_key ON request_members (open_key);
CREATE INDEX ix_request_members_request ON request_members (request_id);

INSERT INTO request_members (request_id, member_index, open_key)
SELECT id, 0, open_key FROM access_requests WHERE open_key IS NOT NULL;
