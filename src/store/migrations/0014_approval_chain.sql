-- Approval chains per regime (Thanh Hóa Art. 12(2) "thiết lập ... quy trình báo cáo",
-- Art. 13 the "kiểm tra" account group; Ninh Bình Art. 10(1b–c), 10(2a), 12(3) and Đồng
-- Tháp Art. 15(3): approving the figures apart from approving the report).
--
-- Two new revision statuses (pending_check, pending_data_approval) and the checker
-- role. Both CHECKs are loosened in place (SQLite's documented writable_schema
-- procedure, as 0009 did): existing rows satisfy them, the tables, their other columns
-- and their rows' audit digests are unchanged.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, '(status IN (''draft'',''pending_approval'',', '(status IN (''draft'',''pending_check'',''pending_data_approval'',''pending_approval'',')
 WHERE type = 'table' AND name = 'revision';
UPDATE sqlite_schema
   SET sql = replace(sql, '''data_entry'',''sender'',''viewer''', '''data_entry'',''checker'',''sender'',''viewer''')
 WHERE type = 'table' AND name = 'role_grant';
PRAGMA writable_schema = RESET;

-- A regime's chain, when it is not the default single approval ('approve'). Its own
-- table so the regime table itself is untouched.
CREATE TABLE regime_approval (
    regime_id INTEGER PRIMARY KEY REFERENCES regime(id),
    steps     TEXT NOT NULL CHECK (steps IN ('approve','check,approve','data,report','check,data,report')),
    set_at    TEXT NOT NULL,
    set_by    TEXT NOT NULL
);

-- The chain a revision was submitted under, so a chain changed meanwhile does not move
-- revisions in flight: they finish the steps they started with. No row: 'approve'.
CREATE TABLE revision_chain (
    revision_id INTEGER PRIMARY KEY REFERENCES revision(id),
    steps       TEXT NOT NULL CHECK (steps IN ('approve','check,approve','data,report','check,data,report'))
);
