//! The report-data document: one report revision with its values, narrative, attachment digests and the unit's signature.
