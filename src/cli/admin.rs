//! `audit`, `backup`, `restore`, `check`: the operator's commands.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::Value;

use crate::audit::LogFilter;
use crate::context::{Ctx, Need};
use crate::error::{Error, Kind, Msg, Result};
use crate::fields;
use crate::ops::backup;
use crate::output::Field;

#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// List audit entries, oldest first.
    Log(LogArgs),
    /// Verify the hash chain and every audited row; exit 1 naming the first bad entry.
    ///
    /// With an anchors file (`--anchors`, or `BAOCAO_ANCHORS`), every head anchored in
    /// it must still be in the chain: exit 9 naming the first one that is not (the
    /// chain's tail was cut and its head rewritten).
    Verify(AnchorsArgs),
    /// Print the chain's head (id:hash), to anchor it outside the database.
    Head,
    /// Anchor the chain's head outside the database: append it (id, hash, time) as one
    /// JSON line to an append-only file, or print that line (for syslog or mail).
    ///
    /// The file is created owner-only (0600). The heads already in it are checked first:
    /// one no longer in the chain refuses (exit 9) and nothing is appended.
    Anchor(AnchorArgs),
}

#[derive(Debug, Args)]
pub struct AnchorsArgs {
    /// Also check the heads anchored in this file (`audit anchor --to FILE`): exit 9
    /// when one is no longer in the chain.
    #[arg(long, env = "BAOCAO_ANCHORS", value_name = "FILE")]
    pub anchors: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AnchorArgs {
    /// Append the anchor to this file (created 0600) instead of only printing it.
    #[arg(long, value_name = "FILE")]
    pub to: Option<PathBuf>,
}

const ANCHOR_FIELDS: &[Field] = fields![
    ("id", "Mục", "Entry"),
    ("hash", "Băm", "Hash"),
    ("at", "Ghi lúc", "Written at"),
    ("anchored_at", "Neo lúc", "Anchored at"),
];

/// How a verification ends: a broken chain is exit 1; a chain that verifies but has
/// lost an anchored head is exit 9.
fn audit_outcome(ctx: &Ctx, problems: &[crate::audit::Problem]) -> Result<()> {
    let chain: Vec<crate::audit::Problem> = problems
        .iter()
        .filter(|p| p.problem != "anchor_missing")
        .cloned()
        .collect();
    report_problems(ctx, &chain)?;
    match crate::audit::anchor::missing_error(problems) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Only this actor's entries.
    #[arg(long)]
    pub actor: Option<String>,
    /// Only this object (`account:nva`) or kind of object (`unit`).
    #[arg(long)]
    pub object: Option<String>,
    /// Only entries at or after this date.
    #[arg(long)]
    pub since: Option<String>,
    /// At most this many entries (the latest).
    #[arg(long)]
    pub limit: Option<i64>,
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
        AuditCmd::Log(LogArgs {
            actor,
            object,
            since,
            limit,
        }) => {
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
        AuditCmd::Verify(AnchorsArgs { anchors }) => {
            let anchors = anchors
                .as_deref()
                .map(crate::audit::anchor::read)
                .transpose()?;
            let bar = StageBar::new(ctx);
            let v = ctx.read(|tx, a| {
                a.require_sysadmin(Msg::new("kiểm tra nhật ký", "verify the audit trail"))?;
                let mut v = crate::audit::verify_with(tx, &bar)?;
                if let Some(anchors) = &anchors {
                    crate::audit::anchor::apply(tx, anchors, &mut v)?;
                }
                Ok(v)
            })?;
            drop(bar);
            let problems = v.problems.clone();
            if ctx.out.is_json() || problems.is_empty() {
                ctx.out.emit(
                    &serde_json::to_value(&v)?,
                    fields![
                        ("ok", "Toàn vẹn", "Intact"),
                        ("entries", "Số mục", "Entries"),
                        ("objects", "Số đối tượng", "Objects"),
                        ("head", "Đầu chuỗi", "Head"),
                        ("anchors", "Các mốc neo", "Anchors")
                    ],
                )?;
            }
            audit_outcome(ctx, &problems)
        }
        AuditCmd::Head => {
            let head = ctx.read(|tx, a| {
                a.require_sysadmin(Msg::new("xem đầu chuỗi nhật ký", "read the audit head"))?;
                crate::audit::head(tx)
            })?;
            ctx.out.emit(
                &serde_json::to_value(Head { head })?,
                fields![("head", "Đầu chuỗi", "Head")],
            )
        }
        AuditCmd::Anchor(AnchorArgs { to }) => {
            let anchor = ctx.read(|tx, a| {
                a.require_sysadmin(Msg::new("neo đầu chuỗi nhật ký", "anchor the audit head"))?;
                let now = crate::clock::rfc3339(ctx.trusted_now(tx)?);
                crate::audit::anchor::take(tx, &now, to.as_deref())
            })?;
            if let Some(f) = &to {
                let (id, f) = (anchor.id, f.display());
                ctx.out.note(Msg::new(
                    format!("Đã neo đầu chuỗi #{id} vào {f}"),
                    format!("Anchored head #{id} in {f}"),
                ));
            }
            if ctx.out.format == crate::output::Format::Table {
                // The very line an anchors file holds: what syslog or a mail keeps can be
                // appended to the file as is.
                ctx.out.text(&format!("{}\n", anchor.line()))
            } else {
                ctx.out.emit(&serde_json::to_value(&anchor)?, ANCHOR_FIELDS)
            }
        }
    }
}

/// The progress of `check` and `audit verify`: one bar, started over at each stage,
/// on a terminal only (never in a pipe, with `-q` or with JSON output); cleared when
/// dropped, before the result or an error is written.
struct StageBar {
    bar: Option<indicatif::ProgressBar>,
    lang: crate::error::Lang,
}

impl StageBar {
    fn new(ctx: &Ctx) -> Self {
        let shown = ctx.out.is_terminal() && !ctx.out.quiet && !ctx.out.is_json();
        let bar = shown.then(|| {
            let b = indicatif::ProgressBar::new(0);
            b.enable_steady_tick(std::time::Duration::from_millis(120));
            b
        });
        StageBar {
            bar,
            lang: ctx.lang(),
        }
    }
}

impl crate::audit::Progress for StageBar {
    fn stage(&self, what: Msg, len: u64) {
        if let Some(b) = &self.bar {
            // Steps not counted (a single SQLite statement): a spinner and the stage.
            let template = if len == 0 {
                "{spinner} {wide_msg}"
            } else {
                "{spinner} {bar:40} {pos}/{len} {wide_msg}"
            };
            b.set_style(
                indicatif::ProgressStyle::with_template(template)
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            b.set_message(what.get(self.lang).to_string());
            b.set_position(0);
            b.set_length(len);
        }
    }

    fn advance(&self, n: u64) {
        if let Some(b) = &self.bar {
            b.inc(n);
        }
    }
}

impl Drop for StageBar {
    fn drop(&mut self) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
    }
}

/// The audit chain's head, to anchor it outside the database.
#[derive(serde::Serialize)]
struct Head {
    head: Option<String>,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["file", "into"])))]
