//! Exchange documents received and the senders' keys seen (`exchange import`).

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;

/// A received document as it is kept.
pub struct Received<'a> {
    pub id: &'a str,
    pub document_type: &'a str,
    pub sender_system: &'a str,
    pub sender_unit: &'a str,
    pub receiver_system: &'a str,
    pub receiver_unit: &'a str,
    pub created_at: &'a str,
    pub content_digest: &'a str,
    pub key_id: i64,
    pub public_key: &'a str,
    pub imported_at: &'a str,
    pub imported_by: &'a str,
    pub document: &'a str,
}

pub fn imported(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM exchange_document WHERE id = ?1",
            [id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

pub fn insert(conn: &Connection, r: &Received<'_>) -> Result<()> {
    conn.execute(
        "INSERT INTO exchange_document (id, document_type, sender_system, sender_unit,
            receiver_system, receiver_unit, created_at, content_digest, key_id, public_key,
            imported_at, imported_by, document)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            r.id,
            r.document_type,
            r.sender_system,
            r.sender_unit,
            r.receiver_system,
            r.receiver_unit,
            r.created_at,
            r.content_digest,
            r.key_id,
            r.public_key,
            r.imported_at,
            r.imported_by,
            r.document
        ],
    )?;
    Ok(())
}

/// The public key seen before for a sender's key id.
pub fn peer_key(
    conn: &Connection,
    system: &str,
    unit: &str,
    key_id: i64,
) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT public_key FROM exchange_peer_key
             WHERE sender_system = ?1 AND sender_unit = ?2 AND key_id = ?3",
            params![system, unit, key_id],
            |r| r.get(0),
        )
        .optional()?)
}

pub fn insert_peer_key(
    conn: &Connection,
    system: &str,
    unit: &str,
    key_id: i64,
    public_key: &str,
    at: &str,
) -> Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO exchange_peer_key (sender_system, sender_unit, key_id, public_key, first_seen)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![system, unit, key_id, public_key, at],
    )?;
    Ok(())
}
