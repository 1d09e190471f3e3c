//! SQL of reports, their revisions, values, transitions, attachments and signing keys.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use crate::domain::workflow::{RevisionStatus, Timeliness};
use crate::error::Result;

/// A stored value: an exact decimal as text, or free text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Stored {
    Num(String),
    Text(String),
}

pub type ValueMap = BTreeMap<(String, String), Stored>;

impl Stored {
    /// The value as stored: an exact decimal's digits, or the text.
    pub fn as_str(&self) -> &str {
        match self {
            Stored::Num(s) | Stored::Text(s) => s,
        }
    }
}

pub fn report_id(
    conn: &Connection,
    regime_id: i64,
    unit_id: i64,
    period: &str,
) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT id FROM report WHERE regime_id = ?1 AND unit_id = ?2 AND period = ?3",
            params![regime_id, unit_id, period],
            |r| r.get(0),
        )
        .optional()?)
}

pub fn insert_report(conn: &Connection, regime_id: i64, unit_id: i64, period: &str) -> Result<i64> {
    conn.execute(
        "INSERT INTO report(regime_id, unit_id, period) VALUES (?1, ?2, ?3)",
        params![regime_id, unit_id, period],
    )?;
    Ok(conn.last_insert_rowid())
}

#[derive(Debug, Clone, Serialize)]
pub struct Revision {
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub report_id: i64,
    #[serde(rename = "revision")]
    pub number: i64,
    #[serde(skip)]
    pub reference: String,
    pub form_code: String,
    pub form_version: i64,
    pub status: RevisionStatus,
    #[serde(skip)]
    pub values_digest: String,
    pub narrative: Option<String>,
    pub warnings: Vec<crate::entry::Warning>,
    pub created_at: String,
    pub sent_at: Option<String>,
    pub deadline: Option<String>,
    pub timeliness: Option<Timeliness>,
    pub channel: Option<String>,
    pub offline_doc: Option<String>,
    #[serde(skip)]
    pub signature: Option<String>,
    pub signed_by: Option<String>,
    #[serde(skip)]
    pub key_id: Option<i64>,
}

impl Revision {
    /// A new draft revision, not yet stored (its `id` is 0 until `insert_revision`):
    /// what every way of starting a revision has in common.
    pub fn draft(
        report_id: i64,
        number: i64,
        reference: String,
        form: (&str, i64),
        values: &ValueMap,
        narrative: Option<String>,
        created_at: &str,
    ) -> Revision {
        Revision {
            id: 0,
            report_id,
            number,
            reference,
            form_code: form.0.into(),
            form_version: form.1,
            status: RevisionStatus::Draft,
            values_digest: digest_values(values),
            narrative,
            warnings: Vec::new(),
            created_at: created_at.into(),
            sent_at: None,
            deadline: None,
            timeliness: None,
            channel: None,
            offline_doc: None,
            signature: None,
            signed_by: None,
            key_id: None,
        }
    }
}

const REV_SELECT: &str = "SELECT id, report_id, number, ref, form_code, form_version, status, values_digest, narrative, warnings, created_at,
    sent_at, deadline, timeliness, channel, offline_doc, signature, signed_by, key_id FROM revision";

fn rev_from(r: &Row<'_>) -> rusqlite::Result<Revision> {
    let warnings: Option<String> = r.get(9)?;
    Ok(Revision {
        id: r.get(0)?,
        report_id: r.get(1)?,
        number: r.get(2)?,
        reference: r.get(3)?,
        form_code: r.get(4)?,
        form_version: r.get(5)?,
        status: r.get(6)?,
        values_digest: r.get(7)?,
        narrative: r.get(8)?,
        warnings: warnings
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default(),
        created_at: r.get(10)?,
        sent_at: r.get(11)?,
        deadline: r.get(12)?,
        timeliness: r.get(13)?,
        channel: r.get(14)?,
        offline_doc: r.get(15)?,
        signature: r.get(16)?,
        signed_by: r.get(17)?,
        key_id: r.get(18)?,
    })
}