pub struct BackupArgs {
    /// The backup file to write (must not exist unless --force).
    pub file: Option<PathBuf>,
    /// Replace an existing file.
    #[arg(long, conflicts_with = "into")]
    pub force: bool,
    /// Write today's copy into this existing folder as `baocao-YYYY-MM-DD.db` (baocao's
    /// day; a second run the same day replaces it), check the copy as `check` does
    /// before naming it, then remove the daily copies the --keep-* policy does not keep.
    #[arg(long, value_name = "DIR")]
    pub into: Option<PathBuf>,
    /// With --into: keep the newest copy of each of the last N days that have one (1 or more; 7).
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=3660))]
    pub keep_daily: Option<u32>,
    /// With --into: keep the newest copy of each of the last N ISO weeks that have one (4).
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u32).range(0..=520))]
    pub keep_weekly: Option<u32>,
    /// With --into: keep the newest copy of each of the last N calendar months that have one (12).
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u32).range(0..=1200))]
    pub keep_monthly: Option<u32>,
}

pub fn backup(ctx: &Ctx, a: BackupArgs) -> Result<()> {
    let mut store = ctx.open()?;
    store.read(|tx| {
        ctx.authenticate(tx, Need::Ready)?
            .require_sysadmin(Msg::new("sao lưu", "back up the database"))
    })?;
    if let Some(dir) = &a.into {
        let d = crate::domain::retention::Policy::default();
        let policy = crate::domain::retention::Policy {
            daily: a.keep_daily.unwrap_or(d.daily),
            weekly: a.keep_weekly.unwrap_or(d.weekly),
            monthly: a.keep_monthly.unwrap_or(d.monthly),
        };
        let done = backup::rotation::backup_into(&store, dir, ctx.clock.today(), &policy)?;
        let (f, n) = (&done.backup.file, done.removed.len());
        ctx.out.note(Msg::new(
            format!("Đã sao lưu và kiểm tra {f}; xoá {n} bản cũ theo chính sách giữ lại"),
            format!("Backed up and checked {f}; {n} old copies removed by the retention policy"),
        ));
        return ctx.out.emit(&serde_json::to_value(done)?, &[]);
    }
    if a.keep_daily.or(a.keep_weekly).or(a.keep_monthly).is_some() {
        return Err(Error::new(
            Kind::Usage,
            Msg::new(
                "--keep-daily/--keep-weekly/--keep-monthly chỉ đi với --into THƯ_MỤC",
                "--keep-daily/--keep-weekly/--keep-monthly go with --into DIR only",
            ),
        ));
    }
    let Some(file) = a.file else {
        return Err(Error::new(
            Kind::Usage,
            Msg::new(
                "Cần tệp sao lưu hoặc --into THƯ_MỤC",
                "A backup file or --into DIR is needed",
            ),
        ));
    };
    let info = backup::backup(&store, &file, a.force)?;
    let p = file.display();
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
    let checked = prepared.inspection.clone();
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
    let done = backup::Restored {
        inspection: checked,
        previous_database: aside,
    };
    ctx.out.emit(&serde_json::to_value(done)?, &[])
}

