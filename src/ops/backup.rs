//! Backup, restore and check (SPEC §11). Continuous replication is Litestream's job
//! (README); these are the consistent copies and the health check cron runs.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use serde_json::Value;

use crate::audit::{self, Verification};
use crate::error::{Error, Kind, Msg, Result};
use crate::store::{self, Store};

pub mod rotation;

#[derive(Debug, Serialize)]
pub struct BackupInfo {
    pub file: String,
    pub bytes: u64,
    pub schema_version: i64,
    pub audit_head: Option<String>,
}

/// Copies the database with SQLite's online backup in a single step, which is one read
/// transaction: a consistent snapshot even while another process writes (WAL mode).
/// The copy is created owner-only (0600), beside the destination, then renamed.
pub fn backup(store: &Store, dest: &Path, force: bool) -> Result<BackupInfo> {
    if dest.exists() && !force {
        return Err(crate::files::exists_error(dest));
    }
    let tmp = write_part(store, dest)?;
    if let Err(e) = std::fs::rename(&tmp, dest) {
        remove_db_files(&tmp);
        return Err(e.into());
    }
    let info = inspect_backup(dest)?;
    Ok(BackupInfo {
        file: dest.display().to_string(),
        bytes: std::fs::metadata(dest)?.len(),
        schema_version: info.schema_version,
        audit_head: info.audit_head,
    })
}

