-- Regimes that change over time (Bắc Ninh Art. 10(3), Đồng Tháp Art. 21(1): sửa đổi,
-- bổ sung, bãi bỏ by a decision) and thematic or ad hoc regimes with many requests
-- (Ninh Bình Art. 14(2–3), Thái Bình Art. 10(1)).
--
-- regime_version: the rules in force from a period on. Every regime has its original
-- version (from_period NULL: from the beginning); `regime update` appends one. A period
-- is judged by the last version whose from_period is at or before it, so the past keeps
-- the rules it had. The regime row keeps the newest rules, for compatibility.
CREATE TABLE regime_version (
    id             INTEGER PRIMARY KEY,
    regime_id      INTEGER NOT NULL REFERENCES regime(id),
    seq            INTEGER NOT NULL,
    from_period    TEXT,                    -- NULL: from the beginning
    kind           TEXT NOT NULL CHECK (kind IN ('original','amend','supplement','abolish')),
    window_kind    TEXT NOT NULL,
    deadline_rule  TEXT,
    lead_unit_id   INTEGER NOT NULL REFERENCES unit(id),
    form_code      TEXT NOT NULL,
    receivers      TEXT,                    -- JSON array of usernames
    decision       TEXT,                    -- the deciding document (số, ngày quyết định)
    reason         TEXT,
    actor          TEXT,
    at             TEXT NOT NULL,
    UNIQUE (regime_id, seq)
);

INSERT INTO regime_version(regime_id, seq, from_period, kind, window_kind, deadline_rule, lead_unit_id,
                           form_code, receivers, decision, reason, actor, at)
SELECT id, 0, NULL, 'original', window_kind, deadline_rule, lead_unit_id, form_code, receivers,
       legal_basis, NULL, NULL, created_at
FROM regime;

-- regime_request: one request (yêu cầu báo cáo) of a thematic or ad hoc regime, a period
-- of its own for the workflow and monitoring. units NULL: every assigned unit.
CREATE TABLE regime_request (
    id            INTEGER PRIMARY KEY,
    regime_id     INTEGER NOT NULL REFERENCES regime(id),
    period        TEXT NOT NULL,
    window_start  TEXT NOT NULL,
    window_end    TEXT NOT NULL,
    deadline_at   TEXT NOT NULL,
    units         TEXT,                     -- JSON array of unit codes, NULL = all assigned
    reason        TEXT,
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','cancelled')),
    actor         TEXT,
    at            TEXT NOT NULL,
    UNIQUE (regime_id, period)
);

-- The one period of an existing thematic or ad hoc regime is its first request.
INSERT INTO regime_request(regime_id, period, window_start, window_end, deadline_at, units, reason, status, actor, at)
SELECT id, period_label, window_start, window_end, deadline_at, NULL, NULL, 'active', NULL, created_at
FROM regime WHERE period_label IS NOT NULL AND window_start IS NOT NULL AND window_end IS NOT NULL
    AND deadline_at IS NOT NULL;
