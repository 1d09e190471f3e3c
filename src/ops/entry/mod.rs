//! `entry`: importing filled workbooks, CSV and JSON into report revisions ([`import`])
//! and setting one cell ([`cell`]).

pub mod cell;
pub mod import;
