//! SQL of delegated approvals of the figures (`data_approval_delegation`).

use rusqlite::{params, Connection};

use crate::error::Result;

/// A standing delegation, with the codes and names it is shown by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delegation {
    pub regime_id: i64,
    pub regime: String,
    pub unit_id: i64,
    pub unit: String,
    pub unit_name: String,
    pub account_id: i64,
    pub username: String,
    pub full_name: String,
    pub granted_at: String,
    pub granted_by: String,
}

const SELECT: &str = "SELECT d.regime_id, g.code, d.unit_id, u.code, u.name, d.account_id, \
     a.username, a.full_name, d.granted_at, d.granted_by \
     FROM data_approval_delegation d \
     JOIN regime g ON g.id = d.regime_id \
     JOIN unit u ON u.id = d.unit_id \
     JOIN account a ON a.id = d.account_id";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Delegation> {
    Ok(Delegation {
        regime_id: r.get(0)?,
        regime: r.get(1)?,
        unit_id: r.get(2)?,
        unit: r.get(3)?,
        unit_name: r.get(4)?,
        account_id: r.get(5)?,
        username: r.get(6)?,
        full_name: r.get(7)?,
        granted_at: r.get(8)?,
        granted_by: r.get(9)?,
    })
}

/// Every delegation, by regime, unit and account.
pub fn all(conn: &Connection) -> Result<Vec<Delegation>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} ORDER BY g.code, u.code, a.username"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether the account holds the delegation for the regime and unit.
pub fn holds(conn: &Connection, regime_id: i64, unit_id: i64, account_id: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM data_approval_delegation
              WHERE regime_id = ?1 AND unit_id = ?2 AND account_id = ?3",
        )?
        .exists(params![regime_id, unit_id, account_id])?)
}

/// Records a delegation (the caller checked it is not there yet).
pub fn insert(
    conn: &Connection,
    regime_id: i64,
    unit_id: i64,
    account_id: i64,
    at: &str,
    by: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO data_approval_delegation
            (regime_id, unit_id, account_id, granted_at, granted_by)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![regime_id, unit_id, account_id, at, by],
    )?;
    Ok(())
}

/// Ends a delegation; whether there was one.
pub fn remove(conn: &Connection, regime_id: i64, unit_id: i64, account_id: i64) -> Result<bool> {
    Ok(conn.execute(
        "DELETE FROM data_approval_delegation
          WHERE regime_id = ?1 AND unit_id = ?2 AND account_id = ?3",
        params![regime_id, unit_id, account_id],
    )? > 0)
}
