//! SQL of reading attachments back: listed with their ids, fetched with their bytes.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use crate::error::Result;

/// An attachment as listed: what was recorded when it was attached.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    pub id: i64,
    pub name: String,
    pub sha256: String,
    pub size: i64,
    pub added_at: String,
}

/// An attachment with its stored bytes.
pub struct Fetched {
    pub listed: Listed,
    pub content: Vec<u8>,
}

/// A revision's attachments in the order they were attached.
pub fn listed(conn: &Connection, revision_id: i64) -> Result<Vec<Listed>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, sha256, size, added_at FROM attachment WHERE revision_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([revision_id], |r| {
        Ok(Listed {
            id: r.get(0)?,
            name: r.get(1)?,
            sha256: r.get(2)?,
            size: r.get(3)?,
            added_at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One attachment of a revision, with its bytes.
pub fn fetch(conn: &Connection, revision_id: i64, id: i64) -> Result<Option<Fetched>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, name, sha256, size, added_at, content FROM attachment WHERE revision_id = ?1 AND id = ?2",
        )?
        .query_row([revision_id, id], |r| {
            Ok(Fetched {
                listed: Listed {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    sha256: r.get(2)?,
                    size: r.get(3)?,
                    added_at: r.get(4)?,
                },
                // Bytes whatever the column holds: text planted with the sqlite3 shell
                // is checked against the digest like a blob.
                content: r.get_ref(5)?.as_bytes()?.to_vec(),
            })
        })
        .optional()?)
}
