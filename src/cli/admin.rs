//! `audit`, `backup`, `restore`, `check`: the operator's commands.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::{json, Value};

use crate::audit::LogFilter;
use crate::context::{Ctx, Need};
use crate::error::{Error, Kind, Msg, Result};
use crate::fields;
use crate::ops::backup;
use crate::output::Field;

#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// List audit entries, oldest first.
    Log {
        /// Only this actor's entries.
        #[arg(long)]
        actor: Option<String>,
        /// Only this object (`account:nva`) or kind of object (`unit`).
        #[arg(long)]
        object: Option<String>,
        /// Only entries at or after this date.
        #[arg(long)]
        since: Option<String>,
        /// At most this many entries (the latest).
        #[arg(long)]
        limit: Option<i64>,
    },
    /// Verify the hash chain and every audited row; exit 1 naming the first bad entry.
    Verify,
    /// Print the chain's head (id:hash), to anchor it outside the database.
    Head,
}

const LOG_FIELDS: &[Field] = fields![
    ("id", "#", "#"),
    ("at", "Thời điểm", "Time"),
    ("actor", "Người thực hiện", "Actor"),
    ("command", "Lệnh", "Command"),
    ("object", "Đối tượng", "Object"),
    ("detail", "Nội dung", "Detail"),
];

fn report_problems(ctx: &Ctx, problems: &[crate::audit::Problem]) -> Result<()> {
    if problems.is_empty() {
        return Ok(());
    }
    let first = &problems[0];
    let n = problems.len();
    Err(Error::new(
        Kind::Failure,
        Msg::new(
            format!(
                "Nhật ký kiểm tra không toàn vẹn ({n} vấn đề); đầu tiên: {}",
                first.msg.vi
            ),
            format!(
                "The audit trail is not intact ({n} problems); first: {}",
                first.msg.en
            ),
        ),
    )
    .with_details(
        problems
            .iter()
            .skip(1)
            .take(if ctx.verbose > 0 { usize::MAX } else { 20 })
            .map(|p| p.msg.clone())
            .collect(),
    ))
}

pub fn audit(ctx: &Ctx, cmd: AuditCmd) -> Result<()> {
    match cmd {
        AuditCmd::Log {
            actor,
            object,
            since,
            limit,
        } => {
            let since = since
                .as_deref()
                .map(crate::clock::parse_instant)
                .transpose()?
                .map(crate::clock::rfc3339);
            let entries = ctx.read(|tx, a| {
                a.require_sysadmin(Msg::new("xem nhật ký kiểm tra", "read the audit trail"))?;
                crate::audit::log(
                    tx,
                    &LogFilter {
                        actor: actor.as_deref(),
                        object: object.as_deref(),
                        since: since.as_deref(),
                        limit,
                    },
                )
            })?;
            ctx.out.emit(&serde_json::to_value(entries)?, LOG_FIELDS)
        }
        AuditCmd::Verify => {
            let v = ctx.read(|tx, a| {
                a.require_sysadmin(Msg::new("kiểm tra nhật ký", "verify the audit trail"))?;
                crate::audit::verify(tx)
            })?;
            let problems = v.problems.clone();
            if ctx.out.is_json() || problems.is_empty() {
                ctx.out.emit(
                    &serde_json::to_value(&v)?,
                    fields![
                        ("ok", "Toàn vẹn", "Intact"),
                        ("entries", "Số mục", "Entries"),
                        ("objects", "Số đối tượng", "Objects"),
                        ("head", "Đầu chuỗi", "Head")
                    ],
                )?;
            }
            report_problems(ctx, &problems)
        }
        AuditCmd::Head => {
            let head = ctx.read(|tx, a| {
                a.require_sysadmin(Msg::new("xem đầu chuỗi nhật ký", "read the audit head"))?;
                crate::audit::head(tx)
            })?;
            ctx.out.emit(
                &json!({"head": head}),
                fields![("head", "Đầu chuỗi", "Head")],
            )
        }
    }
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The backup file to write (must not exist unless --force).
    pub file: PathBuf,
    /// Replace an existing file.
    #[arg(long)]
    pub force: bool,
}

