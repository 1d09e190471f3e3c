//! SQL of regimes' outline templates (mẫu đề cương).

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;

/// A regime's stored outline: its text, when and by whom it was set.
#[derive(Debug, Clone)]
pub struct Stored {
    pub body: String,
    pub set_at: String,
    pub set_by: String,
}

pub fn get(conn: &Connection, regime_id: i64) -> Result<Option<Stored>> {
    Ok(conn
        .prepare_cached("SELECT body, set_at, set_by FROM regime_outline WHERE regime_id = ?1")?
        .query_row([regime_id], |r| {
            Ok(Stored {
                body: r.get(0)?,
                set_at: r.get(1)?,
                set_by: r.get(2)?,
            })
        })
        .optional()?)
}

pub fn put(conn: &Connection, regime_id: i64, s: &Stored) -> Result<()> {
    conn.execute(
        "INSERT INTO regime_outline(regime_id, body, set_at, set_by) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(regime_id) DO UPDATE SET body = excluded.body, set_at = excluded.set_at, set_by = excluded.set_by",
        params![regime_id, s.body, s.set_at, s.set_by],
    )?;
    Ok(())
}

/// Removes a regime's outline; whether there was one.
pub fn remove(conn: &Connection, regime_id: i64) -> Result<bool> {
    Ok(conn.execute(
        "DELETE FROM regime_outline WHERE regime_id = ?1",
        [regime_id],
    )? > 0)
}
