//! SQL of the audit trail: appending hash-chained entries and reading them back, and the
//! canonical snapshot of an audited row that entries record.

use std::collections::{BTreeMap, HashMap};

use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::Result;

/// A table whose rows are audited objects: every change to a row is recorded with a
/// digest of the row, so a change made behind the tool's back shows up in `audit verify`.
/// A migration that adds a column to an audited table must list it in `volatile` (or
/// record new digests), or every row written before it stops verifying.
pub struct AuditedTable {
    /// The object kind in `audit_log.object` (`unit:CODE`).
    pub kind: &'static str,
    pub table: &'static str,
    pub key: &'static str,
    /// Bookkeeping columns that change without an audited action (last login, …).
    pub volatile: &'static [&'static str],
}

pub const AUDITED: &[AuditedTable] = &[
    AuditedTable {
        kind: "unit",
        table: "unit",
        key: "code",
        volatile: &[],
    },
    AuditedTable {
        kind: "lineage",
        table: "unit_lineage",
        key: "id",
        volatile: &[],
    },
    AuditedTable {
        kind: "account",
        table: "account",
        key: "username",
        volatile: &["last_login_at", "failed_attempts", "locked_until"],
    },
    AuditedTable {
        kind: "grant",
        table: "role_grant",
        key: "id",
        volatile: &[],
    },
    AuditedTable {
        kind: "request",
        table: "request",
        key: "id",
        volatile: &[],
    },
    AuditedTable {
        kind: "token",
        table: "api_token",
        key: "id",
        volatile: &["last_used_at"],
    },
    AuditedTable {
        kind: "calendar",
        table: "calendar_override",
        key: "date",
        volatile: &[],
    },
    AuditedTable {
        kind: "indicator",
        table: "indicator",
        key: "code",
        volatile: &[],
    },
    AuditedTable {
        kind: "form",
        table: "form",
        key: "ref",
        volatile: &[],
    },
    AuditedTable {
        kind: "regime",
        table: "regime",
        key: "code",
        volatile: &[],
    },
    AuditedTable {
        kind: "assignment",
        table: "assignment",
        key: "ref",
        // Added by migration 0005 and derived from changed_at: outside the digest, so
        // rows recorded before it still verify.
        volatile: &["assigned_at"],
    },
    AuditedTable {
        kind: "window",
        table: "reception_window",
        key: "id",
        volatile: &[],
    },
    AuditedTable {
        kind: "revision",
        table: "revision",
        key: "ref",
        volatile: &[],
    },
    AuditedTable {
        kind: "notice",
        table: "notice",
        key: "id",
        volatile: &[],
    },
    AuditedTable {
        kind: "outage",
        table: "outage",
        key: "id",
        volatile: &[],
    },
    AuditedTable {
        kind: "key",
        table: "account_key",
        key: "id",
        volatile: &[],
    },
    // A sign-in: recorded when it starts and ends, so a session row planted with the
    // sqlite3 shell is found (and refused when used).
    AuditedTable {
        kind: "session",
        table: "session",
        key: "id",
        volatile: &[],
    },
];

/// Rows audited as groups owned by an audited object: the digest of all of one owner's
/// rows (`transition:REVISION`). Every change recorded for the owner also records its
/// groups whose digest changed, so the code that adds such rows needs no audit call of
/// its own beyond the owner's.
pub struct AuditedGroup {
    /// The object kind in `audit_log.object` (`transition:REF`).
    pub kind: &'static str,
    /// The kind of the owning object (`revision`).
    pub owner: &'static str,
    /// Every row with its owner's key first (`owner`), one owner's rows together (ordered
    /// by the owner's id) and in the same order as `one` gives them, so the groups can be
    /// digested one at a time.
    pub all: &'static str,
    /// The same for one owner (`?1`).
    pub one: &'static str,
}

