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
    /// Every row with its owner's key first (`owner`), in a stable order.
    pub all: &'static str,
    /// The same for one owner (`?1`).
    pub one: &'static str,
}

pub const AUDITED_GROUPS: &[AuditedGroup] = &[
    AuditedGroup {
        kind: "password_history",
        owner: "account",
        all: "SELECT a.username AS owner, p.* FROM password_history p JOIN account a ON a.id = p.account_id ORDER BY p.id",
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
        all: "SELECT v.ref AS owner, t.* FROM transition t JOIN revision v ON v.id = t.revision_id ORDER BY t.id",
        one: "SELECT v.ref AS owner, t.* FROM transition t JOIN revision v ON v.id = t.revision_id WHERE v.ref = ?1 ORDER BY t.id",
    },
    AuditedGroup {
        kind: "attachment",
        owner: "revision",
        all: "SELECT v.ref AS owner, a.* FROM attachment a JOIN revision v ON v.id = a.revision_id ORDER BY a.id",
        one: "SELECT v.ref AS owner, a.* FROM attachment a JOIN revision v ON v.id = a.revision_id WHERE v.ref = ?1 ORDER BY a.id",
    },
];

/// Columns added to an audited table after rows were recorded, left out of the digest
/// while NULL (rows written before the column still verify; a value set is covered).
const ADDED_NULLABLE: &[(&str, &str)] = &[("assignment", "from_period")];

fn digested(t: &AuditedTable, name: &str, v: &Value) -> bool {
    let unset_added = v.is_null() && ADDED_NULLABLE.contains(&(t.table, name));
    !t.volatile.contains(&name) && !unset_added
}

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

/// A group row's value: a blob (an attachment's bytes) by its SHA-256, not spelled out.
fn group_value_of(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Blob(b) => Value::from(format!("sha256:{}", sha256_hex(b))),
        other => value_of(other),
    }
}

/// Digests of the groups a query returns (owner key first), by owner key.
fn group_digests_of(
    conn: &Connection,
    sql: &str,
    owner: Option<&str>,
) -> Result<HashMap<String, String>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    let mut rows = match owner {
        Some(o) => stmt.query([o])?,
        None => stmt.query([])?,
    };
    let mut groups: HashMap<String, Vec<BTreeMap<String, Value>>> = HashMap::new();
    while let Some(row) = rows.next()? {
        let key = match value_of(row.get_ref(0)?) {
            Value::String(s) => s,
            other => other.to_string(),
        };
        let mut map = BTreeMap::new();
        for (i, n) in names.iter().enumerate().skip(1) {
            map.insert(n.clone(), group_value_of(row.get_ref(i)?));
        }
        groups.entry(key).or_default().push(map);
    }
    groups
        .into_iter()
        .map(|(k, rows)| Ok((k, sha256_hex(serde_json::to_string(&rows)?.as_bytes()))))
        .collect()
}

/// Digests of every group of one kind, by owner key.
pub fn group_digests(conn: &Connection, g: &AuditedGroup) -> Result<HashMap<String, String>> {
    group_digests_of(conn, g.all, None)
}

/// Digests of every audited object, kind by kind: rows of audited tables and groups.
pub fn all_digests(conn: &Connection) -> Result<Vec<(&'static str, HashMap<String, String>)>> {
    let mut out = Vec::new();
    for t in AUDITED {
        out.push((t.kind, table_digests(conn, t)?));
    }
    for g in AUDITED_GROUPS {
        out.push((g.kind, group_digests(conn, g)?));
    }
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

/// Digests of every row of an audited table, by key: one query, not one per row.
pub fn table_digests(conn: &Connection, t: &AuditedTable) -> Result<HashMap<String, String>> {
    let sql = format!("SELECT * FROM {}", t.table);
    let mut stmt = conn.prepare_cached(&sql)?;
    let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    let key_idx = names.iter().position(|n| n == t.key).unwrap_or(0);
    let mut rows = stmt.query([])?;
    let mut out = HashMap::new();
    while let Some(row) = rows.next()? {
        let mut map = BTreeMap::new();
        for (i, n) in names.iter().enumerate() {
            let v = value_of(row.get_ref(i)?);
            if digested(t, n, &v) {
                map.insert(n.clone(), v);
            }
        }
        let key = match value_of(row.get_ref(key_idx)?) {
            Value::String(s) => s,
            other => other.to_string(),
        };
        out.insert(key, sha256_hex(serde_json::to_string(&map)?.as_bytes()));
    }
    Ok(out)
}

/// The digest of one audited row now, or `None` when the row does not exist.
pub fn row_digest(conn: &Connection, kind: &str, key: &str) -> Result<Option<String>> {
    if let Some(g) = AUDITED_GROUPS.iter().find(|g| g.kind == kind) {
        return Ok(group_digests_of(conn, g.one, Some(key))?.remove(key));
    }
    let Some(t) = table_of(kind) else {
        return Ok(None);
    };
    let sql = format!("SELECT * FROM {} WHERE {} = ?1", t.table, t.key);
    let mut stmt = conn.prepare_cached(&sql)?;
    let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    let mut rows = stmt.query([key])?;
    let Some(row) = rows.next()? else {
        return Ok(None);
    };
    let mut map = BTreeMap::new();
    for (i, n) in names.iter().enumerate() {
        let v = value_of(row.get_ref(i)?);
        if digested(t, n, &v) {
            map.insert(n.clone(), v);
        }
    }
    Ok(Some(sha256_hex(serde_json::to_string(&map)?.as_bytes())))
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

/// The last recorded state digest of every object that has one.
pub fn latest_states(conn: &Connection) -> Result<HashMap<String, (i64, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT object, id, state FROM audit_log a
         WHERE state IS NOT NULL
           AND id = (SELECT MAX(id) FROM audit_log b WHERE b.object = a.object AND b.state IS NOT NULL)",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            (r.get::<_, i64>(1)?, r.get::<_, String>(2)?),
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
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