pub fn check(ctx: &Ctx, a: AnchorsArgs) -> Result<()> {
    let anchors = a
        .anchors
        .as_deref()
        .map(crate::audit::anchor::read)
        .transpose()?;
    let mut store = ctx.open()?;
    let bar = StageBar::new(ctx);
    let report = store.read(|tx| {
        ctx.authenticate(tx, Need::Ready)?
            .require_sysadmin(Msg::new("kiểm tra cơ sở dữ liệu", "check the database"))?;
        let mut report = backup::check_with(tx, &bar)?;
        if let Some(anchors) = &anchors {
            crate::audit::anchor::apply(tx, anchors, &mut report.audit)?;
            report.ok = report.ok && report.audit.ok;
        }
        Ok(report)
    })?;
    drop(bar);
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
    audit_outcome(ctx, &problems)
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to put the demo database (replaced if a demo is already there).
    #[arg(long, default_value = "baocao-demo")]
    pub dir: PathBuf,
    /// `province` (the sample province Hà Sơn) or `national` (the synthetic set).
    #[arg(long, value_enum, default_value = "province")]
    pub scale: DemoScale,
    /// Communes of the national set (3,321); fewer for a quick run in tests.
    #[arg(long, hide = true, default_value_t = crate::ops::demo::national::COMMUNES,
          value_parser = communes_arg)]
    pub communes: usize,
    /// With `--scale national`: only this province's share (1 to 34) as the province's
    /// own installation holds it (`province-NN.db`: the province as top and lead unit,
    /// its communes' codes, reports and values as in the national set, a leader
    /// `lanh.dao` who approves and a sender `gui.hNN` whose signing key is on file), to
    /// send its aggregate upward to a national instance (federation).
    #[arg(long, hide = true)]
    pub province: Option<usize>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// What `demo` builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DemoScale {
    Province,
    National,
}

