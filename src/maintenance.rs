//! Backup, restore and check (SPEC §11). Continuous replication is Litestream's job
//! (README); these are the consistent copies and the health check cron runs.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use serde_json::Value;

use crate::audit::{self, Verification};
use crate::error::{Error, Kind, Msg, Result};
use crate::store::{self, Store};

#[derive(Debug, Serialize)]
pub struct BackupInfo {
    pub file: String,
    pub bytes: u64,
    pub schema_version: i64,
    pub audit_head: Option<String>,
}

/// Copies the database with SQLite's online backup in a single step, which is one read
/// transaction: a consistent snapshot even while another process writes (WAL mode).
pub fn backup(store: &Store, dest: &Path, force: bool) -> Result<BackupInfo> {
    if dest.exists() && !force {
        let p = dest.display();
        return Err(Error::new(
            Kind::State,
            Msg::new(
                format!("Tệp {p} đã có; dùng --force để ghi đè"),
                format!("{p} exists; use --force to overwrite"),
            ),
        ));
    }
    let tmp = sibling(dest, ".part");
    let _ = std::fs::remove_file(&tmp);
    {
        let mut dst = Connection::open(&tmp)?;
        let b = rusqlite::backup::Backup::new(&store.conn, &mut dst)?;
        loop {
            match b.step(-1)? {
                rusqlite::backup::StepResult::Done => break,
                rusqlite::backup::StepResult::More => continue,
                _ => std::thread::sleep(std::time::Duration::from_millis(50)),
            }
        }
    }
    // The copy is a plain rollback-journal file: one file to move around.
    {
        let dst = Connection::open(&tmp)?;
        dst.pragma_update(None, "journal_mode", "DELETE")?;
    }
    std::fs::rename(&tmp, dest)?;
    let info = inspect_backup(dest)?;
    Ok(BackupInfo {
        file: dest.display().to_string(),
        bytes: std::fs::metadata(dest)?.len(),
        schema_version: info.schema_version,
        audit_head: info.audit_head,
    })
}

fn sibling(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

#[derive(Debug, Serialize)]
pub struct Inspection {
    pub file: String,
    pub integrity: String,
    pub schema_version: i64,
    pub audit_ok: bool,
    pub audit_head: Option<String>,
}

/// Checks that a file is a healthy baocao database this version can use.
pub fn inspect_backup(path: &Path) -> Result<Inspection> {
    let p = path.display();
    let bad = |why_vi: String, why_en: String| {
        Error::new(
            Kind::Invalid,
            Msg::new(
                format!("{p} không dùng được để khôi phục: {why_vi}"),
                format!("{p} cannot be restored: {why_en}"),
            ),
        )
    };
    if !path.is_file() {
        return Err(Error::new(
            Kind::NotFound,
            Msg::new(format!("Không có tệp {p}"), format!("No file {p}")),
        ));
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| bad("không mở được".into(), format!("cannot open ({e})")))?;
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| {
            bad(
                format!("không phải cơ sở dữ liệu SQLite ({e})"),
                format!("not an SQLite database ({e})"),
            )
        })?;
    if integrity != "ok" {
        return Err(bad(
            format!("tệp hỏng ({integrity})"),
            format!("damaged ({integrity})"),
        ));
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let has_tables: i64 = conn.query_row(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('unit','account','audit_log','meta')",
        [],
        |r| r.get(0),
    )?;
    if version < 1 || has_tables != 4 {
        return Err(bad(
            "không phải cơ sở dữ liệu baocao".into(),
            "not a baocao database".into(),
        ));
    }
    if version > store::schema_version() {
        return Err(bad(
            format!("lược đồ phiên bản {version} mới hơn bản baocao này"),
            format!("schema version {version} is newer than this baocao"),
        ));
    }
    let v: Verification = audit::verify(&conn)?;
    Ok(Inspection {
        file: p.to_string(),
        integrity,
        schema_version: version,
        audit_ok: v.ok,
        audit_head: v.head,
    })
}

/// Replaces `db` with `backup`, keeping the old database aside; returns where it went.
pub fn restore(backup: &Path, db: &Path) -> Result<Option<String>> {
    let mut aside = None;
    if db.exists() {
        if let Ok(c) = Connection::open(db) {
            // Fold the WAL into the main file so the copy kept aside is whole.
            let _ = c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
        let stamp = jiff::Timestamp::now().strftime("%Y%m%dT%H%M%S").to_string();
        let dest = sibling(db, &format!(".before-restore-{stamp}"));
        std::fs::rename(db, &dest)?;
        for s in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(sibling(db, s));
        }
        aside = Some(dest.display().to_string());
    }
    let tmp = sibling(db, ".restoring");
    std::fs::copy(backup, &tmp)?;
    std::fs::rename(&tmp, db)?;
    // Opening upgrades an older schema in place.
    Store::open(db)?;
    Ok(aside)
}

#[derive(Debug, Serialize)]
pub struct CheckReport {
    pub ok: bool,
    pub integrity: String,
    pub foreign_keys: Vec<Value>,
    pub audit: Verification,
}

pub fn check(conn: &Connection) -> Result<CheckReport> {
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    let fk: Vec<Value> = stmt
        .query_map([], |r| Ok(serde_json::json!({"table": r.get::<_, String>(0)?, "rowid": r.get::<_, Option<i64>>(1)?, "parent": r.get::<_, String>(2)?})))?
        .collect::<rusqlite::Result<_>>()?;
    let audit = audit::verify(conn)?;
    Ok(CheckReport {
        ok: integrity == "ok" && fk.is_empty() && audit.ok,
        integrity,
        foreign_keys: fk,
        audit,
    })
}
