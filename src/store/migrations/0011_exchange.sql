-- Exchange documents received (`exchange import`): each once, by its identity (the
-- digest of everything its signature covers and the signature), with the document
-- kept as it came; and the senders' public keys seen, so a key that changes for the
-- same sender and key id is noticed.
CREATE TABLE exchange_document (
    id              TEXT PRIMARY KEY,
    document_type   TEXT NOT NULL,
    sender_system   TEXT NOT NULL,
    sender_unit     TEXT NOT NULL,
    receiver_system TEXT NOT NULL,
    receiver_unit   TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    content_digest  TEXT NOT NULL,
    key_id          INTEGER NOT NULL,
    public_key      TEXT NOT NULL,
    imported_at     TEXT NOT NULL,
    imported_by     TEXT NOT NULL,
    document        TEXT NOT NULL
);

CREATE TABLE exchange_peer_key (
    sender_system TEXT NOT NULL,
    sender_unit   TEXT NOT NULL,
    key_id        INTEGER NOT NULL,
    public_key    TEXT NOT NULL,
    first_seen    TEXT NOT NULL,
    PRIMARY KEY (sender_system, sender_unit, key_id)
);

-- A lead unit's aggregate approved and sent upward (`aggregate approve|send`): one row
-- per revision, the content as approved (what is sent is exactly that), its digest,
-- and the signed document once sent; the transitions as for reports.
CREATE TABLE aggregate_revision (
    id             INTEGER PRIMARY KEY,
    regime_id      INTEGER NOT NULL REFERENCES regime(id),
    period         TEXT NOT NULL,
    number         INTEGER NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('approved', 'sent')),
    content        TEXT NOT NULL,
    content_digest TEXT NOT NULL,
    approved_by    TEXT NOT NULL,
    approved_at    TEXT NOT NULL,
    sent_by        TEXT,
    sent_at        TEXT,
    key_id         INTEGER,
    document       TEXT,
    UNIQUE (regime_id, period, number)
);

CREATE TABLE aggregate_transition (
    id          INTEGER PRIMARY KEY,
    revision_id INTEGER NOT NULL REFERENCES aggregate_revision(id),
    action      TEXT NOT NULL,
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL,
    comment     TEXT
);