/// Writes the consistent copy meant for `dest` beside it (`DEST.PID.part`), synced,
/// and returns its path; on failure nothing is left behind.
fn write_part(store: &Store, dest: &Path) -> Result<PathBuf> {
    let tmp = sibling(dest, &format!(".{}.part", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let made = (|| -> Result<()> {
        drop(store::create_private(&tmp)?);
        copy_into(&store.conn, &tmp)?;
        // The copy is a plain rollback-journal file: one file to move around.
        let dst = Connection::open(&tmp)?;
        dst.pragma_update(None, "journal_mode", "DELETE")?;
        drop(dst);
        std::fs::File::open(&tmp)?.sync_all()?;
        Ok(())
    })();
    match made {
        Ok(()) => Ok(tmp),
        Err(e) => {
            remove_db_files(&tmp);
            Err(e)
        }
    }
}

/// Copies every page of `src` into the (empty) database file `dest` in one step.
fn copy_into(src: &Connection, dest: &Path) -> Result<()> {
    let mut dst = Connection::open(dest)?;
    let b = rusqlite::backup::Backup::new(src, &mut dst)?;
    loop {
        match b.step(-1)? {
            rusqlite::backup::StepResult::Done => break,
            rusqlite::backup::StepResult::More => continue,
            _ => std::thread::sleep(std::time::Duration::from_millis(50)),
        }
    }
    Ok(())
}

fn sibling(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Removes a database file with its WAL and SHM sidecars (errors ignored).
pub(crate) fn remove_db_files(p: &Path) {
    for s in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(sibling(p, s));
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    pub file: String,
    pub integrity: String,
    pub schema_version: i64,
    pub audit_ok: bool,
    pub audit_head: Option<String>,
}

fn not_restorable(path: &Path, why: Msg) -> Error {
    let p = path.display();
    Error::new(
        Kind::Invalid,
        Msg::new(
            format!("{p} không dùng được để khôi phục: {}", why.vi),
            format!("{p} cannot be restored: {}", why.en),
        ),
    )
}

fn require_file(path: &Path) -> Result<()> {
    let p = path.display();
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => Ok(()),
        Ok(_) => Err(not_restorable(
            path,
            Msg::new("không phải tệp thường", "not a regular file"),
        )),
        Err(_) => Err(Error::new(
            Kind::NotFound,
            Msg::new(format!("Không có tệp {p}"), format!("No file {p}")),
        )),
    }
}

/// The integrity, version and identity of a baocao database file.
fn identify(conn: &Connection, path: &Path) -> Result<(String, i64)> {
    let bad = |m: Msg| not_restorable(path, m);
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| {
            bad(Msg::new(
                format!("không phải cơ sở dữ liệu SQLite ({e})"),
                format!("not an SQLite database ({e})"),
            ))
        })?;
    if integrity != "ok" {
        return Err(bad(Msg::new(
            format!("tệp hỏng ({integrity})"),
            format!("damaged ({integrity})"),
        )));
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let has_tables: i64 = conn.query_row(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('unit','account','audit_log','meta')",
        [],
        |r| r.get(0),
    )?;
    if version < 1 || has_tables != 4 {
        return Err(bad(Msg::new(
            "không phải cơ sở dữ liệu baocao",
            "not a baocao database",
        )));
    }
    if version > store::schema_version() {
        return Err(bad(Msg::new(
            format!("lược đồ phiên bản {version} mới hơn bản baocao này"),
            format!("schema version {version} is newer than this baocao"),
        )));
    }
    Ok((integrity, version))
}

/// Checks that a file is a healthy baocao database this version can use.
pub fn inspect_backup(path: &Path) -> Result<Inspection> {
    require_file(path)?;
    let conn =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|e| {
            not_restorable(
                path,
                Msg::new("không mở được", format!("cannot open ({e})")),
            )
        })?;
    let (integrity, version) = identify(&conn, path)?;
    let v: Verification = audit::verify(&conn)?;
    Ok(Inspection {
        file: path.display().to_string(),
        integrity,
        schema_version: version,
        audit_ok: v.ok,
        audit_head: v.head,
    })
}

/// A restore done: the backup as it was checked, and where the replaced database
/// was put aside (none when there was none).
#[derive(Debug, Serialize)]
pub struct Restored {
    #[serde(flatten)]
    pub inspection: Inspection,
    pub previous_database: Option<String>,
}

/// A backup copied beside the live database and checked there, ready to be put in
/// place. Dropped without [`Prepared::install`], the copy is removed.
pub struct Prepared {
    pub inspection: Inspection,
    copy: PathBuf,
    installed: bool,
}

impl Drop for Prepared {
    fn drop(&mut self) {
        if !self.installed {
            remove_db_files(&self.copy);
        }
    }
}

/// Whether two paths name the same file (device and inode, so symbolic links,
/// `./` spellings and hard links are all seen through).
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

/// Stops the process at a named step of a restore when `BAOCAO_FAULT_RESTORE` names
/// it: the tests' way to prove a kill at that moment loses nothing.
fn fault_point(step: &str) {
    if std::env::var("BAOCAO_FAULT_RESTORE").is_ok_and(|v| v == step) {
        std::process::abort();
    }
}

fn sync_dir(file: &Path) {
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Copies `backup` beside `db` (owner-only), upgrades an older schema on the copy,
/// and checks the copy as `check` does: file integrity, foreign keys, the audit
/// trail and the schema. Anything wrong refuses the backup (exit 5) with the live
/// database untouched.
pub fn prepare_restore(backup: &Path, db: &Path) -> Result<Prepared> {
    require_file(backup)?;
    if same_file(backup, db) {
        let (b, d) = (backup.display(), db.display());
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("{b} chính là cơ sở dữ liệu đang dùng ({d}); không khôi phục lên chính nó"),
                format!("{b} is the live database ({d}); it cannot be restored onto itself"),
            ),
        ));
    }
    let copy = work_path(db, "restoring");
    remove_db_files(&copy);
    let mut prepared = Prepared {
        inspection: Inspection {
            file: backup.display().to_string(),
            integrity: String::new(),
            schema_version: 0,
            audit_ok: false,
            audit_head: None,
        },
        copy,
        installed: false,
    };
    drop(store::create_private(&prepared.copy)?);
    {
        let src =
            Connection::open_with_flags(backup, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|e| {
                not_restorable(
                    backup,
                    Msg::new("không mở được", format!("cannot open ({e})")),
                )
            })?;
        let (integrity, version) = identify(&src, backup)?;
        prepared.inspection.integrity = integrity;
        prepared.inspection.schema_version = version;
        copy_into(&src, &prepared.copy).map_err(|e| {
            not_restorable(
                backup,
                Msg::new(
                    format!("không sao chép được ({})", e.msg.vi),
                    format!("cannot be copied ({})", e.msg.en),
                ),
            )
        })?;
    }
    {
        // Opening upgrades an older schema, on the copy only.
        let mut st =
            Store::open(&prepared.copy).map_err(|e| not_restorable(backup, e.msg.clone()))?;
        let report = st.read(|tx| check(tx))?;
        if let Some(why) = report.first_problem() {
            let n = report.problem_count();
            return Err(not_restorable(backup, why).with_details(report.details(n)));
        }
        prepared.inspection.audit_ok = report.audit.ok;
        prepared.inspection.audit_head = report.audit.head.clone();
    }
    std::fs::File::open(&prepared.copy)?.sync_all()?;
    sync_dir(&prepared.copy);
    Ok(prepared)
}

