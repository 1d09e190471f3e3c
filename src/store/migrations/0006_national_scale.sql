-- Indexes for national-scale reading (34 provinces, 3,321 communes, a year of monthly
-- reports): a regime's reports of one period (aggregation, status) without scanning
-- the regime's whole history, and what monitoring reads of every revision (overdue,
-- compliance, remind) without visiting the revision rows, which carry signatures and
-- digests.
CREATE INDEX IF NOT EXISTS report_period ON report(regime_id, period, unit_id);
CREATE INDEX IF NOT EXISTS revision_monitor ON revision(report_id, number, status, sent_at, timeliness);
