-- The report catalogue: indicators and versioned forms.
CREATE TABLE indicator (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    unit        TEXT,                 -- đơn vị tính
    value_type  TEXT NOT NULL DEFAULT 'decimal' CHECK (value_type IN ('integer','decimal','percent','text')),
    decimals    INTEGER CHECK (decimals BETWEEN 0 AND 10),
    aggregation TEXT NOT NULL DEFAULT 'sum' CHECK (aggregation IN ('sum','average','weighted_average','min','max','none')),
    time_aggregation TEXT NOT NULL DEFAULT 'flow' CHECK (time_aggregation IN ('flow','stock','rate')),
    weight      TEXT,                 -- the weight indicator's code, for weighted_average
    definition  TEXT,
    field       TEXT,                 -- lĩnh vực
    status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','retired')),
    created_at  TEXT NOT NULL
);

CREATE TABLE form (
    id          INTEGER PRIMARY KEY,
    ref         TEXT NOT NULL UNIQUE,  -- CODE@VERSION, the audited key
    code        TEXT NOT NULL,
    version     INTEGER NOT NULL,
    form_no     TEXT,
    title       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    definition  TEXT NOT NULL,         -- the form as JSON (schemas/form.schema.json)
    digest      TEXT NOT NULL,         -- SHA-256 of the structure, to spot an unchanged re-import
    source      TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    UNIQUE (code, version)
);

-- Which indicator each row of each form version measures, with the unit it uses there.
CREATE TABLE form_row (
    form_id      INTEGER NOT NULL REFERENCES form(id),
    row_key      TEXT NOT NULL,
    indicator_id INTEGER NOT NULL REFERENCES indicator(id),
    unit         TEXT,
    PRIMARY KEY (form_id, row_key)
);
CREATE INDEX form_row_indicator ON form_row(indicator_id);
