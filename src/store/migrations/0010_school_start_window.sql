-- The school year's start-of-year data window (Thanh Hóa Art. 7(6): "số liệu đầu năm
-- học", due before 20/9): regime.window_kind may now be 'school_start'.
--
-- SQLite cannot change a CHECK constraint in place, so the table is rebuilt inside the
-- migration's transaction. Foreign keys stay on (they cannot be switched off inside a
-- transaction): they are deferred to the commit, the rows are set aside, the table is
-- dropped (which counts a deferred violation for every row referring to a regime) and
-- created anew, and putting the rows back with their ids settles every one of those
-- violations before the commit checks them. `SELECT *` both ways makes the copy fail
-- loudly, not drop a column, if the table ever has columns this file does not name.
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE regime_0010 AS SELECT * FROM regime;

DROP TABLE regime;

CREATE TABLE regime (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    type           TEXT NOT NULL CHECK (type IN ('periodic','thematic','adhoc')),
    content        TEXT,                    -- nội dung báo cáo
    legal_basis    TEXT,                    -- văn bản quy định
    method         TEXT,                    -- phương thức gửi, nhận
    form_code      TEXT NOT NULL,
    frequency      TEXT,                    -- period type, periodic regimes only
    window_kind    TEXT NOT NULL DEFAULT 'nd09' CHECK (window_kind IN ('nd09','calendar','school_start')),
    deadline_rule  TEXT,                    -- periodic: a rule as data
    period_label   TEXT,                    -- thematic/ad hoc: the one period's id
    window_start   TEXT,
    window_end     TEXT,
    deadline_at    TEXT,
    lead_unit_id   INTEGER NOT NULL REFERENCES unit(id),
    receivers      TEXT,                    -- JSON array of usernames
    status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','retired')),
    created_at     TEXT NOT NULL
);

INSERT INTO regime SELECT * FROM regime_0010;

DROP TABLE regime_0010;
