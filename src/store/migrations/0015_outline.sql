-- Outline templates (mẫu đề cương) of narrative reports: the headings the lead unit
-- requires in its units' narratives (Ninh Bình Art. 10(2a), 17(1); Thái Bình Art.
-- 15(1)). One per regime; the text is the outline file as `domain::outline` writes it.
CREATE TABLE regime_outline (
    regime_id INTEGER PRIMARY KEY REFERENCES regime(id),
    body      TEXT NOT NULL,
    set_at    TEXT NOT NULL,
    set_by    TEXT NOT NULL
);
