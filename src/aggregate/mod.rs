//! Aggregation (tổng hợp, SPEC §7): the pure engine that combines units' reports
//! by each indicator's rules ([`engine`]), the serializable result ([`model`]), and
//! the database side that gathers the inputs ([`collect`]), and the aggregated
//! workbook ([`workbook`]).

pub mod collect;
pub mod engine;
pub mod model;
#[cfg(test)]
mod tests;
pub mod workbook;

pub use engine::{aggregate, combine, growth, rows_of, subtotals, year_to_date};
pub use model::{AggRow, Aggregate, Coverage, RowRule, Subtotal, UnitInput};
