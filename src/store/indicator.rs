//! SQL of the indicator catalogue and of forms' links to it.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    #[serde(skip)]
    pub id: i64,
    pub code: String,
    pub name: String,
    /// Unit of measure (đơn vị tính).
    pub unit: Option<String>,
    pub value_type: String,
    pub decimals: Option<i64>,
    /// Over units: sum, average, weighted_average, min, max, none.
    pub aggregation: String,
    /// Over time: flow (sum), stock (last value), rate (recompute or average).
    pub time_aggregation: String,
    pub weight: Option<String>,
    pub definition: Option<String>,
    pub field: Option<String>,
    pub status: String,
    /// The owning unit (NULL: the province-wide catalogue, the sysadmin's).
    #[serde(skip)]
    pub owner_unit_id: Option<i64>,
    /// The owning unit's code, as outputs show it.
    #[serde(default)]
    pub owner_unit: Option<String>,
}

const SELECT: &str = "SELECT i.id, i.code, i.name, i.unit, i.value_type, i.decimals, i.aggregation, i.time_aggregation, i.weight, i.definition, i.field, i.status, i.owner_unit_id, u.code
                      FROM indicator i LEFT JOIN unit u ON u.id = i.owner_unit_id";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Indicator> {
    Ok(Indicator {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        unit: r.get(3)?,
        value_type: r.get(4)?,
        decimals: r.get(5)?,
        aggregation: r.get(6)?,
        time_aggregation: r.get(7)?,
        weight: r.get(8)?,
        definition: r.get(9)?,
        field: r.get(10)?,
        status: r.get(11)?,
        owner_unit_id: r.get(12)?,
        owner_unit: r.get(13)?,
    })
}

pub fn all(conn: &Connection) -> Result<Vec<Indicator>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} ORDER BY i.code"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn by_code(conn: &Connection, code: &str) -> Result<Option<Indicator>> {
    Ok(conn
        .query_row(&format!("{SELECT} WHERE i.code = ?1"), [code], from_row)
        .optional()?)
}

pub fn insert(conn: &Connection, i: &Indicator, at: &str) -> Result<i64> {
    conn.execute(
        "INSERT INTO indicator(code, name, unit, value_type, decimals, aggregation, time_aggregation, weight, definition, field, status, created_at, owner_unit_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![i.code, i.name, i.unit, i.value_type, i.decimals, i.aggregation, i.time_aggregation, i.weight, i.definition, i.field, i.status, at, i.owner_unit_id],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn save(conn: &Connection, i: &Indicator) -> Result<()> {
    conn.execute(
        "UPDATE indicator SET name = ?2, unit = ?3, value_type = ?4, decimals = ?5, aggregation = ?6, time_aggregation = ?7,
                              weight = ?8, definition = ?9, field = ?10, status = ?11, owner_unit_id = ?12 WHERE code = ?1",
        params![i.code, i.name, i.unit, i.value_type, i.decimals, i.aggregation, i.time_aggregation, i.weight, i.definition, i.field, i.status, i.owner_unit_id],
    )?;
    Ok(())
}

/// The forms (as `CODE vVERSION`) whose rows use an indicator, with the unit each uses.
pub fn uses(conn: &Connection, indicator_id: i64) -> Result<Vec<(String, i64, Option<String>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT f.code, f.version, r.unit FROM form_row r JOIN form f ON f.id = r.form_id
         WHERE r.indicator_id = ?1 ORDER BY f.code, f.version",
    )?;
    let rows = stmt.query_map([indicator_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