impl Prepared {
    /// Puts the checked copy in place of `db`, keeping the old database aside under a
    /// name never used before; returns that name. A kill at any step leaves either
    /// the old or the new database at `db`: the old one is hard-linked aside, then
    /// the copy is renamed over it in one step.
    pub fn install(mut self, db: &Path) -> Result<Option<String>> {
        fault_point("copied");
        let mut aside = None;
        if db.exists() {
            fold_wal(db)?;
            let dest = keep_aside(db)?;
            sync_dir(db);
            fault_point("aside");
            // The WAL is empty (folded above): nothing of the old database is lost.
            for s in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(sibling(db, s));
            }
            aside = Some(dest.display().to_string());
        }
        std::fs::rename(&self.copy, db)?;
        self.installed = true;
        sync_dir(db);
        fault_point("renamed");
        Ok(aside)
    }
}

/// Puts a freshly built, closed database `new` in place of `db` in one rename (the
/// demo's way to never destroy the previous demo). The old database's WAL is folded
/// first when it can be, and its sidecars removed, so they are never read against
/// the new file.
pub fn replace_db(new: &Path, db: &Path) -> Result<()> {
    std::fs::File::open(new)?.sync_all()?;
    if db.exists() {
        let _ = fold_wal(db);
    }
    for s in ["-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(sibling(db, s));
    }
    std::fs::rename(new, db)?;
    sync_dir(db);
    Ok(())
}

/// Where a database is built before [`replace_db`] puts it in place. What a killed
/// earlier build left there (its process gone) is removed.
pub fn building_path(db: &Path) -> PathBuf {
    work_path(db, "building")
}

/// `DB.TAG-PID`, this process's working file beside `db`, after removing those of
/// processes that are gone (killed part-way), with their sidecars.
fn work_path(db: &Path, tag: &str) -> PathBuf {
    let prefix = format!(
        "{}.{tag}-",
        db.file_name().unwrap_or_default().to_string_lossy()
    );
    let dir = match db.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // Only where processes can be seen (/proc): never guess that one is gone.
    if let (true, Ok(entries)) = (Path::new("/proc/self").exists(), std::fs::read_dir(dir)) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let Some(rest) = name.strip_prefix(&prefix) else {
                continue;
            };
            let pid = rest.split('-').next().unwrap_or_default();
            let gone = pid.parse::<u32>().is_ok_and(|pid| {
                pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists()
            });
            if gone {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    sibling(db, &format!(".{tag}-{}", std::process::id()))
}

/// Folds the live database's WAL into its main file, and makes sure no other
/// process is using it (the swap would lose what it writes). Waits for another
/// process's lock as long as every command does (`BAOCAO_BUSY_TIMEOUT_MS`).
fn fold_wal(db: &Path) -> Result<()> {
    let busy = || {
        Error::new(
            Kind::Busy,
            Msg::new(
                "Cơ sở dữ liệu đang được tiến trình khác dùng; dừng các tiến trình đó rồi khôi phục lại",
                "The database is in use by another process; stop it and restore again",
            ),
        )
    };
    let c = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    c.busy_timeout(store::busy_timeout())?;
    let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
    if mode == "wal" {
        let (blocked, _log, _done): (i64, i64, i64) = c
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .map_err(|_| busy())?;
        if blocked != 0 {
            return Err(busy());
        }
    }
    drop(c);
    let wal = sibling(db, "-wal");
    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        return Err(busy());
    }
    Ok(())
}

