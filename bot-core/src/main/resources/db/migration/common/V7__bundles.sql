-- Bundles: one request for several (role, scope) pairs. The row keeps the first member's role and scope; every
-- member (role, scope, the rule it was filed under, its assignment id once granted, Azure's refusal if any) is in
-- members_json. (V7, not V6: another change in flight takes V6.)
ALTER TABLE access_requests ADD COLUMN bundle_name VARCHAR(200);
ALTER TABLE access_requests ADD COLUMN members_json VARCHAR;

-- One open grant per principal, role and scope holds for bundle members too: each member of an open bundle holds
-- its key here (the same key as access_requests.open_key), null once the bundle ends. A bundle's own open_key stays
-- null; a single request and a bundle member for the same key are kept apart by a check in the same transaction.
CREATE TABLE request_members (
    request_id   VARCHAR(20)   NOT NULL,
    member_index INTEGER       NOT NULL,
    open_key     VARCHAR(2400),
    PRIMARY KEY (request_id, member_index)
);

CREATE UNIQUE INDEX ux_request_members_open_key ON request_members (open_key);
CREATE INDEX ix_request_members_request ON request_members (request_id);