pub fn backup(ctx: &Ctx, a: BackupArgs) -> Result<()> {
    let mut store = ctx.open()?;
    store.read(|tx| {
        ctx.authenticate(tx, Need::Ready)?
            .require_sysadmin(Msg::new("sao lưu", "back up the database"))
    })?;
    let info = backup::backup(&store, &a.file, a.force)?;
    let p = a.file.display();
    ctx.out.note(Msg::new(
        format!("Đã sao lưu vào {p}"),
        format!("Backed up to {p}"),
    ));
    ctx.out.emit(&serde_json::to_value(info)?, &[])
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup file to restore.
    pub file: PathBuf,
}

pub fn restore(ctx: &Ctx, a: RestoreArgs) -> Result<()> {
    let p = a.file.display();
    let question = Msg::new(
        format!(
            "Thay cơ sở dữ liệu {} bằng bản sao lưu {p}?",
            ctx.db.display()
        ),
        format!(
            "Replace the database {} with the backup {p}?",
            ctx.db.display()
        ),
    );
    // No terminal to ask and no --yes: refuse before doing anything.
    super::require_consent(ctx)?;
    if ctx.db.exists() {
        // Whoever restores must be a sysadmin of the database being replaced.
        match ctx.open() {
            Ok(mut store) => store.read(|tx| {
                ctx.authenticate(tx, Need::Ready)?
                    .require_sysadmin(Msg::new("khôi phục cơ sở dữ liệu", "restore the database"))
            })?,
            Err(e) if e.kind == Kind::Busy => return Err(e),
            Err(_) => ctx.out.warn(Msg::new(
                "Cơ sở dữ liệu hiện tại không mở được; khôi phục đè lên nó",
                "The current database cannot be opened; restoring over it",
            )),
        }
    }
    let prepared = backup::prepare_restore(&a.file, &ctx.db)?;
    super::confirm(ctx, question)?;
    let checked = serde_json::to_value(&prepared.inspection)?;
    let aside = prepared.install(&ctx.db)?;
    ctx.out.note(Msg::new(
        format!("Đã khôi phục từ {p}"),
        format!("Restored from {p}"),
    ));
    if let Some(old) = &aside {
        ctx.out.note(Msg::new(
            format!("Cơ sở dữ liệu cũ được giữ ở {old}"),
            format!("The previous database is kept at {old}"),
        ));
    }
    let mut v = checked;
    v["previous_database"] = json!(aside);
    ctx.out.emit(&v, &[])
}

pub fn check(ctx: &Ctx) -> Result<()> {
    let mut store = ctx.open()?;
    let report = store.read(|tx| {
        ctx.authenticate(tx, Need::Ready)?
            .require_sysadmin(Msg::new("kiểm tra cơ sở dữ liệu", "check the database"))?;
        backup::check(tx)
    })?;
    let problems = report.audit.problems.clone();
    let fk: Vec<Value> = report.foreign_keys.clone();
    ctx.out.emit(
        &serde_json::to_value(&report)?,
        fields![
            ("ok", "Đạt", "OK"),
            ("integrity", "Toàn vẹn tệp", "Integrity"),
            ("foreign_keys", "Lỗi khoá ngoại", "Foreign key errors"),
            ("audit", "Nhật ký", "Audit trail"),
            ("schema", "Lược đồ", "Schema")
        ],
    )?;
    if report.integrity != "ok" {
        let i = &report.integrity;
        return Err(Error::new(
            Kind::Failure,
            Msg::new(
                format!("Tệp cơ sở dữ liệu hỏng: {i}"),
                format!("The database file is damaged: {i}"),
            ),
        ));
    }
    if !fk.is_empty() {
        let n = fk.len();
        return Err(Error::new(
            Kind::Failure,
            Msg::new(
                format!("{n} lỗi khoá ngoại"),
                format!("{n} foreign key violations"),
            ),
        ));
    }
    if let Some(first) = report.schema.first() {
        let n = report.schema.len();
        return Err(Error::new(
            Kind::Failure,
            Msg::new(
                format!(
                    "Lược đồ cơ sở dữ liệu không đúng ({n} chỗ); đầu tiên: {}",
                    first.msg.vi
                ),
                format!(
                    "The database schema is not as expected ({n} differences); first: {}",
                    first.msg.en
                ),
            ),
        )
        .with_details(
            report
                .schema
                .iter()
                .skip(1)
                .map(|p| p.msg.clone())
                .collect(),
        ));
    }
    report_problems(ctx, &problems)
}
