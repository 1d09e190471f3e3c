//! Data entry (nhập liệu): the fill-in workbook a unit downloads for one regime and
//! period, reading it back (and the original template filled by hand, and CSV/JSON in
//! the long format), validating what was read against the form, and the soft checks
//! against the unit's own history. (What a sending signs is `crate::sign::canonical`.)
//!
//! Pure library code: nothing here touches the database. The flow of `entry import`:
//!
//! 1. [`read_workbook`] (or [`read_original_template`], [`read_long`]) turns a file
//!    into [`CellInput`]s: where each value was, and what was typed there
//!    ([`RawValue`]: a number, text, blank or `x`). Numbers typed as numbers are read
//!    as Excel shows them (15 significant digits), numbers typed as text the
//!    Vietnamese way (`1.234,5`).
//! 2. [`validate`] checks them against the form and the unit's assignment and
//!    returns the exact [`Values`] (computed cells recomputed), the hard errors that
//!    block the import and the warnings stored with the revision. Legacy TCVN3/VNI
//!    text is converted there, with a warning, whatever file it came from.
//! 3. [`outliers`] adds the soft warnings that need the unit's history.

mod guard;
pub mod identity;
pub mod read;
pub mod validate;
pub mod warning;
pub mod workbook;

#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;

pub use identity::{Identity, IDENTITY_SHEET};
pub use read::{
    has_identity_sheet, read_long, read_original_template, read_workbook, CellInput, Filled,
    RawValue, MAX_LONG_RECORDS,
};
pub use validate::{outliers, recompute, validate, Assigned, Outcome, Problem, Value, Values};
pub use warning::Warning;
pub use workbook::{write_fill_in, write_fill_in_as};
