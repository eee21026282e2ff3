-- A request checks the grantee's open requests (one open grant per principal, role and scope).
CREATE INDEX ix_requests_principal_state ON access_requests (principal_id, state);