/// Links the live database to `DB.before-restore-YYYYMMDDTHHMMSS-PID[-N]`, a name
/// created exclusively (never overwriting an earlier kept-aside copy), owner-only.
fn keep_aside(db: &Path) -> Result<PathBuf> {
    let stamp = jiff::Timestamp::now().strftime("%Y%m%dT%H%M%S").to_string();
    let base = format!(".before-restore-{stamp}-{}", std::process::id());
    for n in 1..1000 {
        let suffix = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        let dest = sibling(db, &suffix);
        match std::fs::hard_link(db, &dest) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            // A file system without hard links: an exclusive copy.
            Err(_) => {
                let mut out = match store::create_private(&dest) {
                    Ok(f) => f,
                    Err(_) if dest.exists() => continue,
                    Err(e) => return Err(e),
                };
                std::io::copy(&mut std::fs::File::open(db)?, &mut out)?;
                out.sync_all()?;
            }
        }
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(0o600))?;
        return Ok(dest);
    }
    Err(Error::new(
        Kind::State,
        Msg::new(
            "Không đặt được tên cho bản cũ giữ lại",
            "Could not name the copy of the old database",
        ),
    ))
}

#[derive(Debug, Serialize)]
pub struct CheckReport {
    pub ok: bool,
    pub integrity: String,
    pub foreign_keys: Vec<Value>,
    pub audit: Verification,
    /// How the schema differs from the one this binary expects (tables, columns,
    /// indexes, triggers); empty when it matches.
    pub schema: Vec<SchemaProblem>,
}

impl CheckReport {
    /// The first thing wrong, in the order `check` reports them.
    pub fn first_problem(&self) -> Option<Msg> {
        if self.integrity != "ok" {
            let i = &self.integrity;
            return Some(Msg::new(
                format!("tệp hỏng ({i})"),
                format!("the file is damaged ({i})"),
            ));
        }
        if !self.foreign_keys.is_empty() {
            let n = self.foreign_keys.len();
            return Some(Msg::new(
                format!("{n} lỗi khoá ngoại"),
                format!("{n} foreign key violations"),
            ));
        }
        if let Some(p) = self.schema.first() {
            let m = &p.msg;
            return Some(Msg::new(
                format!("lược đồ không đúng: {}", m.vi),
                format!("the schema is not as expected: {}", m.en),
            ));
        }
        self.audit.problems.first().map(|p| {
            Msg::new(
                format!("nhật ký kiểm tra không toàn vẹn: {}", p.msg.vi),
                format!("the audit trail is not intact: {}", p.msg.en),
            )
        })
    }

    pub fn problem_count(&self) -> usize {
        usize::from(self.integrity != "ok")
            + self.foreign_keys.len()
            + self.audit.problems.len()
            + self.schema.len()
    }

    /// Every schema and audit problem after the first, at most `max`.
    pub fn details(&self, max: usize) -> Vec<Msg> {
        self.schema
            .iter()
            .map(|p| p.msg.clone())
            .chain(self.audit.problems.iter().map(|p| p.msg.clone()))
            .skip(1)
            .take(max)
            .collect()
    }
}

/// `check`: the file's integrity, foreign keys, the schema against a freshly migrated
/// one, and the audit trail ([`audit::verify`]). Pure reading.
pub fn check(conn: &Connection) -> Result<CheckReport> {
    check_with(conn, &audit::Unseen)
}

/// [`check`], telling `progress` how far it is. SQLite's integrity check reads every
/// page and reports nothing until done: when the database is a file it runs on a
/// second, read-only connection beside the other checks (a machine's second core).
pub fn check_with(conn: &Connection, progress: &dyn audit::Progress) -> Result<CheckReport> {
    std::thread::scope(|scope| {
        let beside =
            store::audit::second_reader(conn).map(|c| scope.spawn(move || integrity_of(&c)));
        progress.stage(Msg::new("khoá ngoại", "foreign keys"), 0);
        // The values' one foreign key is checked by the audit's pass over them.
        let values_by_audit = values_fk_as_expected(conn)?;
        let mut fk = Vec::new();
        for table in table_names(conn)? {
            if !(values_by_audit && table == "value") {
                foreign_key_check(conn, &table, &mut fk)?;
            }
        }
        progress.stage(Msg::new("lược đồ", "schema"), 0);
        let schema = schema_problems(conn)?;
        let audit = match audit::verify_with(conn, progress) {
            Ok(v) => {
                for _ in 0..v.orphan_values {
                    fk.push(
                        serde_json::json!({"table": "value", "rowid": null, "parent": "revision"}),
                    );
                }
                v
            }
            // A schema this binary does not know can make the verification itself fail:
            // the schema problems say why.
            Err(e) if !schema.is_empty() => {
                if values_by_audit {
                    foreign_key_check(conn, "value", &mut fk)?;
                }
                Verification {
                    ok: false,
                    entries: 0,
                    objects: 0,
                    head: None,
                    anchors: None,
                    orphan_values: 0,
                    problems: vec![audit::Problem {
                        entry: None,
                        object: None,
                        problem: format!("the audit trail cannot be verified: {}", e.msg.en),
                        msg: Msg::new(
                            format!("không kiểm được nhật ký: {}", e.msg.vi),
                            format!("the audit trail cannot be verified: {}", e.msg.en),
                        ),
                    }],
                }
            }
            Err(e) => return Err(e),
        };
        progress.stage(Msg::new("toàn vẹn tệp", "file integrity"), 0);
        let integrity = match beside {
            Some(h) => h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))?,
            None => integrity_of(conn)?,
        };
        Ok(CheckReport {
            ok: integrity == "ok" && fk.is_empty() && audit.ok && schema.is_empty(),
            integrity,
            foreign_keys: fk,
            audit,
            schema,
        })
    })
}

