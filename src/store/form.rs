//! SQL of versioned forms and their row → indicator links.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::error::Result;

#[derive(Debug, Clone, Serialize)]
pub struct StoredForm {
    #[serde(skip)]
    pub id: i64,
    pub code: String,
    pub version: i64,
    pub form_no: Option<String>,
    pub title: String,
    pub kind: String,
    #[serde(skip)]
    pub definition: String,
    #[serde(skip)]
    pub digest: String,
    pub source: Option<String>,
    pub created_at: String,
    pub created_by: String,
    /// The owning unit (NULL: the province-wide catalogue, the sysadmin's); every
    /// version of a code has the same.
    #[serde(skip)]
    pub owner_unit_id: Option<i64>,
    /// The owning unit's code, as outputs show it.
    pub owner_unit: Option<String>,
}

const SELECT: &str = "SELECT f.id, f.code, f.version, f.form_no, f.title, f.kind, f.definition, f.digest, f.source, f.created_at, f.created_by, f.owner_unit_id, u.code
                      FROM form f LEFT JOIN unit u ON u.id = f.owner_unit_id";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredForm> {
    Ok(StoredForm {
        id: r.get(0)?,
        code: r.get(1)?,
        version: r.get(2)?,
        form_no: r.get(3)?,
        title: r.get(4)?,
        kind: r.get(5)?,
        definition: r.get(6)?,
        digest: r.get(7)?,
        source: r.get(8)?,
        created_at: r.get(9)?,
        created_by: r.get(10)?,
        owner_unit_id: r.get(11)?,
        owner_unit: r.get(12)?,
    })
}

pub fn latest(conn: &Connection, code: &str) -> Result<Option<StoredForm>> {
    Ok(conn
        .query_row(
            &format!("{SELECT} WHERE f.code = ?1 ORDER BY f.version DESC LIMIT 1"),
            [code],
            from_row,
        )
        .optional()?)
}

/// The newest version number of a form, without reading its definition.
pub fn latest_version(conn: &Connection, code: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT max(version) FROM form WHERE code = ?1")?
        .query_row([code], |r| r.get(0))?)
}

pub fn version(conn: &Connection, code: &str, version: i64) -> Result<Option<StoredForm>> {
    Ok(conn
        .query_row(
            &format!("{SELECT} WHERE f.code = ?1 AND f.version = ?2"),
            params![code, version],
            from_row,
        )
        .optional()?)
}

pub fn all(conn: &Connection) -> Result<Vec<StoredForm>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} ORDER BY f.code, f.version"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn insert(conn: &Connection, f: &StoredForm) -> Result<i64> {
    conn.execute(
        "INSERT INTO form(ref, code, version, form_no, title, kind, definition, digest, source, created_at, created_by, owner_unit_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![format!("{}@{}", f.code, f.version), f.code, f.version, f.form_no, f.title, f.kind, f.definition, f.digest, f.source, f.created_at, f.created_by, f.owner_unit_id],
    )?;
    Ok(conn.last_insert_rowid())
}

/// The owning unit of a form code (`None` when province-wide or unknown).
pub fn owner(conn: &Connection, code: &str) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT owner_unit_id FROM form WHERE code = ?1 ORDER BY version DESC LIMIT 1",
            [code],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

pub fn link_row(
    conn: &Connection,
    form_id: i64,
    row_key: &str,
    indicator_id: i64,
    unit: Option<&str>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO form_row(form_id, row_key, indicator_id, unit) VALUES (?1, ?2, ?3, ?4)",
        params![form_id, row_key, indicator_id, unit],
    )?;
    Ok(())
}
