//! Aggregation (tổng hợp, SPEC §7): the pure engine that combines units' reports
//! by each indicator's rules ([`engine`]) and the serializable result ([`model`]).
//! Gathering the inputs from the database and writing the workbook are operations
//! (`crate::ops::aggregate`).

pub mod engine;
pub mod model;
#[cfg(test)]
mod tests;

pub use engine::{aggregate, combine, growth, rows_of, subtotals, year_to_date, Slots};
pub use model::{AggRow, Aggregate, Coverage, RowRule, Subtotal, UnitInput};
