-- A regime's history also says who owes it and which form version its reports use
-- (Bắc Ninh Art. 10(3), Đồng Tháp Art. 21(1): a decision amends or supplements a regime
-- from a period on).
--
-- form_version: the version of form_code that reports of the periods under this version
--   use; NULL: the form's latest version when the report is made.
-- assigned / unassigned: JSON arrays of the unit codes that this version adds to or
--   removes from the units owing the regime, from from_period on; NULL: none.
ALTER TABLE regime_version ADD COLUMN form_version INTEGER;
ALTER TABLE regime_version ADD COLUMN assigned TEXT;
ALTER TABLE regime_version ADD COLUMN unassigned TEXT;
