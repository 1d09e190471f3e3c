//! `aggregate` and `export aggregate`: gathering the units' accepted reports for the
//! pure engine ([`collect`]) and writing the aggregated workbook ([`workbook`]).

pub mod collect;
pub mod workbook;
