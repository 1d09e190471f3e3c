//! The audit trail (SPEC §2, §12): every change appends an entry in the same
//! transaction, hash-chained, carrying a digest of the changed object's row; `verify`
//! walks the chain and compares every audited row with the digest last recorded for it,
//! so rows edited, deleted or inserted with the sqlite3 shell are found.
//!
//! A chain kept in the same file can be rewritten whole by someone who recomputes every
//! hash; `audit head` prints the head so it can be anchored elsewhere (a log server, a
//! signed e-mail), which closes that gap.

pub mod data_use;

use rusqlite::Connection;
use serde::Serialize;
use serde_json::Value;

use crate::error::{Msg, Result};
pub use crate::store::audit::LogFilter;
use crate::store::audit::{self as sql, Entry, GENESIS};

/// Who does what, when: shared by every entry a command appends.
#[derive(Debug, Clone)]
pub struct Recorder {
    pub at: String,
    pub actor: String,
    pub command: String,
}

impl Recorder {
    /// Records a change to an audited object (`kind` as in `store::audit::AUDITED`).
    pub fn change(&self, conn: &Connection, kind: &str, key: &str, detail: Value) -> Result<()> {
        let state = sql::row_digest(conn, kind, key)?.unwrap_or_else(|| "-".to_string());
        sql::append(
            conn,
            &self.at,
            &self.actor,
            &self.command,
            &format!("{kind}:{key}"),
            detail,
            Some(state),
        )?;
        // Rows kept as groups under this object (its transitions, its password
        // history, ...) are recorded when they changed with it.
        for g in sql::groups_of(kind) {
            let now = sql::row_digest(conn, g.kind, key)?;
            let object = format!("{}:{key}", g.kind);
            let last = sql::latest_state(conn, &object)?;
            let changed = match (&now, &last) {
                (None, None) => false,
                (None, Some(l)) => l != "-",
                (Some(n), l) => l.as_ref() != Some(n),
            };
            if changed {
                sql::append(
                    conn,
                    &self.at,
                    &self.actor,
                    &self.command,
                    &object,
                    serde_json::json!({"with": format!("{kind}:{key}")}),
                    Some(now.unwrap_or_else(|| "-".to_string())),
                )?;
            }
        }
        Ok(())
    }

    /// Records an event that changes no audited state (a sign-in, a refused attempt).
    pub fn event(&self, conn: &Connection, object: &str, detail: Value) -> Result<()> {
        sql::append(
            conn,
            &self.at,
            &self.actor,
            &self.command,
            object,
            detail,
            None,
        )?;
        Ok(())
    }
}

/// Whether an audited object is as the trail last recorded it (and was recorded at all).
/// A session row that is not is refused when used, and ending it does not record it:
/// the difference stays for `audit verify` to report.
pub fn matches_record(conn: &Connection, kind: &str, key: &str) -> Result<bool> {
    let recorded = sql::latest_state(conn, &format!("{kind}:{key}"))?;
    Ok(recorded.is_some() && recorded == sql::row_digest(conn, kind, key)?)
}

#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// The audit entry concerned, when the problem is in the chain itself.
    pub entry: Option<i64>,
    pub object: Option<String>,
    pub problem: String,
    #[serde(skip)]
    pub msg: Msg,
}

#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    pub ok: bool,
    pub entries: i64,
    pub objects: usize,
    pub head: Option<String>,
    pub problems: Vec<Problem>,
}

