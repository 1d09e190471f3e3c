//! SQL of maintenance notices, outages and the installation's notice rule.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::error::Result;

#[derive(Debug, Clone, Serialize)]
pub struct NoticeRow {
    pub id: i64,
    pub starts_at: String,
    pub ends_at: String,
    pub reason: String,
    pub rule: String,
    pub at: String,
    pub actor: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OutageRow {
    pub id: i64,
    pub starts_at: String,
    pub ends_at: String,
    pub reason: String,
    pub notice: Option<i64>,
    pub document: Option<String>,
    pub document_date: Option<String>,
    pub regime: Option<String>,
    pub at: String,
    pub actor: String,
}

pub fn rule(conn: &Connection) -> Result<Option<String>> {
    super::get_meta(conn, "notice_rule")
}

pub fn set_rule(conn: &Connection, rule: &str) -> Result<()> {
    super::set_meta(conn, "notice_rule", rule)
}

pub fn insert_notice(conn: &Connection, n: &NoticeRow) -> Result<i64> {
    conn.execute(
        "INSERT INTO notice(starts_at, ends_at, reason, rule, at, actor) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![n.starts_at, n.ends_at, n.reason, n.rule, n.at, n.actor],
    )?;
    Ok(conn.last_insert_rowid())
}

fn notice_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<NoticeRow> {
    Ok(NoticeRow {
        id: r.get(0)?,
        starts_at: r.get(1)?,
        ends_at: r.get(2)?,
        reason: r.get(3)?,
        rule: r.get(4)?,
        at: r.get(5)?,
        actor: r.get(6)?,
    })
}

pub fn notices(conn: &Connection) -> Result<Vec<NoticeRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, starts_at, ends_at, reason, rule, at, actor FROM notice ORDER BY starts_at, id",
    )?;
    let rows = stmt.query_map([], notice_of)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn notice(conn: &Connection, id: i64) -> Result<Option<NoticeRow>> {
    Ok(conn
        .query_row(
            "SELECT id, starts_at, ends_at, reason, rule, at, actor FROM notice WHERE id = ?1",
            [id],
            notice_of,
        )
        .optional()?)
}

#[allow(clippy::too_many_arguments)]
pub fn insert_outage(
    conn: &Connection,
    starts_at: &str,
    ends_at: &str,
    reason: &str,
    notice: Option<i64>,
    document: Option<&str>,
    document_date: Option<&str>,
    regime_id: Option<i64>,
    at: &str,
    actor: &str,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO outage(starts_at, ends_at, reason, notice_id, document, document_date, regime_id, at, actor)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![starts_at, ends_at, reason, notice, document, document_date, regime_id, at, actor],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Every recorded outage, oldest first.
pub fn outages(conn: &Connection) -> Result<Vec<OutageRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.id, o.starts_at, o.ends_at, o.reason, o.notice_id, o.document, o.document_date,
                r.code, o.at, o.actor
         FROM outage o LEFT JOIN regime r ON r.id = o.regime_id
         ORDER BY o.starts_at, o.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(OutageRow {
            id: r.get(0)?,
            starts_at: r.get(1)?,
            ends_at: r.get(2)?,
            reason: r.get(3)?,
            notice: r.get(4)?,
            document: r.get(5)?,
            document_date: r.get(6)?,
            regime: r.get(7)?,
            at: r.get(8)?,
            actor: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
