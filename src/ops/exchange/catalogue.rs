//! The catalogue document: units, indicators, forms, regimes and periods.