/// The database's tables, in `sqlite_master`'s order.
fn table_names(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )?;
    let names = stmt.query_map([], |r| r.get(0))?;
    Ok(names.collect::<rusqlite::Result<_>>()?)
}

/// `PRAGMA foreign_key_check` of one table, its rows added to `out`.
fn foreign_key_check(conn: &Connection, table: &str, out: &mut Vec<Value>) -> Result<()> {
    let sql = format!(
        "PRAGMA foreign_key_check(\"{}\")",
        table.replace('"', "\"\"")
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], |r| Ok(serde_json::json!({"table": r.get::<_, String>(0)?, "rowid": r.get::<_, Option<i64>>(1)?, "parent": r.get::<_, String>(2)?})))?;
    for r in rows {
        out.push(r?);
    }
    Ok(())
}

/// Whether the `value` table's only foreign key is the expected one (its revision),
/// which the audit's pass over the values checks on the way: 14 million lookups fewer.
fn values_fk_as_expected(conn: &Connection) -> Result<bool> {
    let mut stmt = conn.prepare(
        "SELECT \"table\", \"from\", coalesce(\"to\", '') FROM pragma_foreign_key_list('value')",
    )?;
    let keys = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(keys
        == [(
            "revision".to_string(),
            "revision_id".to_string(),
            "id".to_string(),
        )])
}

