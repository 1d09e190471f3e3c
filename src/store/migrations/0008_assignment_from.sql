-- An assignment's effective first period (`assign add … --from PERIOD`). NULL: the
-- default, the first period whose rule deadline had not passed at `assigned_at`.
ALTER TABLE assignment ADD COLUMN from_period TEXT;
