//! One validation path (SPEC §5 "submit", §6): a report's values are checked by the
//! same rules whether they arrive in a file (`entry import`) or were typed cell by cell
//! (`entry set`) and are then submitted (`report submit`). Both go through [`check`]:
//! the form's hard rules ([`crate::entry::validate`]: types, signs, computed cells,
//! "Trong đó" parts above their total, "Chia ra" parts that do not add up, cells
//! outside the unit's assignment) block; the soft ones (blank cells, converted legacy
//! text, outliers against the unit's own accepted history) are warnings.

use crate::entry::{self, Assigned, CellInput, Problem, RawValue, Values, Warning};
use crate::form::FormDef;
use crate::store::report::Stored;

use super::*;

/// What checking a report's values found, when nothing blocks it.
#[derive(Debug)]
pub struct Checked {
    /// The values as stored (exact decimals, NFC text), computed cells included.
    pub values: Values,
    /// Hard errors: nothing may be written or submitted while there is any.
    pub errors: Vec<Problem>,
    /// Soft warnings (language-neutral), kept on the revision by `entry import`.
    pub warnings: Vec<Warning>,
}

impl Checked {
    /// The error refusing the values, `headline` first and every problem as a detail
    /// (exit status 5); `None` when there is no hard error.
    pub fn refusal(&self, headline: Msg) -> Option<Error> {
        if self.errors.is_empty() {
            return None;
        }
        let details = self.errors.iter().map(problem_msg).collect();
        Some(Error::new(Kind::Invalid, headline).with_details(details))
    }
}

/// `CELL: message` in both languages.
pub fn problem_msg(p: &Problem) -> Msg {
    match &p.cell {
        Some(c) => Msg::new(
            format!("{c}: {}", p.message_vi),
            format!("{c}: {}", p.message_en),
        ),
        None => Msg::new(p.message_vi.clone(), p.message_en.clone()),
    }
}

/// The rows and columns assigned to the report's unit (`None`: all of them); `None`
/// too when the unit has no active assignment (callers refuse that themselves).
pub fn assigned_of(conn: &Connection, t: &Target) -> Result<Option<Assigned>> {
    Ok(rsql::assignment(conn, t.regime.id, t.unit.id)?
        .filter(|a| a.active)
        .map(|a| Assigned {
            rows: a.rows,
            columns: a.columns,
        }))
}

/// Stored values back into cells to check, each named `ROW × COLUMN` (the row key and
/// the column number, as `entry set` takes them).
pub fn stored_cells(form: &FormDef, values: &ValueMap) -> Vec<CellInput> {
    values
        .iter()
        .map(|((row, column), v)| {
            let number = form
                .columns
                .iter()
                .find(|c| &c.key == column)
                .map_or(column.as_str(), |c| c.number.as_str());
            let raw = match v {
                Stored::Num(n) => match n.parse() {
                    Ok(d) => RawValue::Number(d),
                    Err(_) => RawValue::Text(n.clone()),
                },
                Stored::Text(t) => RawValue::Text(t.clone()),
            };
            CellInput {
                row: row.clone(),
                column: column.clone(),
                cell: format!("{row} × {number}"),
                raw,
            }
        })
        .collect()
}

pub fn to_values(map: &ValueMap) -> Values {
    map.iter()
        .filter_map(|(k, v)| {
            let value = match v {
                Stored::Num(n) => entry::Value::Number(n.parse().ok()?),
                Stored::Text(t) => entry::Value::Text(t.clone()),
            };
            Some((k.clone(), value))
        })
        .collect()
}

/// The unit's accepted values of earlier periods, newest last (at most 24), for the
/// outlier check.
pub fn history(conn: &Connection, t: &Target) -> Result<Vec<Values>> {
    let mut out = Vec::new();
    for (report_id, period) in sql::unit_reports(conn, t.regime.id, t.unit.id)? {
        if period >= t.period {
            continue;
        }
        if let Some(rev) = sql::revisions(conn, report_id)?
            .into_iter()
            .rev()
            .find(|r| r.status == crate::domain::workflow::RevisionStatus::Accepted)
        {
            out.push(to_values(&sql::values(conn, rev.id)?));
        }
    }
    let skip = out.len().saturating_sub(24);
    Ok(out.split_off(skip))
}

/// Checks `cells` of report `t` against `form` and the unit's assignment, and the
/// values against the unit's own history.
pub fn check(
    conn: &Connection,
    t: &Target,
    form: &FormDef,
    cells: &[CellInput],
) -> Result<Checked> {
    let assigned = assigned_of(conn, t)?;
    let outcome = entry::validate(form, cells, assigned.as_ref());
    let mut warnings = outcome.warnings;
    if outcome.errors.is_empty() {
        warnings.extend(entry::outliers(&history(conn, t)?, &outcome.values));
    }
    Ok(Checked {
        values: outcome.values,
        errors: outcome.errors,
        warnings,
    })
}

/// The input cells of checked values, as they are stored: computed cells are not
/// stored but recomputed wherever they are shown.
pub fn inputs(form: &FormDef, values: Values) -> ValueMap {
    let grid = crate::form::grid::Grid::new(form);
    values
        .into_iter()
        .filter(
            |((rk, ck), _)| match (grid.row_index(rk), grid.column_index(ck)) {
                (Some(i), Some(j)) => grid.is_input(i, j),
                _ => false,
            },
        )
        .map(|(k, v)| {
            (
                k,
                match v {
                    entry::Value::Number(d) => Stored::Num(d.normalize().to_string()),
                    entry::Value::Text(s) => Stored::Text(s),
                },
            )
        })
        .collect()
}

/// Checks a revision's stored values as [`check`] does a file's: the gate of
/// `report submit`.
pub fn check_stored(
    conn: &Connection,
    t: &Target,
    form: &FormDef,
    values: &ValueMap,
) -> Result<Checked> {
    check(conn, t, form, &stored_cells(form, values))
}