pub fn revisions(conn: &Connection, report_id: i64) -> Result<Vec<Revision>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{REV_SELECT} WHERE report_id = ?1 ORDER BY number"
    ))?;
    let rows = stmt.query_map([report_id], rev_from)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn all_revisions(conn: &Connection) -> Result<Vec<Revision>> {
    let mut stmt = conn.prepare_cached(&format!("{REV_SELECT} ORDER BY id"))?;
    let rows = stmt.query_map([], rev_from)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn insert_revision(conn: &Connection, rev: &Revision) -> Result<i64> {
    conn.execute(
        "INSERT INTO revision(ref, report_id, number, form_code, form_version, status, values_digest, narrative, warnings, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![rev.reference, rev.report_id, rev.number, rev.form_code, rev.form_version, rev.status, rev.values_digest, rev.narrative, serde_json::to_string(&rev.warnings)?, rev.created_at],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn save_revision(conn: &Connection, rev: &Revision) -> Result<()> {
    conn.execute(
        "UPDATE revision SET status = ?2, values_digest = ?3, narrative = ?4, warnings = ?5, sent_at = ?6, deadline = ?7, timeliness = ?8,
            channel = ?9, offline_doc = ?10, signature = ?11, signed_by = ?12, key_id = ?13 WHERE id = ?1",
        params![
            rev.id, rev.status, rev.values_digest, rev.narrative, serde_json::to_string(&rev.warnings)?, rev.sent_at, rev.deadline, rev.timeliness,
            rev.channel, rev.offline_doc, rev.signature, rev.signed_by, rev.key_id
        ],
    )?;
    Ok(())
}

pub fn values(conn: &Connection, revision_id: i64) -> Result<ValueMap> {
    let mut stmt = conn
        .prepare_cached("SELECT row_key, column_key, num, txt FROM value WHERE revision_id = ?1")?;
    let rows = stmt.query_map([revision_id], |r| {
        let (rk, ck, num, txt): (String, String, Option<String>, Option<String>) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        Ok((
            (rk, ck),
            match num {
                Some(n) => Stored::Num(n),
                None => Stored::Text(txt.unwrap_or_default()),
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every stored value of a revision in key order (row key, column key), borrowed from
/// the statement: `each(row, column, num, txt)`, the keys as raw bytes (compared, not
/// read: checking them as UTF-8 cost a twentieth of a national aggregate). Aggregation
/// reads a national period (a million values) this way without allocating per value.
pub fn each_value(
    conn: &Connection,
    revision_id: i64,
    each: impl FnMut(&[u8], &[u8], Option<&str>, Option<&str>),
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT row_key, column_key, num, txt FROM value WHERE revision_id = ?1 ORDER BY row_key, column_key",
    )?;
    let rows = stmt.query([revision_id])?;
    stream(rows, each)
}

/// [`each_value`] for the rows from `first` to `last` (row keys, inclusive) only (a
/// dashboard's few indicators and their parts out of a hundred rows): the key
/// (revision, row, column) seeks the first and stops after the last, the rest is
/// not read.
pub fn each_value_in_rows(
    conn: &Connection,
    revision_id: i64,
    first: &str,
    last: &str,
    each: impl FnMut(&[u8], &[u8], Option<&str>, Option<&str>),
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT row_key, column_key, num, txt FROM value
         WHERE revision_id = ?1 AND row_key >= ?2 AND row_key <= ?3 ORDER BY row_key, column_key",
    )?;
    let found = stmt.query(params![revision_id, first, last])?;
    stream(found, each)
}

/// Hands each (row key, column key, num, txt) row to `each`, borrowed.
fn stream(
    mut rows: rusqlite::Rows<'_>,
    mut each: impl FnMut(&[u8], &[u8], Option<&str>, Option<&str>),
) -> Result<()> {
    while let Some(r) = rows.next()? {
        let text =
            |i: usize| -> rusqlite::Result<Option<&str>> { Ok(r.get_ref(i)?.as_str_or_null()?) };
        let key = |i: usize| -> rusqlite::Result<&[u8]> {
            Ok(r.get_ref(i)?.as_bytes_or_null()?.unwrap_or_default())
        };
        each(key(0)?, key(1)?, text(2)?, text(3)?);
    }
    Ok(())
}

pub fn replace_values(conn: &Connection, revision_id: i64, values: &ValueMap) -> Result<()> {
    conn.execute("DELETE FROM value WHERE revision_id = ?1", [revision_id])?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO value(revision_id, row_key, column_key, num, txt) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for ((r, c), v) in values {
        match v {
            Stored::Num(n) => {
                stmt.execute(params![revision_id, r, c, n, Option::<String>::None])?
            }
            Stored::Text(t) => {
                stmt.execute(params![revision_id, r, c, Option::<String>::None, t])?
            }
        };
    }
    Ok(())
}

/// The digest that ties stored values to their revision row (checked by `audit verify`).
pub fn digest_values(values: &ValueMap) -> String {
    let text = serde_json::to_string(
        &values
            .iter()
            .map(|((r, c), v)| (r, c, v))
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    super::audit::sha256_hex(text.as_bytes())
}

#[allow(clippy::too_many_arguments)]
pub fn insert_transition(
    conn: &Connection,
    revision_id: i64,
    action: &str,
    from: Option<RevisionStatus>,
    to: RevisionStatus,
    actor: &str,
    at: &str,
    comment: Option<&str>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO transition(revision_id, action, from_status, to_status, actor, at, comment) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![revision_id, action, from, to, actor, at, comment],
    )?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct Transition {
    pub revision: i64,
    pub action: String,
    pub from: Option<String>,
    pub to: String,
    pub actor: String,
    pub at: String,
    pub comment: Option<String>,
}

pub fn transitions(conn: &Connection, report_id: i64) -> Result<Vec<Transition>> {
    let mut stmt = conn.prepare_cached(
        "SELECT v.number, t.action, t.from_status, t.to_status, t.actor, t.at, t.comment FROM transition t
         JOIN revision v ON v.id = t.revision_id WHERE v.report_id = ?1 ORDER BY t.id",
    )?;
    let rows = stmt.query_map([report_id], |r| {
        Ok(Transition {
            revision: r.get(0)?,
            action: r.get(1)?,
            from: r.get(2)?,
            to: r.get(3)?,
            actor: r.get(4)?,
            at: r.get(5)?,
            comment: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Clone, Serialize)]
pub struct Attachment {
    pub name: String,
    pub sha256: String,
    pub size: i64,
    pub added_at: String,
}

/// The SHA-256 of each attachment's bytes as stored now, in order: what a signature
/// covers (not the recorded `sha256` column, which could be edited to match).
pub fn attachment_digests(conn: &Connection, revision_id: i64) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT content FROM attachment WHERE revision_id = ?1 ORDER BY id")?;
    let rows = stmt.query_map([revision_id], |r| {
        let bytes: Vec<u8> = r.get(0)?;
        Ok(super::audit::sha256_hex(&bytes))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn attachments(conn: &Connection, revision_id: i64) -> Result<Vec<Attachment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT name, sha256, size, added_at FROM attachment WHERE revision_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([revision_id], |r| {
        Ok(Attachment {
            name: r.get(0)?,
            sha256: r.get(1)?,
            size: r.get(2)?,
            added_at: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn insert_attachment(
    conn: &Connection,
    revision_id: i64,
    name: &str,
    sha: &str,
    content: &[u8],
    at: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO attachment(revision_id, name, sha256, size, content, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![revision_id, name, sha, content.len() as i64, content, at],
    )?;
    Ok(())
}

pub fn copy_attachments(conn: &Connection, from: i64, to: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO attachment(revision_id, name, sha256, size, content, added_at) SELECT ?2, name, sha256, size, content, added_at FROM attachment WHERE revision_id = ?1",
        params![from, to],
    )?;
    Ok(())
}

pub fn active_key(conn: &Connection, account_id: i64) -> Result<Option<(i64, String)>> {
    Ok(conn
        .query_row("SELECT id, public_key FROM account_key WHERE account_id = ?1 AND revoked_at IS NULL ORDER BY id DESC LIMIT 1", [account_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

pub fn key_by_id(conn: &Connection, id: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT public_key FROM account_key WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// Revokes an account's active signing keys; returns their ids (to be audited).
pub fn revoke_keys(conn: &Connection, account_id: i64, at: &str) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "UPDATE account_key SET revoked_at = ?2 WHERE account_id = ?1 AND revoked_at IS NULL RETURNING id",
    )?;
    let ids = stmt
        .query_map(params![account_id, at], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

/// Adds a signing key; the caller revokes the previous ones first ([`revoke_keys`]) and
/// records both in the audit trail.
pub fn insert_key(conn: &Connection, account_id: i64, public_key: &str, at: &str) -> Result<i64> {
    conn.execute(
        "INSERT INTO account_key(account_id, public_key, created_at) VALUES (?1, ?2, ?3)",
        params![account_id, public_key, at],
    )?;
    Ok(conn.last_insert_rowid())
}

/// A report's coordinates: (report id, regime id, unit id, unit code, period).
pub type ReportKey = (i64, i64, i64, String, String);

/// Every report of a regime (or all), with its unit code.
pub fn reports(
    conn: &Connection,
    regime_id: Option<i64>,
    period: Option<&str>,
) -> Result<Vec<ReportKey>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, r.regime_id, r.unit_id, u.code, r.period FROM report r JOIN unit u ON u.id = r.unit_id
         WHERE (?1 IS NULL OR r.regime_id = ?1) AND (?2 IS NULL OR r.period = ?2) ORDER BY r.regime_id, r.period, u.code",
    )?;
    let rows = stmt.query_map(params![regime_id, period], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every revision's stored values digest next to the digest of the values it holds now:
/// a value edited behind the tool's back makes them differ.
pub fn value_digests(conn: &Connection) -> Result<Vec<(String, String, String)>> {
    let mut out = Vec::new();
    for rev in all_revisions(conn)? {
        let now = digest_values(&values(conn, rev.id)?);
        out.push((rev.reference, rev.values_digest, now));
    }
    Ok(out)
}

use rusqlite::types::Type;

/// A text column that may be NULL, as `get::<Option<String>>` reads it: anything but
/// text (a blob) or text that is not UTF-8 is an error.
fn text_at<'r>(row: &'r Row<'_>, i: usize) -> rusqlite::Result<Option<&'r str>> {
    let v = row.get_ref(i)?;
    let ty = v.data_type();
    v.as_str_or_null()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, ty, Box::new(e)))
}

/// A text column, as `get::<String>` reads it (NULL is an error too).
fn text_req<'r>(row: &'r Row<'_>, i: usize) -> rusqlite::Result<&'r str> {
    text_at(row, i)?.ok_or_else(|| rusqlite::Error::InvalidColumnType(i, String::new(), Type::Null))
}

/// How many revisions there are (of every report).
pub fn revision_count(conn: &Connection) -> Result<u64> {
    let n: i64 = conn.query_row("SELECT COUNT(*) FROM revision", [], |r| r.get(0))?;
    Ok(n.max(0) as u64)
}

/// What the ordered pass over the values found.
#[derive(Debug, Default, Clone, Copy)]
pub struct ValuePass {
    /// Values read (those of existing revisions).
    pub values: u64,
    /// Values whose revision does not exist (foreign key violations).
    pub orphans: u64,
}

/// Which revisions a pass over the values covers: split at a revision id, two passes
/// (on two connections) share the work. Values of no revision fall in one of the two
/// (NULL in neither: it refers to none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revisions {
    All,
    Below(i64),
    From(i64),
}

/// The revision id that splits the revisions in two halves, if there are two.
pub fn middle_revision(conn: &Connection) -> Result<Option<i64>> {
    let n = revision_count(conn)?;
    if n < 2 {
        return Ok(None);
    }
    Ok(conn
        .query_row(
            "SELECT id FROM revision ORDER BY id LIMIT 1 OFFSET ?1",
            [(n / 2) as i64],
            |r| r.get(0),
        )
        .optional()?)
}

/// Every revision's stored values digest beside the digest of the values it holds now
/// (the same as [`value_digests`]), handed to `f` revision by revision as
/// (reference, stored, now): a value edited behind the tool's back makes them differ.
/// One pass over the `value` table in its primary key's order (revision, row, column:
/// the order `digest_values` spells a revision's values in), merged with the revisions
/// in id order and hashed as it is read, so only one revision's reference is held.
/// Values of no revision are counted, not digested.
pub fn each_value_digest(
    conn: &Connection,
    which: Revisions,
    mut f: impl FnMut(&str, &str, &str) -> Result<()>,
) -> Result<ValuePass> {
    const REVS: &str = "SELECT id, ref, values_digest FROM revision";
    // num or, when there is none, txt: what the digest spells (one column fewer to read).
    const VALS: &str = "SELECT revision_id, row_key, column_key, coalesce(num, txt) FROM value";
    const ORDER: &str = "ORDER BY revision_id, row_key, column_key";
    let (revs_sql, vals_sql, bound) = match which {
        Revisions::All => (
            format!("{REVS} ORDER BY id"),
            format!("{VALS} {ORDER}"),
            None,
        ),
        Revisions::Below(id) => (
            format!("{REVS} WHERE id < ?1 ORDER BY id"),
            format!("{VALS} WHERE revision_id < ?1 {ORDER}"),
            Some(id),
        ),
        Revisions::From(id) => (
            format!("{REVS} WHERE id >= ?1 ORDER BY id"),
            format!("{VALS} WHERE revision_id >= ?1 {ORDER}"),
            Some(id),
        ),
    };
    let mut revs = conn.prepare_cached(&revs_sql)?;
    let mut vals = conn.prepare_cached(&vals_sql)?;
    let (mut revs, mut vals) = match bound {
        Some(id) => (revs.query([id])?, vals.query([id])?),
        None => (revs.query([])?, vals.query([])?),
    };
    let mut pass = ValuePass::default();
    let mut d = super::audit::JsonDigest::default();
    let mut next = vals.next()?;
    while let Some(rev) = revs.next()? {
        let id: i64 = rev.get(0)?;
        d.raw(b"[");
        let mut first = true;
        while let Some(v) = next {
            use rusqlite::types::ValueRef;
            match v.get_ref(0)? {
                ValueRef::Integer(r) if r == id => {
                    let (rk, ck) = (text_req(v, 1)?, text_req(v, 2)?);
                    let value = text_at(v, 3)?.unwrap_or_default();
                    d.value(first, rk, ck, value);
                    first = false;
                    pass.values += 1;
                }
                // Later revisions' values (text and blobs sort after every number).
                ValueRef::Integer(r) if r > id => break,
                ValueRef::Real(r) if r > id as f64 => break,
                ValueRef::Text(_) | ValueRef::Blob(_) => break,
                // No revision (a NULL refers to none: not a foreign key violation).
                ValueRef::Null => {}
                _ => pass.orphans += 1,
            }
            next = vals.next()?;
        }
        d.raw(b"]");
        let now = d.finish();
        let (reference, stored): (String, String) = (rev.get(1)?, rev.get(2)?);
        f(&reference, &stored, &now)?;
    }
    // What is left belongs to no revision.
    while let Some(v) = next {
        if v.get_ref(0)? != rusqlite::types::ValueRef::Null {
            pass.orphans += 1;
        }
        next = vals.next()?;
    }
    Ok(pass)
}

/// One unit's reports of a regime: (report id, period), for its own history.
pub fn unit_reports(conn: &Connection, regime_id: i64, unit_id: i64) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, period FROM report WHERE regime_id = ?1 AND unit_id = ?2 ORDER BY period",
    )?;
    let rows = stmt.query_map(params![regime_id, unit_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One report to store as already accepted, for generated data sets (`demo --scale
/// national`): everything the workflow would have written for it, in one call.
pub struct Accepted<'a> {
    pub regime_id: i64,
    pub unit_id: i64,
    pub period: &'a str,
    pub revision: &'a Revision,
    pub values: &'a ValueMap,
    /// (action, from, to, actor, at), in order.
    pub transitions: &'a [(
        &'a str,
        Option<RevisionStatus>,
        RevisionStatus,
        &'a str,
        &'a str,
    )],
}

/// Stores a report with one accepted revision, its values and its transitions, with
/// cached statements (the bulk path); returns the revision id. The caller records the
/// revision in the audit trail.
pub fn insert_accepted(conn: &Connection, a: &Accepted<'_>) -> Result<i64> {
    let mut report = conn.prepare_cached(
        "INSERT INTO report(regime_id, unit_id, period) VALUES (?1, ?2, ?3) RETURNING id",
    )?;
    let report_id: i64 =
        report.query_row(params![a.regime_id, a.unit_id, a.period], |r| r.get(0))?;
    let rev = a.revision;
    let mut insert = conn.prepare_cached(
        "INSERT INTO revision(ref, report_id, number, form_code, form_version, status, values_digest, narrative, warnings,
            created_at, sent_at, deadline, timeliness, channel, offline_doc, signature, signed_by, key_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18) RETURNING id",
    )?;
    let revision_id: i64 = insert.query_row(
        params![
            rev.reference,
            report_id,
            rev.number,
            rev.form_code,
            rev.form_version,
            rev.status,
            rev.values_digest,
            rev.narrative,
            serde_json::to_string(&rev.warnings)?,
            rev.created_at,
            rev.sent_at,
            rev.deadline,
            rev.timeliness,
            rev.channel,
            rev.offline_doc,
            rev.signature,
            rev.signed_by,
            rev.key_id
        ],
        |r| r.get(0),
    )?;
    let mut value = conn.prepare_cached(
        "INSERT INTO value(revision_id, row_key, column_key, num, txt) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for ((r, c), v) in a.values {
        match v {
            Stored::Num(n) => value.execute(params![revision_id, r, c, n, Option::<&str>::None])?,
            Stored::Text(t) => {
                value.execute(params![revision_id, r, c, Option::<&str>::None, t])?
            }
        };
    }
    let mut transition = conn.prepare_cached(
        "INSERT INTO transition(revision_id, action, from_status, to_status, actor, at, comment) VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL)",
    )?;
    for (action, from, to, actor, at) in a.transitions {
        transition.execute(params![revision_id, action, from, to, actor, at])?;
    }
    Ok(revision_id)
}

/// Every revision of a regime's reports for the given periods, by (unit id, period),
/// each report's revisions in order: one query for a whole monitoring run. Light
/// revisions: number, status, sent at and timeliness (what the `revision_monitor`
/// index covers); the other fields are left empty.
pub fn revisions_by_report(
    conn: &Connection,
    regime_id: i64,
    periods: &[String],
) -> Result<std::collections::HashMap<(i64, String), Vec<Revision>>> {
    let mut stmt = conn.prepare(
        "SELECT v.report_id, v.number, v.status, v.sent_at, v.timeliness, r.unit_id, r.period
         FROM report r JOIN revision v INDEXED BY revision_monitor ON v.report_id = r.id
         WHERE r.regime_id = ?1 AND r.period IN (SELECT value FROM json_each(?2))",
    )?;
    let rows = stmt.query_map(params![regime_id, serde_json::to_string(periods)?], |r| {
        Ok((
            (r.get::<_, i64>(5)?, r.get::<_, String>(6)?),
            Revision {
                id: 0,
                report_id: r.get(0)?,
                number: r.get(1)?,
                reference: String::new(),
                form_code: String::new(),
                form_version: 0,
                status: r.get(2)?,
                values_digest: String::new(),
                narrative: None,
                warnings: Vec::new(),
                created_at: String::new(),
                sent_at: r.get(3)?,
                deadline: None,
                timeliness: r.get(4)?,
                channel: None,
                offline_doc: None,
                signature: None,
                signed_by: None,
                key_id: None,
            },
        ))
    })?;
    let mut out: std::collections::HashMap<(i64, String), Vec<Revision>> =
        std::collections::HashMap::new();
    for row in rows {
        let (key, rev) = row?;
        out.entry(key).or_default().push(rev);
    }
    // The index gives each report's revisions in order; say so rather than rely on it.
    for revs in out.values_mut() {
        revs.sort_by_key(|r| r.number);
    }
    Ok(out)
}

/// Every revision of a regime's reports for one period with its unit's code, each
/// report's revisions in order (the status sheet of an export).
pub fn period_revisions(
    conn: &Connection,
    regime_id: i64,
    period: &str,
) -> Result<Vec<(String, Revision)>> {
    let mut stmt = conn.prepare(
        "SELECT v.id, v.report_id, v.number, v.ref, v.form_code, v.form_version, v.status, v.values_digest, v.narrative,
            v.warnings, v.created_at, v.sent_at, v.deadline, v.timeliness, v.channel, v.offline_doc, v.signature, v.signed_by,
            v.key_id, u.code
         FROM report r JOIN revision v ON v.report_id = r.id JOIN unit u ON u.id = r.unit_id
         WHERE r.regime_id = ?1 AND r.period = ?2 ORDER BY v.report_id, v.number",
    )?;
    let rows = stmt.query_map(params![regime_id, period], |r| {
        Ok((r.get::<_, String>(19)?, rev_from(r)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What aggregation needs to know of a revision to count it and check its
/// signature: a light [`Revision`] (no warnings to parse, no digests).
#[derive(Debug, Clone)]
pub struct Counting {
    pub id: i64,
    pub number: i64,
    pub status: RevisionStatus,
    pub sent: bool,
    pub form_code: String,
    pub form_version: i64,
    pub narrative: Option<String>,
    pub signature: Option<String>,
    pub key_id: Option<i64>,
}

/// Every revision of a regime's period as [`Counting`], with its unit's code, in
/// report and revision order.
pub fn period_counting(
    conn: &Connection,
    regime_id: i64,
    period: &str,
) -> Result<Vec<(String, Counting)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.code, v.id, v.number, v.status, v.sent_at IS NOT NULL, v.form_code, v.form_version,
                v.narrative, v.signature, v.key_id
         FROM report r JOIN revision v ON v.report_id = r.id JOIN unit u ON u.id = r.unit_id
         WHERE r.regime_id = ?1 AND r.period = ?2 ORDER BY v.report_id, v.number",
    )?;
    let rows = stmt.query_map(params![regime_id, period], |r| {
        Ok((
            r.get::<_, String>(0)?,
            Counting {
                id: r.get(1)?,
                number: r.get(2)?,
                status: r.get(3)?,
                sent: r.get(4)?,
                form_code: r.get(5)?,
                form_version: r.get(6)?,
                narrative: r.get(7)?,
                signature: r.get(8)?,
                key_id: r.get(9)?,
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every transition of a regime's reports for one period with its unit's code, in the
/// order they happened.
pub fn period_transitions(
    conn: &Connection,
    regime_id: i64,
    period: &str,
) -> Result<Vec<(String, Transition)>> {
    let mut stmt = conn.prepare(
        "SELECT v.number, t.action, t.from_status, t.to_status, t.actor, t.at, t.comment, u.code
         FROM report r JOIN revision v ON v.report_id = r.id JOIN transition t ON t.revision_id = v.id
         JOIN unit u ON u.id = r.unit_id
         WHERE r.regime_id = ?1 AND r.period = ?2 ORDER BY t.id",
    )?;
    let rows = stmt.query_map(params![regime_id, period], |r| {
        Ok((
            r.get::<_, String>(7)?,
            Transition {
                revision: r.get(0)?,
                action: r.get(1)?,
                from: r.get(2)?,
                to: r.get(3)?,
                actor: r.get(4)?,
                at: r.get(5)?,
                comment: r.get(6)?,
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::testing::Province;

    fn streamed(conn: &Connection) -> (Vec<(String, String, String)>, ValuePass) {
        let mut out = Vec::new();
        let pass = each_value_digest(conn, Revisions::All, |r, s, n| {
            out.push((r.to_string(), s.to_string(), n.to_string()));
            Ok(())
        })
        .unwrap();
        (out, pass)
    }

    #[test]
    fn one_ordered_pass_digests_values_as_one_query_per_revision_does() {
        let p = Province::new();
        let conn = Connection::open(&p.db).unwrap();
        let (before, pass) = streamed(&conn);
        assert_eq!(before, value_digests(&conn).unwrap());
        assert!(pass.values > 0 && pass.orphans == 0);
        assert!(before.iter().all(|(_, stored, now)| stored == now));
        // Values edited, removed and added behind the tool's back; values of no
        // revision, one of them before the first revision, are counted, not digested.
        conn.execute_batch(
            "PRAGMA foreign_keys = OFF;
             UPDATE value SET num = '9999' WHERE (revision_id, row_key, column_key) =
               (SELECT revision_id, row_key, column_key FROM value WHERE num <> '9999' LIMIT 1);
             DELETE FROM value WHERE revision_id = (SELECT MAX(revision_id) FROM value)
               AND row_key = (SELECT MAX(row_key) FROM value WHERE revision_id = (SELECT MAX(revision_id) FROM value));
             INSERT INTO value(revision_id, row_key, column_key, num, txt)
               SELECT MIN(id), 'r\"', 'c\\', NULL, 'ghi chú' || char(10) FROM revision;
             INSERT INTO value(revision_id, row_key, column_key, num, txt) VALUES
               (-1, 'r', 'c', '1', NULL), (999999, 'r', 'c', '1', NULL), ('x', 'r', 'c', '1', NULL);",
        )
        .unwrap();
        let (after, pass) = streamed(&conn);
        assert_eq!(after, value_digests(&conn).unwrap());
        assert_eq!(pass.orphans, 3);
        let changed = after.iter().filter(|(_, s, n)| s != n).count();
        assert!(changed >= 2, "{changed}");
    }
}
