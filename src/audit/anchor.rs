//! Anchors: the chain's head written outside the database, so a chain cut short and
//! given a rewritten head (which `verify` alone cannot tell from a shorter honest one)
//! is caught. An anchors file holds one JSON object a line, appended only:
//!
//! ```text
//! {"id":42,"hash":"3f2a…","at":"2026-11-23T09:00:00+07:00","anchored_at":"2026-11-23T02:15:00+07:00"}
//! ```
//!
//! `id`, `hash` and `at` are the head entry's; `anchored_at` is when it was anchored.
//! Every anchored head must still be in the chain with the same hash: entries are only
//! ever appended, so an honest chain keeps every head it ever had.

use std::io::Write;
use std::path::Path;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::Problem;
use crate::error::{Error, Kind, Msg, Result};
use crate::store::audit as sql;

/// The chain's head at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Anchor {
    pub id: i64,
    pub hash: String,
    /// When the head entry was written.
    pub at: String,
    /// When it was anchored.
    pub anchored_at: String,
}

impl Anchor {
    /// The anchor as one line of an anchors file (no newline).
    pub fn line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// An anchors file as read: each anchor with its line number.
#[derive(Debug)]
pub struct Anchors {
    pub file: String,
    pub lines: Vec<(usize, Anchor)>,
}

/// What checking the anchors found (`anchors` in `audit verify` and `check`).
#[derive(Debug, Clone, Serialize)]
pub struct AnchorCheck {
    pub file: String,
    /// Anchors read from the file.
    pub anchors: usize,
    /// Anchored heads no longer in the chain (each also listed in `problems`).
    pub missing: usize,
}

/// The current head: the last entry, which must be the head the database records
/// (otherwise `audit verify` says what is wrong, and nothing is anchored).
pub fn current(conn: &Connection, anchored_at: &str) -> Result<Anchor> {
    let Some((id, hash, at)) = sql::last_entry_with_time(conn)? else {
        return Err(Error::new(
            Kind::State,
            Msg::new(
                "Nhật ký kiểm tra chưa có mục nào để neo",
                "The audit trail has no entry to anchor yet",
            ),
        ));
    };
    let recorded = crate::store::get_meta(conn, "audit_head")?;
    let last = format!("{id}:{hash}");
    if recorded.as_deref() != Some(last.as_str()) {
        let r = recorded.unwrap_or_else(|| "∅".into());
        return Err(Error::new(
            Kind::Failure,
            Msg::new(
                format!("Đầu chuỗi ghi nhận ({r}) không phải mục cuối ({last}); không neo"),
                format!("The recorded head ({r}) is not the last entry ({last}); nothing anchored"),
            ),
        )
        .with_hint(Msg::new(
            "chạy baocao audit verify",
            "run baocao audit verify",
        )));
    }
    Ok(Anchor {
        id,
        hash,
        at,
        anchored_at: anchored_at.to_string(),
    })
}

/// Appends `anchor` as one line to `file`, created owner-only (0600) when new. One
/// `write` of a whole line in append mode: concurrent anchors never interleave.
pub fn append(file: &Path, anchor: &Anchor) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let f = file.display();
    let fail = |e: std::io::Error| {
        Error::new(
            Kind::Failure,
            Msg::new(
                format!("Không ghi được vào tệp neo {f}"),
                format!("Cannot write to the anchors file {f}"),
            ),
        )
        .with_cause(e)
    };
    require_regular(file)?;
    let mut out = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(file)
        .map_err(fail)?;
    let mut line = anchor.line();
    line.push('\n');
    out.write_all(line.as_bytes()).map_err(fail)?;
    out.sync_all().map_err(fail)?;
    Ok(())
}

/// A path that exists must be a regular file (exit 5 otherwise).
fn require_regular(file: &Path) -> Result<()> {
    if std::fs::metadata(file).is_ok_and(|m| !m.is_file()) {
        let f = file.display();
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("{f} không phải tệp thường"),
                format!("{f} is not a regular file"),
            ),
        ));
    }
    Ok(())
}

/// Reads an anchors file: blank lines are skipped; any other line that is not an
/// anchor refuses the file (exit 5), naming the line.
pub fn read(file: &Path) -> Result<Anchors> {
    require_regular(file)?;
    let f = file.display();
    let text = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::new(
                Kind::NotFound,
                Msg::new(
                    format!("Không có tệp neo {f}"),
                    format!("No anchors file {f}"),
                ),
            )
            .with_hint(Msg::new(
                format!("tạo nó bằng baocao audit anchor --to {f}"),
                format!("make it with baocao audit anchor --to {f}"),
            )))
        }
        Err(e) => {
            return Err(Error::new(
                Kind::Failure,
                Msg::new(
                    format!("Không đọc được tệp neo {f}"),
                    format!("Cannot read the anchors file {f}"),
                ),
            )
            .with_cause(e))
        }
    };
    let text = String::from_utf8(text).map_err(|_| {
        Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Tệp neo {f} không phải văn bản UTF-8"),
                format!("The anchors file {f} is not UTF-8 text"),
            ),
        )
    })?;
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let anchor = serde_json::from_str::<Anchor>(line)
            .ok()
            .filter(well_formed)
            .ok_or_else(|| {
                Error::new(
                    Kind::Invalid,
                    Msg::new(
                        format!("Tệp neo {f}, dòng {n}: không phải một mốc neo ({{\"id\":…,\"hash\":…,\"at\":…,\"anchored_at\":…}})"),
                        format!("The anchors file {f}, line {n}: not an anchor ({{\"id\":…,\"hash\":…,\"at\":…,\"anchored_at\":…}})"),
                    ),
                )
            })?;
        lines.push((n, anchor));
    }
    Ok(Anchors {
        file: f.to_string(),
        lines,
    })
}

