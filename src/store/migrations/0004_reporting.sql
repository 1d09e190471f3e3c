-- Reporting: regimes (chế độ báo cáo), assignments, reception windows, reports with
-- revisions, values, transitions, attachments, and the senders' public keys.
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
    window_kind    TEXT NOT NULL DEFAULT 'nd09' CHECK (window_kind IN ('nd09','calendar')),
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

CREATE TABLE assignment (
    id         INTEGER PRIMARY KEY,
    ref        TEXT NOT NULL UNIQUE,        -- REGIME/UNIT, the audited key
    regime_id  INTEGER NOT NULL REFERENCES regime(id),
    unit_id    INTEGER NOT NULL REFERENCES unit(id),
    rows       TEXT,                        -- JSON array of row keys, NULL = all
    columns    TEXT,                        -- JSON array of column keys, NULL = all
    active     INTEGER NOT NULL DEFAULT 1,
    changed_at TEXT NOT NULL
);
CREATE INDEX assignment_regime ON assignment(regime_id, active);

CREATE TABLE reception_window (
    id        INTEGER PRIMARY KEY,
    regime_id INTEGER NOT NULL REFERENCES regime(id),
    period    TEXT NOT NULL,
    unit_id   INTEGER REFERENCES unit(id),  -- NULL: every unit
    action    TEXT NOT NULL CHECK (action IN ('open','close')),
    until     TEXT,                          -- an extended deadline, with open
    reason    TEXT NOT NULL,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL
);
CREATE INDEX reception_window_key ON reception_window(regime_id, period);

CREATE TABLE report (
    id        INTEGER PRIMARY KEY,
    regime_id INTEGER NOT NULL REFERENCES regime(id),
    unit_id   INTEGER NOT NULL REFERENCES unit(id),
    period    TEXT NOT NULL,
    UNIQUE (regime_id, unit_id, period)
);

CREATE TABLE revision (
    id            INTEGER PRIMARY KEY,
    ref           TEXT NOT NULL UNIQUE,      -- REGIME/UNIT/PERIOD#N, the audited key
    report_id     INTEGER NOT NULL REFERENCES report(id),
    number        INTEGER NOT NULL,
    form_code     TEXT NOT NULL,
    form_version  INTEGER NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('draft','pending_approval','approved','sent','accepted','returned','superseded')),
    values_digest TEXT NOT NULL,             -- SHA-256 of the stored values
    narrative     TEXT,
    warnings      TEXT,                      -- JSON array of soft warnings
    created_at    TEXT NOT NULL,
    sent_at       TEXT,
    deadline      TEXT,                      -- the effective deadline it was judged by
    timeliness    TEXT CHECK (timeliness IN ('on_time','late')),
    channel       TEXT CHECK (channel IN ('system','offline')),
    offline_doc   TEXT,
    signature     TEXT,
    signed_by     TEXT,
    key_id        INTEGER,
    UNIQUE (report_id, number)
);

CREATE TABLE value (
    revision_id INTEGER NOT NULL REFERENCES revision(id),
    row_key     TEXT NOT NULL,
    column_key  TEXT NOT NULL,
    num         TEXT,                        -- an exact decimal as typed
    txt         TEXT,
    PRIMARY KEY (revision_id, row_key, column_key)
) WITHOUT ROWID;

CREATE TABLE transition (
    id          INTEGER PRIMARY KEY,
    revision_id INTEGER NOT NULL REFERENCES revision(id),
    action      TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL,
    comment     TEXT
);
CREATE INDEX transition_revision ON transition(revision_id);

CREATE TABLE attachment (
    id          INTEGER PRIMARY KEY,
    revision_id INTEGER NOT NULL REFERENCES revision(id),
    name        TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    size        INTEGER NOT NULL,
    content     BLOB NOT NULL,
    added_at    TEXT NOT NULL
);

CREATE TABLE account_key (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES account(id),
    public_key TEXT NOT NULL,                -- Ed25519, hex
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