pub const AUDITED_GROUPS: &[AuditedGroup] = &[
    AuditedGroup {
        kind: "password_history",
        owner: "account",
        all: "SELECT a.username AS owner, p.* FROM password_history p JOIN account a ON a.id = p.account_id ORDER BY p.account_id, p.id",
        one: "SELECT a.username AS owner, p.* FROM password_history p JOIN account a ON a.id = p.account_id WHERE a.username = ?1 ORDER BY p.id",
    },
    AuditedGroup {
        kind: "form_row",
        owner: "form",
        all: "SELECT f.ref AS owner, r.* FROM form_row r JOIN form f ON f.id = r.form_id ORDER BY r.form_id, r.row_key",
        one: "SELECT f.ref AS owner, r.* FROM form_row r JOIN form f ON f.id = r.form_id WHERE f.ref = ?1 ORDER BY r.form_id, r.row_key",
    },
    AuditedGroup {
        kind: "transition",
        owner: "revision",
        all: "SELECT v.ref AS owner, t.* FROM transition t JOIN revision v ON v.id = t.revision_id ORDER BY t.revision_id, t.id",
        one: "SELECT v.ref AS owner, t.* FROM transition t JOIN revision v ON v.id = t.revision_id WHERE v.ref = ?1 ORDER BY t.id",
    },
    AuditedGroup {
        kind: "attachment",
        owner: "revision",
        all: "SELECT v.ref AS owner, a.* FROM attachment a JOIN revision v ON v.id = a.revision_id ORDER BY a.revision_id, a.id",
        one: "SELECT v.ref AS owner, a.* FROM attachment a JOIN revision v ON v.id = a.revision_id WHERE v.ref = ?1 ORDER BY a.id",
    },
    // A regime's outline template (mẫu đề cương), recorded with its regime.
    AuditedGroup {
        kind: "outline",
        owner: "regime",
        all: "SELECT r.code AS owner, o.* FROM regime_outline o JOIN regime r ON r.id = o.regime_id ORDER BY o.regime_id",
        one: "SELECT r.code AS owner, o.* FROM regime_outline o JOIN regime r ON r.id = o.regime_id WHERE r.code = ?1",
    },
    // A regime's delegated approvals of the figures (migration 0020), with its regime.
    AuditedGroup {
        kind: "delegation",
        owner: "regime",
        all: "SELECT g.code AS owner, d.* FROM data_approval_delegation d JOIN regime g ON g.id = d.regime_id ORDER BY d.regime_id, d.unit_id, d.account_id",
        one: "SELECT g.code AS owner, d.* FROM data_approval_delegation d JOIN regime g ON g.id = d.regime_id WHERE g.code = ?1 ORDER BY d.unit_id, d.account_id",
    },
    // An imported aggregate's components and the document it came from (federation).
    AuditedGroup {
        kind: "component",
        owner: "revision",
        all: "SELECT v.ref AS owner, c.* FROM revision_component c JOIN revision v ON v.id = c.revision_id ORDER BY c.revision_id, c.row_key, c.column_key",
        one: "SELECT v.ref AS owner, c.* FROM revision_component c JOIN revision v ON v.id = c.revision_id WHERE v.ref = ?1 ORDER BY c.row_key, c.column_key",
    },
    // A regime's versions of its rules and its requests (migration 0013).
    AuditedGroup {
        kind: "regime_version",
        owner: "regime",
        all: "SELECT g.code AS owner, v.* FROM regime_version v JOIN regime g ON g.id = v.regime_id ORDER BY v.regime_id, v.seq",
        one: "SELECT g.code AS owner, v.* FROM regime_version v JOIN regime g ON g.id = v.regime_id WHERE g.code = ?1 ORDER BY v.seq",
    },
    AuditedGroup {
        kind: "regime_request",
        owner: "regime",
        all: "SELECT g.code AS owner, q.* FROM regime_request q JOIN regime g ON g.id = q.regime_id ORDER BY q.regime_id, q.id",
        one: "SELECT g.code AS owner, q.* FROM regime_request q JOIN regime g ON g.id = q.regime_id WHERE g.code = ?1 ORDER BY q.id",
    },
    AuditedGroup {
        kind: "revision_document",
        owner: "revision",
        all: "SELECT v.ref AS owner, d.* FROM revision_document d JOIN revision v ON v.id = d.revision_id ORDER BY d.revision_id",
        one: "SELECT v.ref AS owner, d.* FROM revision_document d JOIN revision v ON v.id = d.revision_id WHERE v.ref = ?1",
    },
];