/// Checks the chain and every audited row. Pure reading.
pub fn verify(conn: &Connection) -> Result<Verification> {
    let mut problems = Vec::new();
    let mut prev_hash = GENESIS.to_string();
    let mut expected_id = 1;
    let mut count = 0;
    let mut head = None;
    sql::each_entry(conn, |e: Entry| {
        count += 1;
        if e.id != expected_id {
            let (id, exp) = (e.id, expected_id);
            problems.push(Problem {
                entry: Some(e.id),
                object: Some(e.object.clone()),
                problem: "missing_entries".into(),
                msg: Msg::new(
                    format!("mục nhật ký #{id}: thiếu mục #{exp} trước nó (đã bị xoá?)"),
                    format!("audit entry #{id}: entry #{exp} before it is missing (deleted?)"),
                ),
            });
        }
        if e.prev_hash != prev_hash {
            let id = e.id;
            problems.push(Problem {
                entry: Some(e.id),
                object: Some(e.object.clone()),
                problem: "broken_chain".into(),
                msg: Msg::new(
                    format!("mục nhật ký #{id}: không nối với mục trước (chuỗi băm bị đứt)"),
                    format!(
                        "audit entry #{id}: does not follow the previous entry (hash chain broken)"
                    ),
                ),
            });
        }
        if sql::entry_hash(&e)? != e.hash {
            let id = e.id;
            problems.push(Problem {
                entry: Some(e.id),
                object: Some(e.object.clone()),
                problem: "entry_modified".into(),
                msg: Msg::new(
                    format!("mục nhật ký #{id}: nội dung đã bị sửa (băm không khớp)"),
                    format!("audit entry #{id}: content was modified (hash mismatch)"),
                ),
            });
        }
        prev_hash = e.hash.clone();
        expected_id = e.id + 1;
        head = Some(format!("{}:{}", e.id, e.hash));
        Ok(())
    })?;
    let recorded_head = crate::store::get_meta(conn, "audit_head")?;
    if recorded_head.is_some() && recorded_head != head {
        let (r, h) = (
            recorded_head.clone().unwrap_or_default(),
            head.clone().unwrap_or_else(|| "∅".into()),
        );
        problems.push(Problem {
            entry: None,
            object: None,
            problem: "head_mismatch".into(),
            msg: Msg::new(
                format!("đầu chuỗi ghi nhận là {r} nhưng mục cuối là {h} (mục cuối bị xoá hoặc thêm ngoài công cụ)"),
                format!("recorded head is {r} but the last entry is {h} (entries removed or added behind the tool's back)"),
            ),
        });
    }

    let states = sql::latest_states(conn)?;
    let mut objects = 0;
    for (kind, digests) in sql::all_digests(conn)? {
        objects += digests.len();
        let mut keys: Vec<&String> = digests.keys().collect();
        keys.sort();
        for key in keys {
            let object = format!("{kind}:{key}");
            let now = &digests[key];
            match states.get(&object) {
                None => problems.push(row_problem(&object, None, "unrecorded_row", "có trong cơ sở dữ liệu nhưng không có trong nhật ký (thêm ngoài công cụ?)", "exists in the database but not in the audit trail (inserted behind the tool's back?)")),
                Some((id, s)) if s == "-" => problems.push(row_problem(&object, Some(*id), "unrecorded_row", "đã bị xoá theo nhật ký nhưng vẫn còn", "was removed according to the audit trail but is present")),
                Some((id, s)) if s != now => problems.push(row_problem(&object, Some(*id), "row_modified", "khác với trạng thái ghi trong nhật ký (bị sửa ngoài công cụ)", "differs from the state recorded in the audit trail (edited behind the tool's back)")),
                Some(_) => {}
            }
        }
        let prefix = format!("{kind}:");
        let mut missing: Vec<(&String, &(i64, String))> = states
            .iter()
            .filter(|(o, (_, s))| {
                s != "-" && o.starts_with(&prefix) && !digests.contains_key(&o[prefix.len()..])
            })
            .collect();
        missing.sort();
        for (object, (id, _)) in missing {
            problems.push(row_problem(
                object,
                Some(*id),
                "row_deleted",
                "có trong nhật ký nhưng không còn trong cơ sở dữ liệu (bị xoá ngoài công cụ)",
                "is in the audit trail but gone from the database (deleted behind the tool's back)",
            ));
        }
    }
    // Report values are audited through their revision's digest of them.
    for (reference, stored, now) in crate::store::report::value_digests(conn)? {
        if stored != now {
            problems.push(row_problem(
                &format!("revision:{reference}"),
                None,
                "values_modified",
                "số liệu khác với bản đã ghi (bị sửa ngoài công cụ)",
                "values differ from what was recorded (edited behind the tool's back)",
            ));
        }
    }
    problems.sort_by_key(|p| p.entry.unwrap_or(i64::MAX));
    Ok(Verification {
        ok: problems.is_empty(),
        entries: count,
        objects,
        head,
        problems,
    })
}

fn row_problem(object: &str, entry: Option<i64>, problem: &str, vi: &str, en: &str) -> Problem {
    Problem {
        entry,
        object: Some(object.to_string()),
        problem: problem.to_string(),
        msg: Msg::new(format!("{object}: {vi}"), format!("{object}: {en}")),
    }
}

/// `audit log`: the entries matching the filter.
pub fn log(conn: &Connection, filter: &LogFilter<'_>) -> Result<Vec<Entry>> {
    sql::log(conn, filter)
}

/// `audit head`: the hash at the head of the chain, if any entry was written.
pub fn head(conn: &Connection) -> Result<Option<String>> {
    crate::store::get_meta(conn, "audit_head")
}
