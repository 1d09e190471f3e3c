//! Serializable result types of the aggregation engine (SPEC §7).
//!
//! These types are consumed by the xlsx export and serialized to JSON
//! (see `schemas/aggregate.schema.json`); keep names and fields stable.

use std::collections::BTreeMap;

/// How one row (indicator) aggregates across units and over time.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RowRule {
    /// `sum` | `average` | `weighted_average` | `min` | `max` | `none`.
    pub aggregation: String,
    /// Row key of the weight indicator in the same form (for `weighted_average`).
    pub weight_row: Option<String>,
    /// `flow` | `stock` | `rate`.
    pub time_aggregation: String,
}

/// One reporting unit's report for the period.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct UnitInput {
    pub unit: String,
    pub unit_name: String,
    /// Unit code of the parent, for subtotals.
    pub parent: Option<String>,
    pub status: crate::domain::workflow::RevisionStatus,
    pub values: crate::entry::Values,
}

/// Which units are in an aggregate.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Coverage {
    pub included: usize,
    pub expected: usize,
    pub statuses: Vec<crate::domain::workflow::RevisionStatus>,
    pub units_included: Vec<String>,
    pub units_missing: Vec<String>,
}

/// One row of an aggregated table.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AggRow {
    pub row: String,
    pub code: Option<String>,
    pub stt: Option<String>,
    pub name: String,
    pub unit: Option<String>,
    pub level: u8,
    /// Keyed by column NUMBER label; exact decimal as string, `None` = no value.
    pub values: BTreeMap<String, Option<String>>,
}

/// Aggregate of one group of units (e.g. a former district).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Subtotal {
    pub unit: String,
    pub unit_name: String,
    pub coverage: Coverage,
    pub rows: Vec<AggRow>,
}

/// A full aggregate of a form for a period.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Aggregate {
    pub regime: String,
    pub period: String,
    pub form_code: String,
    pub form_version: u32,
    pub coverage: Coverage,
    /// Assigned units the obligation rule leaves out of `coverage.expected` (assigned
    /// after the period's deadline, or before their `--from` period, and nothing sent).
    pub excluded: Vec<crate::domain::exclusion::Excluded>,
    pub rows: Vec<AggRow>,
    pub subtotals: Vec<Subtotal>,
    pub ytd: Option<Vec<AggRow>>,
    pub previous_year: Option<Vec<AggRow>>,
    /// current / previous_year * 100, per cell.
    pub growth: Option<Vec<AggRow>>,
}
