//! The report-status document: every assigned unit's state for a regime and period.