/// Columns added to an audited table after rows were recorded, left out of the digest
/// while NULL (rows written before the column still verify; a value set is covered).
const ADDED_NULLABLE: &[(&str, &str)] = &[
    ("assignment", "from_period"),
    ("assignment", "until_period"),
];

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn table_of(kind: &str) -> Option<&'static AuditedTable> {
    AUDITED.iter().find(|t| t.kind == kind)
}

fn value_of(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(f) => Value::from(f),
        ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::from(hex::encode(b)),
    }
}

/// The key of an audited row as its object names it (`unit:KEY`).
fn key_of(v: ValueRef<'_>) -> String {
    match value_of(v) {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

/// Whether a column's value is JSON `null` in a digest (SQL NULL, or a real that JSON
/// cannot spell).
fn is_null(v: ValueRef<'_>) -> bool {
    match v {
        ValueRef::Null => true,
        ValueRef::Real(f) => !f.is_finite(),
        _ => false,
    }
}

/// The SHA-256 of a JSON text written piece by piece: the digest of what
/// `serde_json::to_string` gives for the same values (a map of a row's columns, a list
/// of a group's rows, a revision's values), without building the values or the text.
/// A verification reads millions of values; this allocates nothing per value.
pub struct JsonDigest {
    hasher: Sha256,
    buf: Vec<u8>,
}

impl Default for JsonDigest {
    fn default() -> Self {
        JsonDigest {
            hasher: Sha256::new(),
            buf: Vec::with_capacity(JsonDigest::SPILL + 1024),
        }
    }
}

impl JsonDigest {
    /// The text is hashed in pieces of about this size.
    const SPILL: usize = 1 << 16;

    #[inline]
    fn spill(&mut self) {
        if self.buf.len() >= Self::SPILL {
            self.hasher.update(&self.buf);
            self.buf.clear();
        }
    }

    /// One report value as `digest_values` spells it, `["row","column","value"]`, after a
    /// comma unless it is the `first`.
    #[inline]
    pub fn value(&mut self, first: bool, row: &str, column: &str, value: &str) {
        if !first {
            self.buf.push(b',');
        }
        self.buf.push(b'[');
        self.put_str(row);
        self.buf.push(b',');
        self.put_str(column);
        self.buf.push(b',');
        self.put_str(value);
        self.buf.push(b']');
        self.spill();
    }

    #[inline]
    fn put_str(&mut self, s: &str) {
        if s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
            // Writing into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut self.buf, s);
        } else {
            self.buf.push(b'"');
            self.buf.extend_from_slice(s.as_bytes());
            self.buf.push(b'"');
        }
    }

    /// JSON punctuation or a literal, as is.
    #[inline]
    pub fn raw(&mut self, text: &[u8]) {
        self.buf.extend_from_slice(text);
        self.spill();
    }

    /// A JSON string, escaped as serde_json escapes it.
    pub fn str(&mut self, s: &str) {
        self.put_str(s);
        self.spill();
    }

    /// A column's value as `value_of` spells it, or with `blob_digest` as
    /// `group_value_of` does (a blob by its SHA-256).
    fn sql(&mut self, v: ValueRef<'_>, blob_digest: bool) {
        match v {
            ValueRef::Null => self.buf.extend_from_slice(b"null"),
            // serde_json's own number formatting, as a `Value` would be written.
            ValueRef::Integer(i) => {
                let _ = serde_json::to_writer(&mut self.buf, &i);
            }
            ValueRef::Real(f) => {
                let _ = serde_json::to_writer(&mut self.buf, &f);
            }
            ValueRef::Text(t) => self.str(&String::from_utf8_lossy(t)),
            ValueRef::Blob(b) if blob_digest => self.str(&format!("sha256:{}", sha256_hex(b))),
            ValueRef::Blob(b) => self.str(&hex::encode(b)),
        }
        self.spill();
    }

    /// The digest of everything written since the last one, in hex.
    pub fn finish(&mut self) -> String {
        self.hasher.update(&self.buf);
        self.buf.clear();
        hex::encode(self.hasher.finalize_reset())
    }
}

/// The columns a row's digest spells, by name (as a map orders them): (index, name).
fn layout(names: &[String], skip: usize, keep: impl Fn(&str) -> bool) -> Vec<(usize, String)> {
    let cols: BTreeMap<&str, usize> = names
        .iter()
        .enumerate()
        .skip(skip)
        .filter(|(_, n)| keep(n))
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    cols.into_iter().map(|(n, i)| (i, n.to_string())).collect()
}

/// One row as a JSON object of its columns in `cols`: an audited table's row (`table`,
/// leaving out unset columns added later) or a group's row (blobs by their digest).
fn row_json(
    d: &mut JsonDigest,
    row: &rusqlite::Row<'_>,
    cols: &[(usize, String)],
    table: Option<&AuditedTable>,
) -> Result<()> {
    d.raw(b"{");
    let mut first = true;
    for (i, name) in cols {
        let v = row.get_ref(*i)?;
        if let Some(t) = table {
            if is_null(v) && ADDED_NULLABLE.contains(&(t.table, name.as_str())) {
                continue;
            }
        }
        if !first {
            d.raw(b",");
        }
        first = false;
        d.str(name);
        d.raw(b":");
        d.sql(v, table.is_none());
    }
    d.raw(b"}");
    Ok(())
}

/// The groups a query returns (owner key first, one owner's rows together), handed to
/// `f` one at a time as (owner key, digest).
fn each_group_of(
    conn: &Connection,
    sql: &str,
    owner: Option<&str>,
    mut f: impl FnMut(String, String) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(sql)?;
    let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    let cols = layout(&names, 1, |_| true);
    let mut rows = match owner {
        Some(o) => stmt.query([o])?,
        None => stmt.query([])?,
    };
    let mut d = JsonDigest::default();
    let mut current: Option<String> = None;
    while let Some(row) = rows.next()? {
        let key = key_of(row.get_ref(0)?);
        if current.as_ref() == Some(&key) {
            d.raw(b",");
        } else {
            if let Some(done) = current.take() {
                d.raw(b"]");
                f(done, d.finish())?;
            }
            d.raw(b"[");
            current = Some(key);
        }
        row_json(&mut d, row, &cols, None)?;
    }
    if let Some(done) = current {
        d.raw(b"]");
        f(done, d.finish())?;
    }
    Ok(())
}

/// Every group of one kind, handed to `f` one at a time as (owner key, digest).
pub fn each_group_digest(
    conn: &Connection,
    g: &AuditedGroup,
    f: impl FnMut(String, String) -> Result<()>,
) -> Result<()> {
    each_group_of(conn, g.all, None, f)
}

/// Digests of every group of one kind, by owner key.
pub fn group_digests(conn: &Connection, g: &AuditedGroup) -> Result<HashMap<String, String>> {
    let mut out = HashMap::new();
    each_group_digest(conn, g, |k, d| {
        out.insert(k, d);
        Ok(())
    })?;
    Ok(out)
}

/// The groups owned by objects of `owner_kind`.
pub fn groups_of(owner_kind: &str) -> impl Iterator<Item = &'static AuditedGroup> + '_ {
    AUDITED_GROUPS.iter().filter(move |g| g.owner == owner_kind)
}

/// The state last recorded for an object, if any.
pub fn latest_state(conn: &Connection, object: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT state FROM audit_log WHERE object = ?1 AND state IS NOT NULL ORDER BY id DESC LIMIT 1",
        )?
        .query_row([object], |r| r.get(0))
        .optional()?)
}

