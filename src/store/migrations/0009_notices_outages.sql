-- Maintenance notices and outages (Bắc Ninh Art. 9, Đồng Tháp Art. 20(3)); the
-- installation's notice rule lives in meta ('notice_rule', e.g. '3wd' or '10wh').
CREATE TABLE notice (
    id         INTEGER PRIMARY KEY,
    starts_at  TEXT NOT NULL,          -- the planned suspension, RFC 3339
    ends_at    TEXT NOT NULL,
    reason     TEXT NOT NULL,
    rule       TEXT NOT NULL,          -- the notice rule it was checked against
    at         TEXT NOT NULL,          -- when it was announced
    actor      TEXT NOT NULL
);

CREATE TABLE outage (
    id            INTEGER PRIMARY KEY,
    starts_at     TEXT NOT NULL,
    ends_at       TEXT NOT NULL,
    reason        TEXT NOT NULL,
    notice_id     INTEGER REFERENCES notice(id),  -- planned: from this notice
    document      TEXT,                            -- after the fact: the incident's document
    document_date TEXT,
    regime_id     INTEGER REFERENCES regime(id),  -- NULL: the whole system
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,
    CHECK (notice_id IS NOT NULL OR document IS NOT NULL)
);
CREATE INDEX outage_span ON outage(starts_at, ends_at);

-- A report sent within an extension granted after the deadline is `extended` (SPEC §3).
-- Loosening a CHECK in place (SQLite's documented writable_schema procedure): existing
-- rows satisfy it, the table and its rows' audit digests are unchanged.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, '(timeliness IN (''on_time'',''late''))', '(timeliness IN (''on_time'',''extended'',''late''))')
 WHERE type = 'table' AND name = 'revision';
PRAGMA writable_schema = RESET;
