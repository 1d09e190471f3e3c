-- Delegated approval of the figures (Ninh Bình Art. 10(2b): a data-entry account
-- "Duyệt số liệu đối với những biểu mẫu mình phụ trách (nếu được ủy quyền)"). The
-- unit's leader or unit administrator delegates, for one regime, the data-approval step
-- of the unit's reports to one of the unit's data-entry accounts. A row is a standing
-- delegation; removing it ends it (both are in the audit log).
CREATE TABLE data_approval_delegation (
    regime_id  INTEGER NOT NULL REFERENCES regime(id),
    unit_id    INTEGER NOT NULL REFERENCES unit(id),
    account_id INTEGER NOT NULL REFERENCES account(id),
    granted_at TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    PRIMARY KEY (regime_id, unit_id, account_id)
);
