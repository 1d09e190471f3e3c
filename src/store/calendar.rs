//! SQL of the administrator's calendar overrides (the official yearly schedule).

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OverrideRow {
    pub date: String,
    pub kind: String,
    pub name: String,
}

pub fn all(conn: &Connection) -> Result<Vec<OverrideRow>> {
    let mut stmt =
        conn.prepare_cached("SELECT date, kind, name FROM calendar_override ORDER BY date")?;
    let rows = stmt.query_map([], |r| {
        Ok(OverrideRow {
            date: r.get(0)?,
            kind: r.get(1)?,
            name: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get(conn: &Connection, date: &str) -> Result<Option<OverrideRow>> {
    Ok(conn
        .query_row(
            "SELECT date, kind, name FROM calendar_override WHERE date = ?1",
            [date],
            |r| {
                Ok(OverrideRow {
                    date: r.get(0)?,
                    kind: r.get(1)?,
                    name: r.get(2)?,
                })
            },
        )
        .optional()?)
}

pub fn upsert(conn: &Connection, o: &OverrideRow) -> Result<()> {
    conn.execute(
        "INSERT INTO calendar_override(date, kind, name) VALUES (?1, ?2, ?3)
         ON CONFLICT(date) DO UPDATE SET kind = excluded.kind, name = excluded.name",
        params![o.date, o.kind, o.name],
    )?;
    Ok(())
}

pub fn remove(conn: &Connection, date: &str) -> Result<bool> {
    Ok(conn.execute("DELETE FROM calendar_override WHERE date = ?1", [date])? > 0)
}
