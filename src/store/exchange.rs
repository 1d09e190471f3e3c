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

/// One revision of a lead unit's aggregate on its way upward.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AggregateRevision {
    #[serde(skip)]
    pub id: i64,
    #[serde(rename = "revision")]
    pub number: i64,
    pub state: String,
    pub content_digest: String,
    pub approved_by: String,
    pub approved_at: String,
    pub sent_by: Option<String>,
    pub sent_at: Option<String>,
    pub key_id: Option<i64>,
    #[serde(skip)]
    pub content: String,
    #[serde(skip)]
    pub document: Option<String>,
}

const AGG_SELECT: &str = "SELECT id, number, state, content_digest, approved_by, approved_at, sent_by, sent_at, key_id, content, document FROM aggregate_revision";

fn agg_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<AggregateRevision> {
    Ok(AggregateRevision {
        id: r.get(0)?,
        number: r.get(1)?,
        state: r.get(2)?,
        content_digest: r.get(3)?,
        approved_by: r.get(4)?,
        approved_at: r.get(5)?,
        sent_by: r.get(6)?,
        sent_at: r.get(7)?,
        key_id: r.get(8)?,
        content: r.get(9)?,
        document: r.get(10)?,
    })
}

/// Every revision of a regime's period's aggregate, oldest first.
pub fn aggregate_revisions(
    conn: &Connection,
    regime_id: i64,
    period: &str,
) -> Result<Vec<AggregateRevision>> {
    let mut stmt = conn.prepare(&format!(
        "{AGG_SELECT} WHERE regime_id = ?1 AND period = ?2 ORDER BY number"
    ))?;
    let rows = stmt.query_map(params![regime_id, period], agg_from)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A new approved revision.
#[allow(clippy::too_many_arguments)]
pub fn insert_aggregate_revision(
    conn: &Connection,
    regime_id: i64,
    period: &str,
    number: i64,
    content: &str,
    digest: &str,
    by: &str,
    at: &str,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO aggregate_revision (regime_id, period, number, state, content, content_digest, approved_by, approved_at)
         VALUES (?1, ?2, ?3, 'approved', ?4, ?5, ?6, ?7)",
        params![regime_id, period, number, content, digest, by, at],
    )?;
    Ok(conn.last_insert_rowid())
}

/// An unsent revision approved again, with what the aggregate holds now.
pub fn reapprove(
    conn: &Connection,
    id: i64,
    content: &str,
    digest: &str,
    by: &str,
    at: &str,
) -> Result<()> {
    conn.execute(
        "UPDATE aggregate_revision SET content = ?2, content_digest = ?3, approved_by = ?4, approved_at = ?5
         WHERE id = ?1 AND state = 'approved'",
        params![id, content, digest, by, at],
    )?;
    Ok(())
}

pub fn mark_sent(
    conn: &Connection,
    id: i64,
    by: &str,
    at: &str,
    key_id: i64,
    document: &str,
) -> Result<()> {
    conn.execute(
        "UPDATE aggregate_revision SET state = 'sent', sent_by = ?2, sent_at = ?3, key_id = ?4, document = ?5
         WHERE id = ?1 AND state = 'approved'",
        params![id, by, at, key_id, document],
    )?;
    Ok(())
}

/// One step of an aggregate's history.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AggregateTransition {
    pub revision: i64,
    pub action: String,
    pub actor: String,
    pub at: String,
    pub comment: Option<String>,
}

pub fn insert_aggregate_transition(
    conn: &Connection,
    revision_id: i64,
    action: &str,
    actor: &str,
    at: &str,
    comment: Option<&str>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO aggregate_transition (revision_id, action, actor, at, comment) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![revision_id, action, actor, at, comment],
    )?;
    Ok(())
}

pub fn aggregate_transitions(
    conn: &Connection,
    regime_id: i64,
    period: &str,
) -> Result<Vec<AggregateTransition>> {
    let mut stmt = conn.prepare(
        "SELECT r.number, t.action, t.actor, t.at, t.comment FROM aggregate_transition t
         JOIN aggregate_revision r ON r.id = t.revision_id
         WHERE r.regime_id = ?1 AND r.period = ?2 ORDER BY t.id",
    )?;
    let rows = stmt.query_map(params![regime_id, period], |r| {
        Ok(AggregateTransition {
            revision: r.get(0)?,
            action: r.get(1)?,
            actor: r.get(2)?,
            at: r.get(3)?,
            comment: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Keeps an imported aggregate's components with the revision it became (federation).
pub fn insert_components(
    conn: &Connection,
    revision_id: i64,
    components: &[crate::aggregate::engine::Component],
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO revision_component (revision_id, row_key, column_key, n, sum, weights, min, max, overflow)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for c in components {
        stmt.execute(params![
            revision_id,
            c.row,
            c.column,
            c.n as i64,
            c.sum,
            c.weights,
            c.min,
            c.max,
            c.overflow
        ])?;
    }
    Ok(())
}

/// A revision's components, in key order (empty for a report entered here).
pub fn components(
    conn: &Connection,
    revision_id: i64,
) -> Result<Vec<crate::aggregate::engine::Component>> {
    let mut stmt = conn.prepare_cached(
        "SELECT row_key, column_key, n, sum, weights, min, max, overflow
         FROM revision_component WHERE revision_id = ?1 ORDER BY row_key, column_key",
    )?;
    let rows = stmt.query_map([revision_id], |r| {
        Ok(crate::aggregate::engine::Component {
            row: r.get(0)?,
            column: r.get(1)?,
            n: r.get::<_, i64>(2)?.max(0) as u64,
            sum: r.get(3)?,
            weights: r.get(4)?,
            min: r.get(5)?,
            max: r.get(6)?,
            overflow: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The revisions of a regime's period that hold components (imported aggregates).
pub fn period_component_revisions(
    conn: &Connection,
    regime_id: i64,
    period: &str,
) -> Result<std::collections::HashSet<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT v.id FROM report r JOIN revision v ON v.report_id = r.id
         WHERE r.regime_id = ?1 AND r.period = ?2
           AND EXISTS (SELECT 1 FROM revision_component c WHERE c.revision_id = v.id)",
    )?;
    let rows = stmt.query_map(params![regime_id, period], |r| r.get::<_, i64>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Records which received document a revision came from.
pub fn insert_revision_document(
    conn: &Connection,
    revision_id: i64,
    document_id: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO revision_document (revision_id, document_id) VALUES (?1, ?2)",
        params![revision_id, document_id],
    )?;
    Ok(())
}
