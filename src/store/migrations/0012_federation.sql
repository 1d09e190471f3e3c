-- Federation (issue 16 item 3): a province's aggregate document imported by the
-- national instance is that province's report. The revision keeps the document's rows
-- as its values and, here, the document's components — for every input cell the count
-- of values, their sum (Σ value·weight for a weighted average), the sum of weights and
-- the extremes — so the national aggregate adds the provinces' components instead of
-- their values; and which received document the revision came from.
CREATE TABLE revision_component (
    revision_id INTEGER NOT NULL REFERENCES revision(id),
    row_key     TEXT NOT NULL,
    column_key  TEXT NOT NULL,
    n           INTEGER NOT NULL,
    sum         TEXT NOT NULL,               -- exact decimals as strings
    weights     TEXT NOT NULL,
    min         TEXT,
    max         TEXT,
    overflow    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (revision_id, row_key, column_key)
) WITHOUT ROWID;

CREATE TABLE revision_document (
    revision_id INTEGER PRIMARY KEY REFERENCES revision(id),
    document_id TEXT NOT NULL REFERENCES exchange_document(id)
);
