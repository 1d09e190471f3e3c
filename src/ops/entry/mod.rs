//! `entry`: fill-in workbooks and importing filled workbooks, CSV and JSON into report
//! revisions ([`import`]), setting one cell ([`set`], checked by [`cell`]) and listing a
//! report's values ([`show`]).

use rusqlite::Connection;
use serde::Serialize;

use crate::audit::Recorder;
use crate::auth::permission::Actor;
use crate::error::Result;
use crate::ops::report::{self, Draft, Which};
use crate::store::regime as rsql;
use crate::store::report::{Stored, ValueMap};
use crate::store::unit as units;

pub mod cell;
pub mod import;

#[cfg(test)]
mod tests;

/// One cell typed on the command line: ROW is a row key or code, COLUMN a column key or
/// number, the value as typed.
#[derive(Debug, Clone)]
pub struct CellEntry {
    pub which: Which,
    pub row: String,
    pub column: String,
    pub value: String,
}

/// The outcome of `entry set`.
#[derive(Debug, Serialize)]
pub struct CellSet {
    pub report: String,
    pub revision: i64,
    pub row: String,
    pub column: String,
    pub value: Stored,
    pub unchanged: bool,
}

/// `entry set`: one cell of the report's draft, checked against its form and the
/// unit's assignment, merged into the draft.
pub fn set(conn: &Connection, actor: &Actor, rec: &Recorder, e: &CellEntry) -> Result<CellSet> {
    let t = e.which.locate(conn, actor)?;
    let form = crate::ops::form::load(
        conn,
        &t.regime.form,
        crate::ops::regime::form_version_for(&t.regime, &t.period),
    )?;
    let assigned = rsql::assignment(conn, t.regime.id, t.unit.id)?;
    let (rk, ck, stored) = cell::parse_cell(&form, assigned.as_ref(), &e.row, &e.column, &e.value)?;
    let mut map = ValueMap::new();
    map.insert((rk.clone(), ck.clone()), stored.clone());
    let s = report::store_values(
        conn,
        actor,
        rec,
        &units::tree(conn)?,
        &t,
        &map,
        Draft {
            warnings: Vec::new(),
            merge: true,
        },
    )?;
    Ok(CellSet {
        report: t.reference(),
        revision: s.revision,
        row: rk,
        column: ck,
        value: stored,
        unchanged: s.unchanged,
    })
}

/// `entry show`: the values of revision `revision` (else the latest) of a report the
/// actor may read, in the form's order.
pub fn show(
    conn: &Connection,
    actor: &Actor,
    which: &Which,
    revision: Option<i64>,
) -> Result<Vec<crate::ops::report::ValueLine>> {
    let t = which.readable(conn, actor)?;
    let (rev, values) = report::values_of(conn, &t, revision)?;
    let form = crate::ops::form::load(conn, &rev.form_code, Some(rev.form_version))?;
    Ok(crate::ops::report::listing(&form, &values))
}