/// Every row of an audited table, handed to `f` one at a time as (key, digest): one
/// query, not one per row.
pub fn each_table_digest(
    conn: &Connection,
    t: &AuditedTable,
    mut f: impl FnMut(String, String) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(&format!("SELECT * FROM {}", t.table))?;
    let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    let key_idx = names.iter().position(|n| n == t.key).unwrap_or(0);
    let cols = layout(&names, 0, |n| !t.volatile.contains(&n));
    let mut rows = stmt.query([])?;
    let mut d = JsonDigest::default();
    while let Some(row) = rows.next()? {
        row_json(&mut d, row, &cols, Some(t))?;
        f(key_of(row.get_ref(key_idx)?), d.finish())?;
    }
    Ok(())
}

/// Digests of every row of an audited table, by key.
pub fn table_digests(conn: &Connection, t: &AuditedTable) -> Result<HashMap<String, String>> {
    let mut out = HashMap::new();
    each_table_digest(conn, t, |k, d| {
        out.insert(k, d);
        Ok(())
    })?;
    Ok(out)
}

/// The digest of one audited row now, or `None` when the row does not exist.
pub fn row_digest(conn: &Connection, kind: &str, key: &str) -> Result<Option<String>> {
    if let Some(g) = AUDITED_GROUPS.iter().find(|g| g.kind == kind) {
        let mut found = None;
        each_group_of(conn, g.one, Some(key), |k, d| {
            if k == key {
                found = Some(d);
            }
            Ok(())
        })?;
        return Ok(found);
    }
    let Some(t) = table_of(kind) else {
        return Ok(None);
    };
    let sql = format!("SELECT * FROM {} WHERE {} = ?1", t.table, t.key);
    let mut stmt = conn.prepare_cached(&sql)?;
    let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    let cols = layout(&names, 0, |n| !t.volatile.contains(&n));
    let mut rows = stmt.query([key])?;
    let Some(row) = rows.next()? else {
        return Ok(None);
    };
    let mut d = JsonDigest::default();
    row_json(&mut d, row, &cols, Some(t))?;
    Ok(Some(d.finish()))
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Entry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub command: String,
    pub object: String,
    pub detail: Value,
    pub state: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// What an entry's hash covers: everything but the hash itself.
pub fn entry_hash(e: &Entry) -> Result<String> {
    let content = serde_json::to_string(&(
        e.id,
        &e.at,
        &e.actor,
        &e.command,
        &e.object,
        &e.detail,
        &e.state,
        &e.prev_hash,
    ))?;
    Ok(sha256_hex(content.as_bytes()))
}

fn last_entry(conn: &Connection) -> Result<Option<(i64, String)>> {
    Ok(conn
        .query_row(
            "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// The last entry's id, hash and time, as the table holds them.
pub fn last_entry_with_time(conn: &Connection) -> Result<Option<(i64, String, String)>> {
    Ok(conn
        .query_row(
            "SELECT id, hash, at FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?)
}

/// The hash of entry `id`, if the chain holds it.
pub fn hash_of(conn: &Connection, id: i64) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT hash FROM audit_log WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?)
}

/// Appends one entry after the current head.
pub fn append(
    conn: &Connection,
    at: &str,
    actor: &str,
    command: &str,
    object: &str,
    detail: Value,
    state: Option<String>,
) -> Result<i64> {
    let (prev_id, prev_hash) = last_entry(conn)?.unwrap_or((0, GENESIS.to_string()));
    let mut e = Entry {
        id: prev_id + 1,
        at: at.to_string(),
        actor: actor.to_string(),
        command: command.to_string(),
        object: object.to_string(),
        detail,
        state,
        prev_hash,
        hash: String::new(),
    };
    e.hash = entry_hash(&e)?;
    conn.execute(
        "INSERT INTO audit_log(id, at, actor, command, object, detail, state, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            e.id,
            e.at,
            e.actor,
            e.command,
            e.object,
            serde_json::to_string(&e.detail)?,
            e.state,
            e.prev_hash,
            e.hash
        ],
    )?;
    super::set_meta(conn, "audit_head", &format!("{}:{}", e.id, e.hash))?;
    Ok(e.id)
}

fn entry_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    let detail: String = r.get(5)?;
    Ok(Entry {
        id: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        command: r.get(3)?,
        object: r.get(4)?,
        detail: serde_json::from_str(&detail).unwrap_or(Value::String(detail)),
        state: r.get(6)?,
        prev_hash: r.get(7)?,
        hash: r.get(8)?,
    })
}

const ENTRY_COLUMNS: &str = "id, at, actor, command, object, detail, state, prev_hash, hash";

/// Every entry in chain order, handed to `f` one at a time (the log can be long).
pub fn each_entry(conn: &Connection, mut f: impl FnMut(Entry) -> Result<()>) -> Result<()> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_log ORDER BY id"
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        f(entry_from(r)?)?;
    }
    Ok(())
}