/// SQLite's verdict on the file: `ok`, or the first thing wrong.
fn integrity_of(conn: &Connection) -> Result<String> {
    Ok(conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
}

/// One schema object as `sqlite_master` has it: its SQL, whitespace collapsed.
#[derive(PartialEq)]
struct Object {
    kind: String,
    table: String,
    sql: String,
}

fn objects(conn: &Connection) -> Result<std::collections::BTreeMap<String, Object>> {
    let mut stmt = conn.prepare(
        "SELECT name, type, tbl_name, COALESCE(sql, '') FROM sqlite_master \
         WHERE name NOT LIKE 'sqlite_%' ORDER BY name",
    )?;
    let rows = stmt.query_map([], |r| {
        let sql: String = r.get(3)?;
        Ok((
            r.get::<_, String>(0)?,
            Object {
                kind: r.get(1)?,
                table: r.get(2)?,
                sql: sql.split_whitespace().collect::<Vec<_>>().join(" "),
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn columns(conn: &Connection, table: &str) -> Result<Vec<(String, String, bool, i64)>> {
    let mut stmt = conn.prepare("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1)")?;
    let rows = stmt.query_map([table], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Compares the schema with a fresh database migrated by this binary: every table,
/// column, index and trigger it expects, and no trigger or view it does not know.
pub fn schema_problems(conn: &Connection) -> Result<Vec<SchemaProblem>> {
    let expected_conn = Store::expected_schema()?;
    let expected = objects(&expected_conn)?;
    let found = objects(conn)?;
    let mut problems = Vec::new();
    let kind_word = |k: &str| match k {
        "table" => ("bảng", "table"),
        "index" => ("chỉ mục", "index"),
        "trigger" => ("trigger", "trigger"),
        "view" => ("khung nhìn", "view"),
        _ => ("đối tượng", "object"),
    };
    for (name, want) in &expected {
        let (vi, en) = kind_word(&want.kind);
        let Some(have) = found.get(name) else {
            problems.push(SchemaProblem::new(
                name,
                Msg::new(
                    format!("thiếu {vi} {name}"),
                    format!("the {en} {name} is missing"),
                ),
            ));
            continue;
        };
        if want.kind == "table" {
            let want_cols = columns(&expected_conn, name)?;
            let have_cols = columns(conn, name)?;
            let mut column_problem = false;
            for col in &want_cols {
                let c = &col.0;
                match have_cols.iter().find(|h| h.0 == col.0) {
                    None => {
                        column_problem = true;
                        problems.push(SchemaProblem::new(
                            name,
                            Msg::new(
                                format!("bảng {name} thiếu cột {c}"),
                                format!("the table {name} has no column {c}"),
                            ),
                        ));
                    }
                    Some(h) if h != col => {
                        column_problem = true;
                        problems.push(SchemaProblem::new(
                            name,
                            Msg::new(
                                format!("cột {name}.{c} khác định nghĩa"),
                                format!("the column {name}.{c} is defined differently"),
                            ),
                        ));
                    }
                    Some(_) => {}
                }
            }
            if column_problem {
                continue;
            }
        }
        if have != want {
            problems.push(SchemaProblem::new(
                name,
                Msg::new(
                    format!("{vi} {name} khác định nghĩa"),
                    format!("the {en} {name} is defined differently"),
                ),
            ));
        }
    }
    for (name, have) in &found {
        if (have.kind == "trigger" || have.kind == "view") && !expected.contains_key(name) {
            let (vi, en) = kind_word(&have.kind);
            let t = &have.table;
            problems.push(SchemaProblem::new(
                name,
                Msg::new(
                    format!("có {vi} lạ {name} (trên {t})"),
                    format!("an unknown {en} {name} (on {t})"),
                ),
            ));
        }
    }
    Ok(problems)
}

/// One way the schema differs from the expected one.
#[derive(Debug, Clone, Serialize)]
pub struct SchemaProblem {
    /// The table, index, trigger or view concerned.
    pub object: String,
    pub problem: String,
    #[serde(skip)]
    pub msg: Msg,
}

impl SchemaProblem {
    fn new(object: &str, msg: Msg) -> SchemaProblem {
        SchemaProblem {
            object: object.to_string(),
            problem: msg.en.clone(),
            msg,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::testing::Province;

    #[test]
    fn the_demo_province_checks_clean() {
        let p = Province::new();
        let mut st = Store::open(&p.db).unwrap();
        let report = st.read(|tx| check(tx)).unwrap();
        assert!(report.ok, "{:?}", report.first_problem());
        assert_eq!(report.problem_count(), 0);
    }

    #[test]
    fn an_edit_behind_the_tool_s_back_is_found() {
        let p = Province::new();
        let conn = Connection::open(&p.db).unwrap();
        conn.execute(
            "UPDATE unit SET name = 'Phường Giả Mạo' WHERE code = '99001'",
            [],
        )
        .unwrap();
        drop(conn);
        let mut st = Store::open(&p.db).unwrap();
        let report = st.read(|tx| check(tx)).unwrap();
        assert!(!report.ok);
        let first = report.first_problem().expect("a problem");
        assert!(first.vi.contains("nhật ký") && first.en.contains("audit"));
    }

    /// `check` as it was before the values' foreign key came from the audit's pass:
    /// SQLite's own check of every table.
    fn sqlite_foreign_key_check(conn: &Connection) -> Vec<Value> {
        let mut stmt = conn.prepare("PRAGMA foreign_key_check").unwrap();
        let rows = stmt
            .query_map([], |r| Ok(serde_json::json!({"table": r.get::<_, String>(0)?, "rowid": r.get::<_, Option<i64>>(1)?, "parent": r.get::<_, String>(2)?})))
            .unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    }

    #[test]
    fn values_edited_or_of_no_revision_are_found() {
        let p = Province::new();
        let conn = Connection::open(&p.db).unwrap();
        let (revision, reference): (i64, String) = conn
            .query_row(
                "SELECT id, ref FROM revision WHERE id = (SELECT MAX(revision_id) FROM value)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        conn.execute_batch(&format!(
            "PRAGMA foreign_keys = OFF;
             UPDATE value SET num = '123456' WHERE revision_id = {revision}
               AND row_key = (SELECT MIN(row_key) FROM value WHERE revision_id = {revision});
             INSERT INTO value(revision_id, row_key, column_key, num) VALUES
               (987654, 'r001', 'c1', '1'), ('khong-co', 'r001', 'c1', '2');
             INSERT INTO transition(revision_id, action, to_status, actor, at)
               VALUES (987654, 'create', 'draft', 'ai-do', 't');"
        ))
        .unwrap();
        let expected_fk = sqlite_foreign_key_check(&conn);
        drop(conn);
        // The values' foreign key is checked by the audit's pass, on a second
        // connection for half of them: the same violations as SQLite's own check.
        let mut st = Store::open(&p.db).unwrap();
        let report = st.read(|tx| check(tx)).unwrap();
        assert!(!report.ok);
        let mut found = report.foreign_keys.clone();
        let mut expected = expected_fk;
        let key = |v: &Value| v.to_string();
        found.sort_by_key(key);
        expected.sort_by_key(key);
        assert_eq!(found, expected);
        assert_eq!(
            found.iter().filter(|v| v["table"] == "value").count(),
            2,
            "{found:?}"
        );
        let modified: Vec<_> = report
            .audit
            .problems
            .iter()
            .filter(|p| p.problem == "values_modified")
            .map(|p| p.object.clone().unwrap_or_default())
            .collect();
        assert_eq!(modified, [format!("revision:{reference}")]);
        assert!(report.first_problem().unwrap().en.contains("foreign key"));
    }

    #[test]
    fn a_damaged_file_is_found_by_the_integrity_check_beside_the_others() {
        let p = Province::new();
        // An index that no longer matches its table: the file opens, every query works,
        // only SQLite's integrity check sees it.
        let conn = Connection::open(&p.db).unwrap();
        conn.execute_batch(
            "PRAGMA writable_schema = ON;
             UPDATE sqlite_master SET sql = 'CREATE INDEX unit_parent ON unit(name)'
              WHERE name = 'unit_parent';
             PRAGMA writable_schema = OFF;",
        )
        .unwrap();
        drop(conn);
        let mut st = Store::open(&p.db).unwrap();
        let report = st.read(|tx| check(tx)).unwrap();
        assert!(!report.ok);
        assert_ne!(report.integrity, "ok");
        assert!(report.first_problem().unwrap().en.contains("damaged"));
    }

    #[test]
    fn a_backup_restores_over_a_changed_database() {
        let p = Province::new();
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("sao-luu.db");
        let info = backup(&Store::open(&p.db).unwrap(), &copy, false).unwrap();
        assert!(info.bytes > 0 && info.audit_head.is_some());
        // Without --force an existing file is kept.
        let e = backup(&Store::open(&p.db).unwrap(), &copy, false).unwrap_err();
        assert_eq!(e.kind, Kind::State);
        p.write(
            crate::ops::testing::who::SYSADMIN,
            "unit update",
            |tx, a, rec| {
                let ch = crate::ops::unit::UnitChange {
                    name: Some("Phường Hà Sơn (đổi tên)".into()),
                    ..Default::default()
                };
                crate::ops::unit::update(tx, a, rec, "99001", &ch)
            },
        )
        .unwrap();
        let prepared = prepare_restore(&copy, &p.db).unwrap();
        assert!(prepared.inspection.audit_ok);
        let aside = prepared.install(&p.db).unwrap();
        assert!(aside.is_some());
        let name = p
            .read(crate::ops::testing::who::VIEWER, |tx, _| {
                crate::ops::unit::find(tx, "99001")
            })
            .unwrap()
            .name;
        assert_eq!(name, "Phường Hà Sơn");
        assert!(p.audit_ok());
    }

    #[test]
    fn what_is_not_a_database_is_not_restored() {
        let p = Province::new();
        let dir = tempfile::tempdir().unwrap();
        let junk = dir.path().join("khong-phai.db");
        std::fs::write(&junk, "không phải cơ sở dữ liệu").unwrap();
        let e = prepare_restore(&junk, &p.db).err().expect("refused");
        assert_eq!(e.kind, Kind::Invalid);
        let missing = prepare_restore(&dir.path().join("khong-co.db"), &p.db)
            .err()
            .expect("refused");
        assert_eq!(missing.kind, Kind::NotFound);
        let itself = prepare_restore(&p.db, &p.db).err().expect("refused");
        assert_eq!(itself.kind, Kind::Invalid);
    }
}
