//! The only module that speaks SQL: opening the database, its pragmas, migrations and
//! one query module per table group.
//!
//! Every command runs in one transaction: writers take `BEGIN IMMEDIATE` so two
//! processes never interleave half-done work, and a writer that waits past the busy
//! timeout fails with exit 8 without having written anything.

pub mod account;
pub mod approval;
pub mod attachment;
pub mod audit;
pub mod calendar;
pub mod delegation;
pub mod exchange;
pub mod form;
pub mod indicator;
pub mod monitor;
pub mod notice;
pub mod outline;
pub mod regime;
pub mod report;
pub mod unit;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior};

use crate::error::{Error, Kind, Msg, Result};

/// Schema migrations, applied in order; `PRAGMA user_version` says how many ran.
/// Never edit a released one: add the next.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_foundation.sql"),
    include_str!("migrations/0002_indexes.sql"),
    include_str!("migrations/0003_catalogue.sql"),
    include_str!("migrations/0004_reporting.sql"),
    include_str!("migrations/0005_obligations.sql"),
    include_str!("migrations/0006_national_scale.sql"),
    include_str!("migrations/0007_audit_coverage.sql"),
    include_str!("migrations/0008_assignment_from.sql"),
    include_str!("migrations/0009_notices_outages.sql"),
    include_str!("migrations/0010_school_start_window.sql"),
    include_str!("migrations/0011_exchange.sql"),
    include_str!("migrations/0012_federation.sql"),
    include_str!("migrations/0013_regime_history.sql"),
    include_str!("migrations/0014_approval_chain.sql"),
    include_str!("migrations/0015_outline.sql"),
    include_str!("migrations/0017_assignment_until.sql"),
    include_str!("migrations/0018_catalogue_owner.sql"),
    include_str!("migrations/0019_regime_version_assignments.sql"),
    include_str!("migrations/0020_data_approval_delegation.sql"),
];

pub fn schema_version() -> i64 {
    MIGRATIONS.len() as i64
}

pub struct Store {
    pub conn: Connection,
    pub path: PathBuf,
}

/// How long to wait for another process's lock: `BAOCAO_BUSY_TIMEOUT_MS`, default 5 s.
pub(crate) fn busy_timeout() -> Duration {
    let ms = std::env::var("BAOCAO_BUSY_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(5000);
    Duration::from_millis(ms)
}

/// A second, read-only connection to `conn`'s database file that reads the same
/// state, for work split over two cores. `None` for an in-memory database, when the
/// file cannot be opened, or when the state moved on since `conn` began reading
/// (every change appends to the audit trail, so equal trail heads mean the same
/// committed state): the caller then reads on `conn` alone.
pub fn second_reader(conn: &Connection) -> Option<Connection> {
    let path = conn.path().filter(|p| !p.is_empty())?;
    let other = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .ok()?;
    other.busy_timeout(busy_timeout()).ok()?;
    other.execute_batch("BEGIN").ok()?;
    let head = |c: &Connection| -> Option<(Option<i64>, Option<String>)> {
        c.query_row(
            "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .ok()
        .map(|h| h.unwrap_or((None, None)))
    };
    let mine = head(conn)?;
    (head(&other)? == mine).then_some(other)
}

impl Store {
    /// Opens an existing database, upgrading its schema in place.
    pub fn open(path: &Path) -> Result<Store> {
        if !path.exists() {
            let p = path.display();
            return Err(Error::new(
                Kind::NotFound,
                Msg::new(
                    format!("Không có cơ sở dữ liệu {p}"),
                    format!("No database at {p}"),
                ),
            )
            .with_hint(Msg::new(
                "tạo bằng `baocao init`, hoặc chỉ đường dẫn bằng --db / BAOCAO_DB",
                "create one with `baocao init`, or point --db / BAOCAO_DB at it",
            )));
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.configure()?;
        store.migrate()?;
        Ok(store)
    }

    /// Creates a new database; refuses to touch an existing file.
    pub fn create(path: &Path) -> Result<Store> {
        if path.exists() {
            let p = path.display();
            return Err(Error::new(
                Kind::State,
                Msg::new(
                    format!("Đã có cơ sở dữ liệu tại {p}; không khởi tạo lại"),
                    format!("A database already exists at {p}; not initialising again"),
                ),
            ));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        // Owner-only from the first byte: SQLite gives the WAL and SHM files the
        // database file's permissions.
        create_private(path)?;
        let conn = Connection::open(path)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.configure()?;
        store.migrate()?;
        Ok(store)
    }

    /// An in-memory database with every migration applied: the schema this binary
    /// expects, to compare a database against.
    pub fn expected_schema() -> Result<Connection> {
        let mut store = Store {
            conn: Connection::open_in_memory()?,
            path: PathBuf::from(":memory:"),
        };
        store.migrate()?;
        Ok(store.conn)
    }

    fn configure(&mut self) -> Result<()> {
        self.conn.busy_timeout(busy_timeout())?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        if mode != "wal" {
            return Err(Error::new(
                Kind::Failure,
                Msg::new(
                    format!("Không bật được chế độ WAL (đang là {mode})"),
                    format!("Could not switch to WAL mode (it is {mode})"),
                ),
            ));
        }
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Queries are prepared once per process (`prepare_cached`): a run importing a
        // folder repeats the same few dozen statements for every file.
        self.conn.set_prepared_statement_cache_capacity(64);
        Ok(())
    }

    fn migrate(&mut self) -> Result<()> {
        let current: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if current == schema_version() {
            return Ok(());
        }
        if current > schema_version() {
            return Err(Error::new(
                Kind::State,
                Msg::new(
                    format!("Cơ sở dữ liệu có lược đồ phiên bản {current}, mới hơn bản baocao này ({}); hãy cập nhật baocao", schema_version()),
                    format!("The database has schema version {current}, newer than this baocao ({}); upgrade baocao", schema_version()),
                ),
            ));
        }
        let tx = Transaction::new(&mut self.conn, TransactionBehavior::Immediate)?;
        // Another process may have migrated while we waited for the lock.
        let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(current.max(0) as usize) {
            tx.execute_batch(sql).map_err(|e| {
                Error::failure(
                    Msg::new(
                        format!("Nâng cấp lược đồ {} thất bại", i + 1),
                        format!("Schema migration {} failed", i + 1),
                    ),
                    e,
                )
            })?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            if i + 1 == 7 {
                audit::baseline_0007(&tx)?;
            }
            if i + 1 == 13 {
                audit::baseline_0013(&tx)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Runs `f` in one write transaction: all of it is committed, or none of it.
    /// In one process writers take turns here, before SQLite's lock: a server's
    /// concurrent requests form one writer path instead of contending in busy loops;
    /// other processes (a cron job) still meet SQLite's lock and its busy timeout.
    pub fn write<T>(&mut self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        static WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _turn = WRITER
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let tx = Transaction::new(&mut self.conn, TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Runs `f` in one read transaction, so a multi-query answer is consistent.
    pub fn read<T>(&mut self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let tx = Transaction::new(&mut self.conn, TransactionBehavior::Deferred)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        get_meta(&self.conn, key)
    }
}

/// Creates an empty file readable and writable by its owner only (mode 0600);
/// fails when the name is taken.
pub fn create_private(path: &Path) -> Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    Ok(std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?)
}

pub fn get_meta(conn: &Connection, key: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

pub fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

/// Refreshes the query planner's statistics (after a bulk load).
pub fn analyze(conn: &Connection) -> Result<()> {
    conn.execute_batch("ANALYZE")?;
    Ok(())
}
