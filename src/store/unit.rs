//! SQL of units and their lineage.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use crate::auth::permission::UnitTree;
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unit {
    #[serde(skip)]
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    /// The parent's code.
    pub parent: Option<String>,
    pub status: String,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    /// The successor's code after a merge.
    pub successor: Option<String>,
    pub note: Option<String>,
    #[serde(skip)]
    pub parent_id: Option<i64>,
}

const SELECT: &str = "SELECT u.id, u.code, u.name, u.kind, p.code, u.status, u.valid_from, u.valid_to, s.code, u.note, u.parent_id
    FROM unit u LEFT JOIN unit p ON p.id = u.parent_id LEFT JOIN unit s ON s.id = u.successor_id";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Unit> {
    Ok(Unit {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        kind: r.get(3)?,
        parent: r.get(4)?,
        status: r.get(5)?,
        valid_from: r.get(6)?,
        valid_to: r.get(7)?,
        successor: r.get(8)?,
        note: r.get(9)?,
        parent_id: r.get(10)?,
    })
}

pub fn all(conn: &Connection) -> Result<Vec<Unit>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} ORDER BY u.id"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn by_code(conn: &Connection, code: &str) -> Result<Option<Unit>> {
    Ok(conn
        .query_row(&format!("{SELECT} WHERE u.code = ?1"), [code], from_row)
        .optional()?)
}

pub fn by_id(conn: &Connection, id: i64) -> Result<Option<Unit>> {
    Ok(conn
        .query_row(&format!("{SELECT} WHERE u.id = ?1"), [id], from_row)
        .optional()?)
}

pub fn children(conn: &Connection, id: i64) -> Result<Vec<Unit>> {
    let mut stmt =
        conn.prepare_cached(&format!("{SELECT} WHERE u.parent_id = ?1 ORDER BY u.code"))?;
    let rows = stmt.query_map([id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn tree(conn: &Connection) -> Result<UnitTree> {
    let mut stmt = conn.prepare_cached("SELECT id, parent_id FROM unit")?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, Option<i64>>(1)?))
    })?;
    let parent: HashMap<i64, Option<i64>> = rows.collect::<rusqlite::Result<_>>()?;
    Ok(UnitTree { parent })
}

pub struct NewUnit<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub parent_id: Option<i64>,
    pub valid_from: Option<&'a str>,
}

pub fn insert(conn: &Connection, u: &NewUnit<'_>) -> Result<i64> {
    conn.execute(
        "INSERT INTO unit(code, name, kind, parent_id, valid_from) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![u.code, u.name, u.kind, u.parent_id, u.valid_from],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Writes every mutable column of a unit as given.
pub fn save(conn: &Connection, u: &Unit, successor_id: Option<i64>) -> Result<()> {
    conn.execute(
        "UPDATE unit SET name = ?2, kind = ?3, parent_id = ?4, status = ?5, valid_from = ?6, valid_to = ?7,
                         successor_id = ?8, note = ?9 WHERE id = ?1",
        params![u.id, u.name, u.kind, u.parent_id, u.status, u.valid_from, u.valid_to, successor_id, u.note],
    )?;
    Ok(())
}

pub fn insert_lineage(
    conn: &Connection,
    from: i64,
    to: Option<i64>,
    effective: &str,
    kind: &str,
    decision: Option<&str>,
    recorded_at: &str,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO unit_lineage(from_unit, to_unit, effective, kind, decision, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![from, to, effective, kind, decision, recorded_at],
    )?;
    Ok(conn.last_insert_rowid())
}

#[derive(Debug, Clone, Serialize)]
pub struct Lineage {
    pub from: String,
    pub to: Option<String>,
    pub effective: String,
    pub kind: String,
    pub decision: Option<String>,
}

/// Lineage rows touching a unit, in either direction.
pub fn lineage_of(conn: &Connection, id: i64) -> Result<Vec<Lineage>> {
    let mut stmt = conn.prepare_cached(
        "SELECT f.code, t.code, l.effective, l.kind, l.decision FROM unit_lineage l
         JOIN unit f ON f.id = l.from_unit LEFT JOIN unit t ON t.id = l.to_unit
         WHERE l.from_unit = ?1 OR l.to_unit = ?1 ORDER BY l.id",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok(Lineage {
            from: r.get(0)?,
            to: r.get(1)?,
            effective: r.get(2)?,
            kind: r.get(3)?,
            decision: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn count_accounts(conn: &Connection, unit_id: i64) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM account WHERE unit_id = ?1 AND status != 'closed'",
        [unit_id],
        |r| r.get(0),
    )?)
}