/// `--communes N`: 1 to the country's 3,321.
fn communes_arg(s: &str) -> std::result::Result<usize, String> {
    let max = crate::ops::demo::national::COMMUNES;
    match s.trim().parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(format!("1..={max}")),
    }
}

/// The first "try" line when `baocao` is not on the PATH yet (a fresh `cargo run`): the
/// hints below would fail as typed otherwise.
fn install_hint(vi: bool) -> String {
    let on_path = std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join("baocao").is_file()));
    match (on_path, vi) {
        (true, _) => String::new(),
        (false, true) => {
            "  cargo install --path .    # đưa baocao vào ~/.cargo/bin (hoặc gọi ./target/release/baocao)\n".into()
        }
        (false, false) => {
            "  cargo install --path .    # baocao → ~/.cargo/bin (or ./target/release/baocao)\n".into()
        }
    }
}

fn demo_national(
    ctx: &Ctx,
    dir: &std::path::Path,
    communes: usize,
    province: Option<usize>,
) -> Result<()> {
    let report = match province {
        None => crate::ops::demo::national::build(dir, communes, &|m| ctx.out.note(m))?,
        Some(p) => {
            crate::ops::demo::national::build_province(dir, communes, p, &|m| ctx.out.note(m))?
        }
    };
    let db = report.db.display().to_string();
    ctx.out.note(Msg::new(
        format!("Cơ sở dữ liệu quốc gia mẫu: {db}\nThử ngay:\n{install}  export BAOCAO_DB={db} BAOCAO_NOW={now}\n  printf '%s\\n' '{pw}' | baocao login {admin} --password-stdin\n  baocao aggregate {r} 202611\n  baocao overdue", now = report.simulated_now, pw = report.password, admin = report.admin, r = report.regime, install = install_hint(true)),
        format!("National demo database: {db}\nTry:\n{install}  export BAOCAO_DB={db} BAOCAO_NOW={now}\n  printf '%s\\n' '{pw}' | baocao login {admin} --password-stdin\n  baocao aggregate {r} 202611\n  baocao overdue", now = report.simulated_now, pw = report.password, admin = report.admin, r = report.regime, install = install_hint(false)),
    ));
    ctx.out.emit(
        &serde_json::to_value(&report)?,
        crate::fields![
            ("db", "Cơ sở dữ liệu", "Database"),
            ("simulated_now", "Thời điểm giả lập", "Simulated time"),
            ("admin", "Quản trị", "Administrator"),
            ("password", "Mật khẩu mẫu", "Demo password"),
            ("regime", "Chế độ báo cáo", "Regime"),
            ("periods", "Các kỳ", "Periods"),
            ("provinces", "Số tỉnh", "Provinces"),
            ("communes", "Số xã", "Communes"),
            ("reports", "Báo cáo đã tiếp nhận", "Accepted reports"),
            ("values", "Số liệu", "Values"),
            ("on_time", "Đúng hạn", "On time"),
            ("late", "Trễ hạn", "Late"),
            ("missing", "Chưa gửi", "Missing"),
            ("audit_entries", "Mục nhật ký", "Audit entries"),
            ("form_rows", "Số dòng của biểu", "Form rows"),
            ("form_columns", "Số cột của biểu", "Form columns"),
            ("db_bytes", "Dung lượng (byte)", "Size (bytes)"),
            ("seconds", "Thời gian (giây)", "Time (s)"),
        ],
    )
}

pub fn demo(ctx: &Ctx, a: DemoArgs) -> Result<()> {
    match a.scale {
        DemoScale::Province if a.province.is_some() => Err(crate::error::Error::new(
            crate::error::Kind::Usage,
            Msg::new(
                "--province đi với --scale national",
                "--province goes with --scale national",
            ),
        )),
        DemoScale::Province => demo_province(ctx, &a.dir),
        DemoScale::National => demo_national(ctx, &a.dir, a.communes, a.province),
    }
}

