-- Foundation: units, accounts, grants, sign-in, requests, the audit trail, calendar overrides.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE unit (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('province','department','district','commune','central','other')),
    parent_id    INTEGER REFERENCES unit(id),
    status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','dissolved','merged')),
    valid_from   TEXT,
    valid_to     TEXT,
    successor_id INTEGER REFERENCES unit(id),
    note         TEXT
);
CREATE INDEX unit_parent ON unit(parent_id);

-- A merge or dissolution with its legal basis: old unit → successor.
CREATE TABLE unit_lineage (
    id          INTEGER PRIMARY KEY,
    from_unit   INTEGER NOT NULL REFERENCES unit(id),
    to_unit     INTEGER REFERENCES unit(id),
    effective   TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('merge','dissolve')),
    decision    TEXT,
    recorded_at TEXT NOT NULL
);

CREATE TABLE account (
    id                  INTEGER PRIMARY KEY,
    username            TEXT NOT NULL UNIQUE,
    full_name           TEXT NOT NULL,
    email               TEXT,
    phone               TEXT,
    unit_id             INTEGER NOT NULL REFERENCES unit(id),
    status              TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','suspended','locked','closed')),
    status_reason       TEXT,
    password_hash       TEXT NOT NULL,
    password_changed_at TEXT NOT NULL,
    must_change         INTEGER NOT NULL DEFAULT 1,
    created_at          TEXT NOT NULL,
    -- Volatile sign-in bookkeeping: not part of the audited state.
    last_login_at       TEXT,
    failed_attempts     INTEGER NOT NULL DEFAULT 0,
    locked_until        TEXT
);
CREATE INDEX account_unit ON account(unit_id);

CREATE TABLE password_history (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES account(id),
    hash       TEXT NOT NULL,
    changed_at TEXT NOT NULL
);

CREATE TABLE role_grant (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES account(id),
    role       TEXT NOT NULL CHECK (role IN ('sysadmin','unit_admin','aggregator','approver','data_entry','sender','viewer')),
    unit_id    INTEGER NOT NULL REFERENCES unit(id),
    regimes    TEXT,            -- JSON array of regime codes, NULL = all regimes
    granted_at TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by TEXT
);
CREATE UNIQUE INDEX role_grant_active ON role_grant(account_id, role, unit_id) WHERE revoked_at IS NULL;

-- The official request (văn bản đề nghị) behind an account change, for the 1-working-day SLA.
CREATE TABLE request (
    id          INTEGER PRIMARY KEY,
    number      TEXT NOT NULL,
    received_on TEXT NOT NULL,
    handled_at  TEXT NOT NULL,
    action      TEXT NOT NULL,
    account_id  INTEGER REFERENCES account(id),
    actor       TEXT NOT NULL
);

CREATE TABLE session (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES account(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ended_at   TEXT
);

CREATE TABLE api_token (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES account(id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    revoked_at   TEXT,
    last_used_at TEXT
);
CREATE UNIQUE INDEX api_token_name ON api_token(account_id, name) WHERE revoked_at IS NULL;

-- Append-only, hash-chained. `state` is the SHA-256 of the object's audited columns after
-- the change ('-' when the object was removed, NULL for events that change no state).
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    command   TEXT NOT NULL,
    object    TEXT NOT NULL,
    detail    TEXT NOT NULL,
    state     TEXT,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_object ON audit_log(object, id);

CREATE TABLE calendar_override (
    date TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('off','workday')),
    name TEXT NOT NULL
);
