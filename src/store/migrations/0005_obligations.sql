-- When a unit's obligation began: periods due before it are not the unit's to miss.
ALTER TABLE assignment ADD COLUMN assigned_at TEXT;
UPDATE assignment SET assigned_at = changed_at WHERE assigned_at IS NULL;
CREATE INDEX report_unit ON report(unit_id, regime_id);