fn demo_province(ctx: &Ctx, dir: &std::path::Path) -> Result<()> {
    let report = crate::ops::demo::build(dir, &|m| ctx.out.note(m))?;
    let db = report.db.display().to_string();
    ctx.out.note(Msg::new(
        format!("Cơ sở dữ liệu mẫu: {db}\nThử ngay:\n{install}  export BAOCAO_DB={db} BAOCAO_NOW={now}\n  printf '%s\\n' '{pw}' | baocao login {admin} --password-stdin\n  baocao unit tree\n  baocao report list --regime KTXH-THANG --period 202611\n  baocao report show KTXH-THANG --period 202611 --unit 99006\n  baocao overdue\n  baocao compliance --from 202611 --to 202611\n  baocao aggregate KTXH-THANG 202611\n  baocao dashboard --regime KTXH-THANG\n  baocao account audit", now = report.simulated_now, pw = report.password, admin = report.admin, install = install_hint(true)),
        format!("Demo database: {db}\nTry:\n{install}  export BAOCAO_DB={db} BAOCAO_NOW={now}\n  printf '%s\\n' '{pw}' | baocao login {admin} --password-stdin\n  baocao unit tree\n  baocao report list --regime KTXH-THANG --period 202611\n  baocao report show KTXH-THANG --period 202611 --unit 99006\n  baocao overdue\n  baocao compliance --from 202611 --to 202611\n  baocao aggregate KTXH-THANG 202611\n  baocao dashboard --regime KTXH-THANG\n  baocao account audit", now = report.simulated_now, pw = report.password, admin = report.admin, install = install_hint(false)),
    ));
    let mut summary = serde_json::to_value(&report)?;
    if !ctx.out.is_json() {
        // People get the month in brief and the overdue list as its own table, as
        // `baocao overdue` prints it on the morning after.
        let m = &report.month;
        let returned = Msg::new(
            format!(
                "{} bị trả lại rồi đính chính",
                m.returned_and_corrected.len()
            ),
            format!("{} returned and corrected", m.returned_and_corrected.len()),
        );
        summary["month"] = serde_json::json!(format!(
            "{}: {} / {} / {} / {} ({})",
            m.period,
            m.reports_expected,
            m.on_time,
            m.late,
            m.missing,
            returned.get(ctx.lang())
        ));
        ctx.out.emit(
            &serde_json::to_value(&m.overdue)?,
            crate::fields![
                ("regime", "Chế độ", "Regime"),
                ("unit", "Đơn vị", "Unit"),
                ("unit_name", "Tên đơn vị", "Unit name"),
                ("deadline", "Hạn gửi", "Deadline"),
                ("timeliness", "Đúng hạn", "Timeliness"),
                ("sent_at", "Gửi lúc", "Sent at"),
                (
                    "working_days_overdue",
                    "Số ngày làm việc quá hạn",
                    "Working days overdue"
                ),
            ],
        )?;
    }
    ctx.out.emit(
        &summary,
        crate::fields![
            ("db", "Cơ sở dữ liệu", "Database"),
            ("simulated_now", "Thời điểm giả lập", "Simulated time"),
            ("admin", "Quản trị", "Administrator"),
            ("password", "Mật khẩu mẫu", "Demo password"),
            ("units", "Số đơn vị", "Units"),
            ("accounts", "Số tài khoản", "Accounts"),
            ("grants", "Số quyền được cấp", "Role grants"),
            ("roles", "Theo vai trò", "By role"),
            (
                "calendar_overrides",
                "Ngày điều chỉnh lịch",
                "Calendar overrides"
            ),
            ("audit_entries", "Mục nhật ký", "Audit entries"),
            ("audit_ok", "Nhật ký toàn vẹn", "Audit intact"),
            (
                "month",
                "Tháng 11/2026: phải gửi / đúng hạn / trễ / chưa gửi",
                "November 2026: due / on time / late / missing"
            ),
            ("files", "Tệp đã xuất", "Files written"),
        ],
    )
}
