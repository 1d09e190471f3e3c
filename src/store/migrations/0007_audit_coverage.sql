-- The audit trail covers password history, form rows, workflow transitions, attachments
-- and sessions (src/store/audit.rs: AUDITED, AUDITED_GROUPS). Their digests are read per
-- owner: index the owner columns. The baseline entries for rows that existed before this
-- migration are written by `store::audit::baseline_0007`, right after it.
CREATE INDEX IF NOT EXISTS password_history_account ON password_history(account_id);
CREATE INDEX IF NOT EXISTS attachment_revision ON attachment(revision_id);
