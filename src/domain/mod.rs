//! Pure domain logic: no database, no clock, no I/O. Values in, values out, so it can
//! be tested exhaustively (unit tests and property tests beside each module).

pub mod aggregate_state;
pub mod calendar;
pub mod deadline;
pub mod exclusion;
pub mod lunar;
pub mod number;
pub mod obligation;
pub mod outline;
pub mod period;
pub mod retention;
pub mod role;
pub mod unit_kind;
pub mod workflow;
pub mod worktime;
