//! The audit trail (SPEC §2, §12): every change appends an entry in the same
//! transaction, hash-chained, carrying a digest of the changed object's row; `verify`
//! walks the chain and compares every audited row with the digest last recorded for it,
//! so rows edited, deleted or inserted with the sqlite3 shell are found.
//!
//! A chain kept in the same file can be rewritten whole by someone who recomputes every
//! hash; `audit head` prints the head so it can be anchored elsewhere (a log server, a
//! signed e-mail), which closes that gap.

pub mod anchor;
pub mod data_use;

use std::sync::atomic::{AtomicU64, Ordering};

use rusqlite::Connection;
use serde::Serialize;
use serde_json::Value;

use crate::error::{Msg, Result};
pub use crate::store::audit::LogFilter;
use crate::store::audit::{self as sql, Entry, GENESIS};
use crate::store::report::{self as report_sql, Revisions, ValuePass};

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
    /// The anchors checked (`--anchors FILE`); absent when none were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anchors: Option<anchor::AnchorCheck>,
    /// Report values whose revision does not exist, found on the way (a foreign key
    /// violation: `check` reports them as such).
    #[serde(skip)]
    pub orphan_values: u64,
}

/// What a long verification reports as it goes, for a progress bar; the operation
/// itself never prints. Called from the verifying thread only.
pub trait Progress {
    /// A stage of `len` steps begins.
    fn stage(&self, _what: Msg, _len: u64) {}
    /// `n` more steps of the stage are done.
    fn advance(&self, _n: u64) {}
}

/// No progress to show.
pub struct Unseen;

impl Progress for Unseen {}

/// Checks the chain and every audited row. Pure reading.
pub fn verify(conn: &Connection) -> Result<Verification> {
    verify_with(conn, &Unseen)
}

/// [`verify`], telling `progress` how far it is. It streams: the chain entry by entry,
/// audited rows kind by kind (holding one kind's recorded states), report values in one
/// ordered pass. When the database is a file, the later half of the revisions' values
/// is checked from the start on a second read-only connection, on another core. Each
/// half compares a revision with its own values, read in one snapshot, so a change
/// committed meanwhile by another process is seen whole or not at all.
pub fn verify_with(conn: &Connection, progress: &dyn Progress) -> Result<Verification> {
    let done = AtomicU64::new(0);
    let split = match report_sql::middle_revision(conn)? {
        Some(mid) => sql::second_reader(conn).map(|c| (mid, c)),
        None => None,
    };
    std::thread::scope(|scope| {
        let (mine, later) = match split {
            Some((mid, c)) => {
                let done = &done;
                let later = scope.spawn(move || {
                    let mut found = Vec::new();
                    let pass =
                        report_sql::each_value_digest(&c, Revisions::From(mid), |r, s, n| {
                            done.fetch_add(1, Ordering::Relaxed);
                            if s != n {
                                found.push(values_problem(r));
                            }
                            Ok(())
                        })?;
                    Ok::<_, crate::error::Error>((pass, found))
                });
                (Revisions::Below(mid), Some(later))
            }
            None => (Revisions::All, None),
        };
        let mut problems = Vec::new();
        let (count, head) = verify_chain(conn, progress, &mut problems)?;
        let objects = verify_rows(conn, progress, &mut problems)?;
        let values = verify_values(conn, progress, mine, later, &done, &mut problems)?;
        problems.sort_by_key(|p| p.entry.unwrap_or(i64::MAX));
        Ok(Verification {
            ok: problems.is_empty(),
            entries: count,
            objects,
            head,
            problems,
            anchors: None,
            orphan_values: values.orphans,
        })
    })
}

/// The later half of the values, checked on another thread: what it found.
type LaterHalf<'scope> = std::thread::ScopedJoinHandle<'scope, Result<(ValuePass, Vec<Problem>)>>;

