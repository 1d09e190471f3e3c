-- Indexes for the queries cron and auditors run most: grants by account, requests by
-- account, the audit log by actor and by time.
CREATE INDEX role_grant_account ON role_grant(account_id);
CREATE INDEX request_account ON request(account_id);
CREATE INDEX audit_actor ON audit_log(actor, id);
CREATE INDEX audit_at ON audit_log(at);
CREATE INDEX session_account ON session(account_id);