fn well_formed(a: &Anchor) -> bool {
    a.id >= 1
        && a.hash.len() == 64
        && a.hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Checks every anchor against the chain: each anchored head absent, or present with
/// another hash, is a problem `anchor_missing`.
pub fn check(conn: &Connection, anchors: &Anchors) -> Result<(AnchorCheck, Vec<Problem>)> {
    let mut problems = Vec::new();
    for (n, a) in &anchors.lines {
        let found = sql::hash_of(conn, a.id)?;
        if found.as_deref() == Some(a.hash.as_str()) {
            continue;
        }
        let (id, short, at, when, f) = (a.id, &a.hash[..12], &a.at, &a.anchored_at, &anchors.file);
        let (vi, en) = if found.is_some() {
            (
                "đã bị thay bằng một mục khác",
                "has been replaced by another entry",
            )
        } else {
            ("không còn trong chuỗi", "is no longer in the chain")
        };
        problems.push(Problem {
            entry: None,
            object: None,
            problem: "anchor_missing".into(),
            msg: Msg::new(
                format!("đầu chuỗi đã neo #{id} (băm {short}…, ghi lúc {at}, neo lúc {when}; {f} dòng {n}) {vi}: đuôi nhật ký đã bị cắt hoặc viết lại"),
                format!("the anchored head #{id} (hash {short}…, written {at}, anchored {when}; {f} line {n}) {en}: the trail's tail was cut or rewritten"),
            ),
        });
    }
    Ok((
        AnchorCheck {
            file: anchors.file.clone(),
            anchors: anchors.lines.len(),
            missing: problems.len(),
        },
        problems,
    ))
}

/// Adds what checking `anchors` finds to a verification: its `anchors` summary, an
/// `anchor_missing` problem per anchored head no longer in the chain, and `ok`.
pub fn apply(conn: &Connection, anchors: &Anchors, v: &mut super::Verification) -> Result<()> {
    let (summary, problems) = check(conn, anchors)?;
    v.problems.extend(problems);
    v.ok = v.problems.is_empty();
    v.anchors = Some(summary);
    Ok(())
}

/// `audit anchor [--to FILE]`: the current head, stamped `now`. With a file, the
/// anchors already in it are checked first (an anchored head gone refuses, exit 9, and
/// nothing is appended), then the head is appended.
pub fn take(conn: &Connection, now: &str, to: Option<&Path>) -> Result<Anchor> {
    if let Some(file) = to.filter(|f| f.exists()) {
        let earlier = read(file)?;
        let (_, problems) = check(conn, &earlier)?;
        if let Some(e) = missing_error(&problems) {
            return Err(e);
        }
    }
    let anchor = current(conn, now)?;
    if let Some(file) = to {
        append(file, &anchor)?;
    }
    Ok(anchor)
}

/// The error `audit verify`, `check` and `audit anchor` end with when the chain itself
/// verifies but an anchored head is gone (exit 9).
pub fn missing_error(problems: &[Problem]) -> Option<Error> {
    let missing: Vec<&Problem> = problems
        .iter()
        .filter(|p| p.problem == "anchor_missing")
        .collect();
    let first = missing.first()?;
    let n = missing.len();
    Some(
        Error::new(
            Kind::Tampered,
            Msg::new(
                format!(
                    "Nhật ký kiểm tra không còn chứa {n} đầu chuỗi đã neo; đầu tiên: {}",
                    first.msg.vi
                ),
                format!(
                    "The audit trail no longer holds {n} anchored head(s); first: {}",
                    first.msg.en
                ),
            ),
        )
        .with_details(missing.iter().skip(1).map(|p| p.msg.clone()).collect()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchors_file(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("anchors.jsonl");
        std::fs::write(&p, text).unwrap();
        (dir, p)
    }

    #[test]
    fn an_anchor_is_one_json_line_and_reads_back() {
        let a = Anchor {
            id: 7,
            hash: "ab".repeat(32),
            at: "2026-11-23T09:00:00+07:00".into(),
            anchored_at: "2026-11-23T09:05:00+07:00".into(),
        };
        let (_d, p) = anchors_file("");
        std::fs::remove_file(&p).unwrap();
        append(&p, &a).unwrap();
        append(&p, &a).unwrap();
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(text.lines().count(), 2);
        assert!(!a.line().contains('\n'));
        let read = read(&p).unwrap();
        assert_eq!(read.lines, vec![(1, a.clone()), (2, a)]);
    }

    #[test]
    fn a_line_that_is_not_an_anchor_names_its_number() {
        let good = format!(
            "{{\"id\":1,\"hash\":\"{}\",\"at\":\"x\",\"anchored_at\":\"y\"}}",
            "0".repeat(64)
        );
        for bad in [
            "không phải JSON".to_string(),
            good.replace("\"id\":1", "\"id\":0"),
            good.replace(&"0".repeat(64), "abc"),
            good.replace(&"0".repeat(64), &"A".repeat(64)),
            good.replace('}', ",\"extra\":1}"),
        ] {
            let (_d, p) = anchors_file(&format!("{good}\n\n{bad}\n"));
            let e = read(&p).unwrap_err();
            assert_eq!(e.kind, Kind::Invalid, "{bad}");
            assert!(e.msg.en.contains("line 3"), "{}", e.msg.en);
        }
        let (_d, p) = anchors_file("");
        let e = read(&p.with_file_name("khong-co.jsonl")).unwrap_err();
        assert_eq!(e.kind, Kind::NotFound);
    }
}