/// Every entry's place, link and hash, and the recorded head: (entries, head).
fn verify_chain(
    conn: &Connection,
    progress: &dyn Progress,
    problems: &mut Vec<Problem>,
) -> Result<(i64, Option<String>)> {
    progress.stage(
        Msg::new("chuỗi nhật ký", "audit chain"),
        sql::count(conn)?.max(0) as u64,
    );
    let mut prev_hash = GENESIS.to_string();
    let mut expected_id = 1;
    let mut count = 0;
    let mut head = None;
    sql::each_entry(conn, |e: Entry| {
        count += 1;
        if count % 1024 == 0 {
            progress.advance(1024);
        }
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
    Ok((count, head))
}

/// Every audited row and group against the state last recorded for it, kind by kind;
/// returns how many objects there are.
fn verify_rows(
    conn: &Connection,
    progress: &dyn Progress,
    problems: &mut Vec<Problem>,
) -> Result<usize> {
    let kinds = sql::AUDITED.len() + sql::AUDITED_GROUPS.len();
    progress.stage(
        Msg::new("các đối tượng được ghi nhật ký", "audited objects"),
        kinds as u64,
    );
    let mut objects = 0;
    for t in sql::AUDITED {
        objects += verify_kind(conn, t.kind, problems, |f| {
            sql::each_table_digest(conn, t, f)
        })?;
        progress.advance(1);
    }
    for g in sql::AUDITED_GROUPS {
        objects += verify_kind(conn, g.kind, problems, |f| {
            sql::each_group_digest(conn, g, f)
        })?;
        progress.advance(1);
    }
    Ok(objects)
}

/// The objects of one kind, read by `each` as (key, digest now): each against its
/// recorded state, then the recorded ones that are gone. Problems in key order.
fn verify_kind(
    conn: &Connection,
    kind: &str,
    problems: &mut Vec<Problem>,
    each: impl FnOnce(&mut dyn FnMut(String, String) -> Result<()>) -> Result<()>,
) -> Result<usize> {
    let mut states = sql::latest_states_of(conn, kind)?;
    let mut found: Vec<(String, Problem)> = Vec::new();
    let mut objects = 0;
    each(&mut |key: String, now: String| {
        objects += 1;
        let object = format!("{kind}:{key}");
        let problem = match states.remove(&key) {
            None => Some(row_problem(&object, None, "unrecorded_row", "có trong cơ sở dữ liệu nhưng không có trong nhật ký (thêm ngoài công cụ?)", "exists in the database but not in the audit trail (inserted behind the tool's back?)")),
            Some((id, s)) if s == "-" => Some(row_problem(&object, Some(id), "unrecorded_row", "đã bị xoá theo nhật ký nhưng vẫn còn", "was removed according to the audit trail but is present")),
            Some((id, s)) if s != now => Some(row_problem(&object, Some(id), "row_modified", "khác với trạng thái ghi trong nhật ký (bị sửa ngoài công cụ)", "differs from the state recorded in the audit trail (edited behind the tool's back)")),
            Some(_) => None,
        };
        if let Some(p) = problem {
            found.push((key, p));
        }
        Ok(())
    })?;
    found.sort_by(|a, b| a.0.cmp(&b.0));
    problems.extend(found.into_iter().map(|(_, p)| p));
    let mut missing: Vec<(String, i64)> = states
        .into_iter()
        .filter(|(_, (_, s))| s != "-")
        .map(|(key, (id, _))| (format!("{kind}:{key}"), id))
        .collect();
    missing.sort();
    for (object, id) in missing {
        problems.push(row_problem(
            &object,
            Some(id),
            "row_deleted",
            "có trong nhật ký nhưng không còn trong cơ sở dữ liệu (bị xoá ngoài công cụ)",
            "is in the audit trail but gone from the database (deleted behind the tool's back)",
        ));
    }
    Ok(objects)
}

/// Report values are audited through their revision's digest of them: every
/// revision's values digest recomputed from the values stored now. `mine` are done here;
/// the `later` half, when there is one, on its own thread, counting into `done`.
fn verify_values(
    conn: &Connection,
    progress: &dyn Progress,
    mine: Revisions,
    later: Option<LaterHalf<'_>>,
    done: &AtomicU64,
    problems: &mut Vec<Problem>,
) -> Result<ValuePass> {
    let revisions = report_sql::revision_count(conn)?;
    progress.stage(Msg::new("số liệu báo cáo", "report values"), revisions);
    let mut shown = 0;
    let mut show = || {
        let d = done.load(Ordering::Relaxed);
        if d >= shown + 256 || d == revisions {
            progress.advance(d - shown);
            shown = d;
        }
    };
    let mut pass = report_sql::each_value_digest(conn, mine, |r, s, n| {
        done.fetch_add(1, Ordering::Relaxed);
        show();
        if s != n {
            problems.push(values_problem(r));
        }
        Ok(())
    })?;
    if let Some(later) = later {
        while !later.is_finished() {
            std::thread::sleep(std::time::Duration::from_millis(40));
            show();
        }
        let (p, found) = later
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e))?;
        problems.extend(found);
        pass.values += p.values;
        pass.orphans += p.orphans;
    }
    show();
    Ok(pass)
}

fn values_problem(reference: &str) -> Problem {
    row_problem(
        &format!("revision:{reference}"),
        None,
        "values_modified",
        "số liệu khác với bản đã ghi (bị sửa ngoài công cụ)",
        "values differ from what was recorded (edited behind the tool's back)",
    )
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
