//! SQL of monitoring: the lean reads `overdue`, `status`, `compliance` and `remind`
//! build obligations from, ids and the few strings they need, nothing joined per row.

use rusqlite::{params, Connection};

use crate::error::Result;

/// Every unit's id, code and name (names are looked up by id when a row is written).
pub fn unit_names(conn: &Connection) -> Result<Vec<(i64, String, String)>> {
    let mut stmt = conn.prepare_cached("SELECT id, code, name FROM unit")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A regime's active assignments as monitoring needs them: the unit's id, when the
/// assignment was made and its `--from` period.
pub struct AssignmentStart {
    pub unit_id: i64,
    pub assigned_at: Option<String>,
    pub from_period: Option<String>,
    pub until_period: Option<String>,
}

pub fn active_assignment_starts(conn: &Connection, regime_id: i64) -> Result<Vec<AssignmentStart>> {
    let mut stmt = conn.prepare_cached(
        "SELECT unit_id, assigned_at, from_period, until_period FROM assignment WHERE regime_id = ?1 AND active = 1",
    )?;
    let rows = stmt.query_map(params![regime_id], |r| {
        Ok(AssignmentStart {
            unit_id: r.get(0)?,
            assigned_at: r.get(1)?,
            from_period: r.get(2)?,
            until_period: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether a regime is assigned to any unit (before its periods are worked out).
pub fn has_active_assignment(conn: &Connection, regime_id: i64) -> Result<bool> {
    let mut stmt = conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM assignment WHERE regime_id = ?1 AND active = 1)",
    )?;
    Ok(stmt.query_row(params![regime_id], |r| r.get(0))?)
}
