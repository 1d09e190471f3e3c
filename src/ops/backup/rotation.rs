//! `backup --into DIR`: one copy a day (`baocao-YYYY-MM-DD.db`, baocao's day), checked
//! as `check` checks the live database before it takes its name, then the folder's
//! older copies rotated by the retention policy ([`crate::domain::retention`]). Files
//! not named like a daily copy are never touched.

use std::path::Path;

use jiff::civil::Date;
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use super::{check, remove_db_files, write_part, BackupInfo};
use crate::domain::retention::{self, Policy};
use crate::error::{Error, Kind, Msg, Result};
use crate::store::Store;

/// A daily copy written, checked and put in place, and the rotation after it.
#[derive(Debug, Serialize)]
pub struct Rotation {
    #[serde(flatten)]
    pub backup: BackupInfo,
    /// The copy passed `check` (integrity, foreign keys, schema, audit trail) before it
    /// was given its name; a copy that does not is never kept.
    pub checked: bool,
    pub policy: Policy,
    /// The daily copies in the folder after the rotation, newest first.
    pub kept: Vec<String>,
    /// The daily copies the rotation removed, newest first.
    pub removed: Vec<String>,
}

/// The name of the copy of `day`.
pub fn file_name(day: Date) -> String {
    format!("baocao-{}.db", day.strftime("%Y-%m-%d"))
}

/// The day a daily copy's name carries (`baocao-2026-11-23.db`), if it is one.
fn day_of(name: &str) -> Option<Date> {
    let d = name.strip_prefix("baocao-")?.strip_suffix(".db")?;
    if d.len() != 10 {
        return None;
    }
    d.parse::<Date>().ok().filter(|day| file_name(*day) == name)
}

/// A copy that could not be written: the folder named, the system's reason as the cause
/// (never a bare "database error").
fn folder_error(dir: &Path, e: &Error) -> Error {
    let d = dir.display();
    let cause = match &e.cause {
        Some(c) => format!("{c:#}"),
        None => e.msg.en.clone(),
    };
    Error::new(
        Kind::Failure,
        Msg::new(
            format!("Không ghi được bản sao lưu vào thư mục {d}"),
            format!("Cannot write the backup into the folder {d}"),
        ),
    )
    .with_cause(anyhow::anyhow!(cause))
    .with_hint(Msg::new(
        "thư mục phải ghi được bởi người chạy baocao và còn chỗ trống",
        "the folder must be writable by the user running baocao, with space left",
    ))
}

/// The folder must exist and be a folder: cron should not invent one on a disk that
/// is not mounted.
fn require_folder(dir: &Path) -> Result<()> {
    let d = dir.display();
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("{d} không phải thư mục"),
                format!("{d} is not a folder"),
            ),
        )),
        Err(_) => Err(Error::new(
            Kind::NotFound,
            Msg::new(
                format!("Không có thư mục sao lưu {d}"),
                format!("No backup folder {d}"),
            ),
        )
        .with_hint(Msg::new(
            format!("tạo nó (chỉ chủ sở hữu đọc được): mkdir -m 700 {d}"),
            format!("make it (owner only): mkdir -m 700 {d}"),
        ))),
    }
}

/// Writes today's copy into `dir` (replacing one made earlier the same day), checks
/// it, names it, then removes the daily copies `policy` does not keep. A copy that
/// fails its check is removed and nothing else is touched (exit 1).
pub fn backup_into(store: &Store, dir: &Path, today: Date, policy: &Policy) -> Result<Rotation> {
    require_folder(dir)?;
    let dest = dir.join(file_name(today));
    let part = write_part(store, &dest).map_err(|e| folder_error(dir, &e))?;
    // The copy's schema version and audit head, as its check found them.
    let checked = (|| -> Result<(i64, Option<String>)> {
        let conn = Connection::open_with_flags(&part, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let report = check(&conn)?;
        if let Some(why) = report.first_problem() {
            let n = report.problem_count();
            return Err(Error::new(
                Kind::Failure,
                Msg::new(
                    format!(
                        "Bản sao lưu không đạt kiểm tra nên không được giữ: {}",
                        why.vi
                    ),
                    format!("The backup failed its check and was not kept: {}", why.en),
                ),
            )
            .with_details(report.details(n))
            .with_hint(Msg::new(
                "chạy baocao check trên cơ sở dữ liệu đang dùng",
                "run baocao check on the live database",
            )));
        }
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        Ok((version, report.audit.head))
    })()
    .and_then(|found| {
        std::fs::rename(&part, &dest)?;
        Ok(found)
    });
    let (schema_version, audit_head) = match checked {
        Ok(found) => found,
        Err(e) => {
            remove_db_files(&part);
            return Err(e);
        }
    };
    let backup = BackupInfo {
        file: dest.display().to_string(),
        bytes: std::fs::metadata(&dest)?.len(),
        schema_version,
        audit_head,
    };
    let (kept, removed) = rotate(dir, policy)?;
    Ok(Rotation {
        backup,
        checked: true,
        policy: *policy,
        kept,
        removed,
    })
}

/// Removes the daily copies in `dir` the policy does not keep: (kept, removed) names,
/// newest first.
fn rotate(dir: &Path, policy: &Policy) -> Result<(Vec<String>, Vec<String>)> {
    let mut days = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some(day) = day_of(&name) {
            if e.file_type()?.is_file() {
                days.push(day);
            }
        }
    }
    let keep = retention::kept(&days, policy);
    days.sort_unstable_by(|a, b| b.cmp(a));
    let (mut kept, mut removed) = (Vec::new(), Vec::new());
    for day in days {
        let name = file_name(day);
        if keep.contains(&day) {
            kept.push(name);
            continue;
        }
        let p = dir.join(&name);
        std::fs::remove_file(&p).map_err(|e| {
            let p = p.display();
            Error::new(
                Kind::Failure,
                Msg::new(
                    format!("Không xoá được bản sao lưu cũ {p}"),
                    format!("Cannot remove the old backup {p}"),
                ),
            )
            .with_cause(e)
        })?;
        removed.push(name);
    }
    Ok((kept, removed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_daily_copy_names_are_recognised() {
        assert_eq!(
            day_of("baocao-2026-11-23.db"),
            Some(jiff::civil::date(2026, 11, 23))
        );
        for other in [
            "baocao-2026-11-23.db.1234.part",
            "baocao-2026-2-3.db",
            "baocao-2026-11-31.db",
            "baocao.db",
            "ghi-chu.txt",
            "baocao-2026-11-23.db-journal",
        ] {
            assert_eq!(day_of(other), None, "{other}");
        }
    }
}