pub struct LogFilter<'a> {
    pub actor: Option<&'a str>,
    pub object: Option<&'a str>,
    pub since: Option<&'a str>,
    pub limit: Option<i64>,
}

pub fn log(conn: &Connection, f: &LogFilter<'_>) -> Result<Vec<Entry>> {
    // Object filter: exact object, or every object of a kind ("unit"), or a prefix.
    let object_like = f.object.map(|o| {
        if o.contains(':') {
            o.to_string()
        } else {
            format!("{o}:%")
        }
    });
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_log
         WHERE (?1 IS NULL OR actor = ?1)
           AND (?2 IS NULL OR object LIKE ?2)
           AND (?3 IS NULL OR at >= ?3)
         ORDER BY id DESC LIMIT ?4"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![f.actor, object_like, f.since, f.limit.unwrap_or(-1)],
        entry_from,
    )?;
    let mut out: Vec<Entry> = rows.collect::<rusqlite::Result<_>>()?;
    out.reverse();
    Ok(out)
}

/// The state last recorded for every object of one kind that has one, by key
/// (`unit:01` under `01`), with the entry that recorded it.
pub fn latest_states_of(conn: &Connection, kind: &str) -> Result<HashMap<String, (i64, String)>> {
    // A bare column beside MAX() comes from the row holding the maximum (SQLite).
    let mut stmt = conn.prepare_cached(
        "SELECT object, MAX(id), state FROM audit_log
         WHERE object >= ?1 AND object < ?2 AND state IS NOT NULL GROUP BY object",
    )?;
    let skip = kind.len() + 1;
    let rows = stmt.query_map([format!("{kind}:"), format!("{kind};")], |r| {
        let object: String = r.get(0)?;
        Ok((
            object.get(skip..).unwrap_or_default().to_string(),
            (r.get::<_, i64>(1)?, r.get::<_, String>(2)?),
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A second, read-only connection to the database file of `conn`, for work done on
/// another core; none when `conn` is not a file or the file does not open.
pub fn second_reader(conn: &Connection) -> Option<Connection> {
    let path = conn.path().filter(|p| !p.is_empty())?;
    let c = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .ok()?;
    c.busy_timeout(super::busy_timeout()).ok()?;
    Some(c)
}

/// How many entries the audit trail holds.
pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT COUNT(*) FROM audit_log", [], |r| r.get(0))?)
}

/// Migration 0007 brought sessions, password history, form rows, transitions and
/// attachments under the audit trail: records the rows already there as they are, so an
/// upgraded database verifies clean (and its live sessions keep working). Also records
/// signing keys revoked by a key rotation that, before 0007, wrote no entry: a key whose
/// only difference from its recorded state is `revoked_at` is recorded as revoked.
/// The baseline entries of migration 0013: the versions and requests it made from the
/// regimes that existed before it (their original rules, a thematic regime's one period).
pub fn baseline_0013(conn: &Connection) -> Result<()> {
    let at = crate::clock::rfc3339(jiff::Timestamp::now());
    for g in AUDITED_GROUPS
        .iter()
        .filter(|g| matches!(g.kind, "regime_version" | "regime_request"))
    {
        let mut keys: Vec<(String, String)> = group_digests(conn, g)?.into_iter().collect();
        keys.sort();
        for (key, digest) in keys {
            let object = format!("{}:{key}", g.kind);
            if latest_state(conn, &object)?.as_deref() != Some(digest.as_str()) {
                append(
                    conn,
                    &at,
                    "baocao",
                    "migrate 0013",
                    &object,
                    serde_json::json!({"baseline": true}),
                    Some(digest),
                )?;
            }
        }
    }
    Ok(())
}

pub fn baseline_0007(conn: &Connection) -> Result<()> {
    let at = crate::clock::rfc3339(jiff::Timestamp::now());
    let record = |object: String, state: String, detail: Value| -> Result<()> {
        append(
            conn,
            &at,
            "baocao",
            "migrate 0007",
            &object,
            detail,
            Some(state),
        )?;
        Ok(())
    };
    let mut kinds: Vec<(&str, HashMap<String, String>)> = Vec::new();
    if let Some(t) = table_of("session") {
        kinds.push((t.kind, table_digests(conn, t)?));
    }
    for g in AUDITED_GROUPS {
        // Groups of tables a later migration makes have no rows before it.
        if conn.prepare(g.all).is_err() {
            continue;
        }
        kinds.push((g.kind, group_digests(conn, g)?));
    }
    for (kind, digests) in kinds {
        let mut keys: Vec<(String, String)> = digests.into_iter().collect();
        keys.sort();
        for (key, digest) in keys {
            let object = format!("{kind}:{key}");
            if latest_state(conn, &object)?.as_deref() != Some(digest.as_str()) {
                record(object, digest, serde_json::json!({"baseline": true}))?;
            }
        }
    }
    // Keys revoked by a rotation before 0007.
    let mut stmt =
        conn.prepare("SELECT * FROM account_key WHERE revoked_at IS NOT NULL ORDER BY id")?;
    let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    let mut rows = stmt.query([])?;
    let mut revoked = Vec::new();
    while let Some(row) = rows.next()? {
        let mut map = BTreeMap::new();
        for (i, n) in names.iter().enumerate() {
            map.insert(n.clone(), value_of(row.get_ref(i)?));
        }
        let now = sha256_hex(serde_json::to_string(&map)?.as_bytes());
        map.insert("revoked_at".to_string(), Value::Null);
        let before = sha256_hex(serde_json::to_string(&map)?.as_bytes());
        let id: i64 = row.get("id")?;
        revoked.push((id, before, now));
    }
    drop(rows);
    for (id, before, now) in revoked {
        let object = format!("key:{id}");
        if latest_state(conn, &object)?.as_deref() == Some(before.as_str()) {
            record(
                object,
                now,
                serde_json::json!({"revoked": true, "baseline": true}),
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> (tempfile::TempDir, crate::store::Store) {
        let dir = tempfile::tempdir().unwrap();
        let st = crate::store::Store::create(&dir.path().join("t.db")).unwrap();
        st.conn
            .execute_batch(
                "INSERT INTO unit(id, code, name, kind) VALUES (1, 'U', 'Đơn vị', 'other');
                 INSERT INTO account(id, username, full_name, unit_id, password_hash, password_changed_at, created_at)
                   VALUES (1, 'nva', 'Nguyễn Văn A', 1, 'h0', 't', 't'), (2, 'ttb', 'Trần Thị B', 1, 'h0', 't', 't');
                 INSERT INTO password_history(account_id, hash, changed_at) VALUES (1, 'h1', 't1'), (1, 'h2', 't2'), (2, 'h3', 't3');",
            )
            .unwrap();
        (dir, st)
    }

    fn history() -> &'static AuditedGroup {
        AUDITED_GROUPS
            .iter()
            .find(|g| g.kind == "password_history")
            .unwrap()
    }

    #[test]
    fn a_group_digest_is_per_owner_and_moves_with_any_row() {
        let (_dir, st) = db();
        let c = &st.conn;
        let all = group_digests(c, history()).unwrap();
        assert_eq!(all.len(), 2);
        // One owner's digest read alone is the same as read with all the others.
        assert_eq!(
            row_digest(c, "password_history", "nva").unwrap().as_ref(),
            all.get("nva")
        );
        c.execute("DELETE FROM password_history WHERE hash = 'h1'", [])
            .unwrap();
        let after = group_digests(c, history()).unwrap();
        assert_ne!(after["nva"], all["nva"]);
        assert_eq!(after["ttb"], all["ttb"]);
        c.execute("DELETE FROM password_history WHERE account_id = 2", [])
            .unwrap();
        assert_eq!(row_digest(c, "password_history", "ttb").unwrap(), None);
    }

    /// How digests were computed before they were streamed (a map of the row, then its
    /// JSON text): what every recorded state in existing databases was made with.
    // A group row's value: a blob (an attachment's bytes) by its SHA-256, not spelled out.
    fn group_value_of(v: ValueRef<'_>) -> Value {
        match v {
            ValueRef::Blob(b) => Value::from(format!("sha256:{}", sha256_hex(b))),
            other => value_of(other),
        }
    }

    fn reference_table_digests(conn: &Connection, t: &AuditedTable) -> HashMap<String, String> {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {}", t.table)).unwrap();
        let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
        let key_idx = names.iter().position(|n| n == t.key).unwrap_or(0);
        let mut rows = stmt.query([]).unwrap();
        let mut out = HashMap::new();
        while let Some(row) = rows.next().unwrap() {
            let mut map = BTreeMap::new();
            for (i, n) in names.iter().enumerate() {
                let v = value_of(row.get_ref(i).unwrap());
                let unset_added = v.is_null() && ADDED_NULLABLE.contains(&(t.table, n.as_str()));
                if !t.volatile.contains(&n.as_str()) && !unset_added {
                    map.insert(n.clone(), v);
                }
            }
            let key = match value_of(row.get_ref(key_idx).unwrap()) {
                Value::String(s) => s,
                other => other.to_string(),
            };
            out.insert(
                key,
                sha256_hex(serde_json::to_string(&map).unwrap().as_bytes()),
            );
        }
        out
    }

    fn reference_group_digests(conn: &Connection, g: &AuditedGroup) -> HashMap<String, String> {
        let mut stmt = conn.prepare(g.all).unwrap();
        let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
        let mut rows = stmt.query([]).unwrap();
        let mut groups: HashMap<String, Vec<BTreeMap<String, Value>>> = HashMap::new();
        while let Some(row) = rows.next().unwrap() {
            let key = match value_of(row.get_ref(0).unwrap()) {
                Value::String(s) => s,
                other => other.to_string(),
            };
            let mut map = BTreeMap::new();
            for (i, n) in names.iter().enumerate().skip(1) {
                map.insert(n.clone(), group_value_of(row.get_ref(i).unwrap()));
            }
            groups.entry(key).or_default().push(map);
        }
        groups
            .into_iter()
            .map(|(k, rows)| {
                (
                    k,
                    sha256_hex(serde_json::to_string(&rows).unwrap().as_bytes()),
                )
            })
            .collect()
    }

    #[test]
    fn streamed_digests_are_the_digests_recorded_before() {
        let (_dir, st) = db();
        let c = &st.conn;
        // Columns without a type keep what they are given: values of every kind JSON
        // spells differently (escapes, control characters, Vietnamese, text that is not
        // UTF-8, integers, reals, infinities, blobs, NULL).
        c.execute_batch(
            "CREATE TABLE probe(k, o, a, b, c);
             INSERT INTO probe VALUES
               ('k\"1\\', 'x', 'Xã \"Quảng\" Đông' || char(10) || char(9) || char(1) || char(31) || char(127), 1.5, -0.0),
               (2, 'x', CAST(X'C328FF41' AS TEXT), 1e300, 9e999),
               (2.5, 'y', X'00FF10', -9e999, -9223372036854775808),
               (NULL, 'y', 0.1, 'h\\u', NULL),
               (X'AB', 3, '', 123456789.125, 1e-7);
             INSERT INTO calendar_override(date, kind, name) VALUES ('2026-01-01', 'off', 'Tết Dương lịch');",
        )
        .unwrap();
        let probe = AuditedTable {
            kind: "probe",
            table: "probe",
            key: "k",
            volatile: &["c"],
        };
        assert_eq!(
            table_digests(c, &probe).unwrap(),
            reference_table_digests(c, &probe)
        );
        let group = AuditedGroup {
            kind: "probe_group",
            owner: "probe",
            all: "SELECT o AS owner, * FROM probe ORDER BY o, rowid",
            one: "",
        };
        let streamed = group_digests(c, &group).unwrap();
        assert_eq!(streamed.len(), 3);
        assert_eq!(streamed, reference_group_digests(c, &group));
        // The audited tables and groups themselves, one by one and all at once.
        for t in AUDITED {
            let streamed = table_digests(c, t).unwrap();
            assert_eq!(streamed, reference_table_digests(c, t), "{}", t.kind);
            for (key, digest) in &streamed {
                assert_eq!(row_digest(c, t.kind, key).unwrap().as_ref(), Some(digest));
            }
        }
        for g in AUDITED_GROUPS {
            let streamed = group_digests(c, g).unwrap();
            assert_eq!(streamed, reference_group_digests(c, g), "{}", g.kind);
            for (key, digest) in &streamed {
                assert_eq!(row_digest(c, g.kind, key).unwrap().as_ref(), Some(digest));
            }
        }
    }

    #[test]
    fn a_blob_in_a_group_row_counts_by_its_bytes() {
        let a = group_value_of(ValueRef::Blob(b"%PDF-1.4"));
        let b = group_value_of(ValueRef::Blob(b"%PDF-1.5"));
        assert_ne!(a, b);
        assert_eq!(
            a,
            Value::from(format!("sha256:{}", sha256_hex(b"%PDF-1.4")))
        );
    }
}
