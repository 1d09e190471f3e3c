//! `baocao report …` and `baocao entry …`: the reporting cycle.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::{json, Value};

use crate::context::Ctx;
use crate::error::{Error, Kind, Msg, Result};
use crate::fields;
use crate::ops::report::{self, Action, Context, Target};
use crate::output::Field;

/// Which report: regime, period, and unit (default: your own unit).
#[derive(Debug, Args, Clone)]
pub struct Which {
    /// The regime code.
    pub regime: String,
    /// The period (202611, 2026Q1, …).
    #[arg(long)]
    pub period: String,
    /// The reporting unit (default: your account's unit).
    #[arg(long)]
    pub unit: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ReportCmd {
    /// Reports with their status and timeliness (with --regime and --period: every assigned unit).
    List {
        /// Only this regime's reports (default: every regime's).
        #[arg(long)]
        regime: Option<String>,
        /// Only this period (202611, 2026Q1, …), listing every assigned unit, sent or not.
        #[arg(long)]
        period: Option<String>,
        /// Only reports of units in this unit's subtree.
        #[arg(long)]
        unit: Option<String>,
        /// Only reports in this status (draft, pending_approval, approved, sent, accepted,
        /// returned, not_started) or timeliness (on_time, late, missing, not_due).
        #[arg(long)]
        status: Option<String>,
    },
    /// A report: status, revisions, timeliness, history, values.
    Show {
        #[command(flatten)]
        which: Which,
    },
    /// Submit the draft to the unit's leader (data entry).
    Submit(ActArgs),
    /// Approve (leader).
    Approve(ActArgs),
    /// Reject back to draft with a reason (leader).
    Reject(ActArgs),
    /// Sign and send to the lead unit (sender).
    Send(ActArgs),
    /// Accept a sent report (lead unit's aggregator); its signature is checked first.
    Accept(ActArgs),
    /// Return a sent report with a reason (lead unit's aggregator); the unit gets a new draft.
    Return(ActArgs),
    /// Open a correction (đính chính) of an accepted report as a new revision.
    Correct(ActArgs),
    /// Every transition: who, when, from what to what, why.
    History {
        #[command(flatten)]
        which: Which,
    },
    /// Check a sent revision's signature against the database now (exit 1 if it fails).
    Verify {
        #[command(flatten)]
        which: Which,
        /// The revision number to check (default: the latest signed one).
        #[arg(long)]
        revision: Option<i64>,
    },
    /// Register a report sent through the fallback channel during an outage.
    ///
    /// Only for a period whose deadline fell inside a recorded outage (else exit 7), by an
    /// aggregator of the regime's lead unit who received the document (else exit 4). The
    /// report is judged by when the document was sent; it can be accepted only once its
    /// figures are entered: by the unit before it is recorded, or by the aggregator from
    /// the document with --values (checked as `entry import` checks a file; any error
    /// refuses the whole recording, exit 5).
    RecordOffline {
        #[command(flatten)]
        which: Which,
        /// The electronic document's number (số văn bản).
        #[arg(long)]
        document: String,
        /// The document's date (ngày văn bản).
        #[arg(long)]
        document_date: String,
        /// When that document was sent.
        #[arg(long)]
        sent_at: String,
        /// The document's figures, entered by the aggregator: a fill-in workbook of this
        /// report (`entry template`), the form's template filled by hand, or CSV/JSON
        /// `row_code,column_number,value`. They replace the unit's draft values.
        #[arg(long, value_name = "FILE")]
        values: Option<PathBuf>,
    },
    /// Enter the figures of a report recorded as sent outside the system, from its document.
    ///
    /// For a report `record-offline` recorded without figures and not yet accepted (else
    /// exit 7), by an aggregator of the regime's lead unit (else exit 4). The figures are
    /// checked as `entry import` checks a file (any error: exit 5, nothing written) and
    /// replace the revision's values; the report stays sent, judged as it was.
    OfflineFigures {
        #[command(flatten)]
        which: Which,
        /// The document's figures: a fill-in workbook of this report (`entry template`),
        /// the form's template filled by hand, or CSV/JSON `row_code,column_number,value`.
        #[arg(long, value_name = "FILE")]
        values: PathBuf,
    },
    /// The narrative (thuyết minh) of narrative and combined reports.
    #[command(subcommand)]
    Narrative(NarrativeCmd),
    /// Attach a file (stored with SHA-256 and size).
    Attach {
        #[command(flatten)]
        which: Which,
        /// The file to attach.
        file: PathBuf,
        /// Largest file accepted, in MB.
        #[arg(long, default_value_t = 20)]
        max_mb: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum NarrativeCmd {
    /// Set the narrative from a text file (legacy encodings are converted).
    Set {
        #[command(flatten)]
        which: Which,
        /// The text file holding the narrative (UTF-8, TCVN3 or VNI).
        #[arg(long)]
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct ActArgs {
    #[command(flatten)]
    pub which: Which,
    /// The reason (required to reject or return) or a comment.
    #[arg(long, alias = "comment")]
    pub reason: Option<String>,
}

impl ReportCmd {
    pub fn verb(&self) -> &'static str {
        match self {
            ReportCmd::List { .. } => "list",
            ReportCmd::Show { .. } => "show",
            ReportCmd::Submit(_) => "submit",
            ReportCmd::Approve(_) => "approve",
            ReportCmd::Reject(_) => "reject",
            ReportCmd::Send(_) => "send",
            ReportCmd::Accept(_) => "accept",
            ReportCmd::Return(_) => "return",
            ReportCmd::Correct(_) => "correct",
            ReportCmd::History { .. } => "history",
            ReportCmd::Verify { .. } => "verify",
            ReportCmd::RecordOffline { .. } => "record-offline",
            ReportCmd::OfflineFigures { .. } => "offline-figures",
            ReportCmd::Narrative(_) => "narrative",
            ReportCmd::Attach { .. } => "attach",
        }
    }
}

const LIST_FIELDS: &[Field] = fields![
    ("regime", "Chế độ", "Regime"),
    ("period", "Kỳ", "Period"),
    ("unit", "Đơn vị", "Unit"),
    ("unit_name", "Tên đơn vị", "Unit name"),
    ("status", "Trạng thái", "Status"),
    ("revision", "Bản", "Revision"),
    ("timeliness", "Đúng hạn", "Timeliness"),
    ("deadline", "Hạn gửi", "Deadline"),
    ("sent_at", "Gửi lúc", "Sent at"),
];

/// Resolves the report, defaulting the unit to the actor's own.
fn target(
    tx: &rusqlite::Connection,
    actor: &crate::auth::permission::Actor,
    w: &Which,
) -> Result<Target> {
    report::locate_for(tx, actor, &w.regime, w.unit.as_deref(), &w.period)
}

/// The figures of a document received outside the system, read from `path` as
/// `entry import` reads a file for report `t`; only the lead unit's aggregator gets as
/// far as what the file holds.
fn document_figures(
    tx: &rusqlite::Connection,
    actor: &crate::auth::permission::Actor,
    t: &Target,
    path: &std::path::Path,
    loaded: crate::ops::entry::import::Loaded,
) -> Result<crate::ops::entry::import::Read> {
    report::require_offline_recorder(tx, actor, t)?;
    let given = crate::ops::entry::import::Given {
        regime: Some(t.regime.code.clone()),
        unit: Some(t.unit.code.clone()),
        period: Some(t.period.clone()),
    };
    crate::ops::entry::import::resolve(tx, path, loaded, &given)
}

/// The report, if the actor may read it (any grant over its unit, or its lead unit's).
fn readable_target(
    tx: &rusqlite::Connection,
    actor: &crate::auth::permission::Actor,
    w: &Which,
) -> Result<Target> {
    let t = target(tx, actor, w)?;
    report::require_readable(tx, actor, &t)?;
    Ok(t)
}

fn act(ctx: &Ctx, a: ActArgs, action: Action) -> Result<()> {
    let rev = ctx.write(|tx, actor, rec| {
        let t = target(tx, actor, &a.which)?;
        let cal = crate::ops::calendar::load(tx)?;
        // Sending is judged at the moment it is recorded.
        let now = ctx.record_time(tx)?;
        let cx = Context { db: &ctx.db, now, calendar: &cal, keys: None };
        let rev = report::act(tx, actor, rec, &t, action, a.reason.as_deref(), &cx)?;
        Ok(json!({"report": t.reference(), "revision": rev.number, "status": rev.status, "timeliness": rev.timeliness, "sent_at": rev.sent_at, "deadline": rev.deadline}))
    })?;
    ctx.out.emit(
        &rev,
        fields![
            ("report", "Báo cáo", "Report"),
            ("revision", "Bản", "Revision"),
            ("status", "Trạng thái", "Status"),
            ("timeliness", "Đúng hạn", "Timeliness"),
            ("sent_at", "Gửi lúc", "Sent at"),
            ("deadline", "Hạn gửi", "Deadline")
        ],
    )
}

pub fn run(ctx: &Ctx, cmd: ReportCmd) -> Result<()> {
    let now = ctx.clock.now();
    match cmd {
        ReportCmd::Submit(a) => act(ctx, a, Action::Submit),
        ReportCmd::Approve(a) => act(ctx, a, Action::Approve),
        ReportCmd::Reject(a) => act(ctx, a, Action::Reject),
        ReportCmd::Send(a) => act(ctx, a, Action::Send),
        ReportCmd::Accept(a) => act(ctx, a, Action::Accept),
        ReportCmd::Return(a) => act(ctx, a, Action::Return),
        ReportCmd::Correct(a) => act(ctx, a, Action::Correct),
        ReportCmd::Show { which } => {
            let v = ctx.read(|tx, actor| {
                let t = readable_target(tx, actor, &which)?;
                let cal = crate::ops::calendar::load(tx)?;
                let view = report::view(tx, &t, now, &cal, true)?;
                let mut shown = serde_json::to_value(&view)?;
                // Warnings are stored language-neutrally: shown in the reader's language.
                for (i, rev) in view.revisions.iter().enumerate() {
                    let texts: Vec<String> =
                        rev.warnings.iter().map(|w| w.text(ctx.lang())).collect();
                    shown["revisions"][i]["warnings"] = json!(texts);
                }
                Ok(shown)
            })?;
            ctx.out.emit(&v, LIST_FIELDS)
        }
        ReportCmd::History { which } => {
            let v = ctx.read(|tx, actor| {
                let t = readable_target(tx, actor, &which)?;
                let cal = crate::ops::calendar::load(tx)?;
                Ok(serde_json::to_value(
                    report::view(tx, &t, now, &cal, false)?.history,
                )?)
            })?;
            ctx.out.emit(
                &v,
                fields![
                    ("revision", "Bản", "Revision"),
                    ("action", "Thao tác", "Action"),
                    ("from", "Từ", "From"),
                    ("to", "Sang", "To"),
                    ("actor", "Người thực hiện", "By"),
                    ("at", "Lúc", "At"),
                    ("comment", "Ý kiến", "Comment")
                ],
            )
        }
        ReportCmd::Verify { which, revision } => {
            let (v, ok) = ctx.read(|tx, actor| {
                let t = readable_target(tx, actor, &which)?;
                let v = report::verify(tx, &t, revision)?;
                let ok = v.signature_valid;
                Ok((serde_json::to_value(&v)?, ok))
            })?;
            ctx.out.emit(&v, &[])?;
            match ok {
                Some(true) => Ok(()),
                Some(false) => Err(Error::new(Kind::Failure, Msg::new("Chữ ký không khớp: nội dung báo cáo đã bị thay đổi sau khi gửi", "The signature does not match: the report's content changed after it was sent"))),
                None => Err(Error::new(Kind::State, Msg::new("Bản này không có chữ ký số (chưa gửi, hoặc gửi ngoài hệ thống)", "This revision carries no signature (not sent, or sent outside the system)"))),
            }
        }
        ReportCmd::RecordOffline {
            which,
            document,
            document_date,
            sent_at,
            values,
        } => {
            let sent = crate::clock::parse_instant(&sent_at)?;
            let document_date = crate::clock::parse_date(&document_date)?;
            // Read from disk before the transaction; whose report it is, inside it.
            let loaded = values
                .as_deref()
                .map(|p| crate::ops::entry::import::load(p).map(|l| (p, l)))
                .transpose()?;
            let v = ctx.write(|tx, actor, rec| {
                let t = target(tx, actor, &which)?;
                let cal = crate::ops::calendar::load(tx)?;
                let cx = Context { db: &ctx.db, now, calendar: &cal, keys: None };
                let read = match loaded {
                    Some((path, l)) => Some(document_figures(tx, actor, &t, path, l)?),
                    None => None,
                };
                let figures = read.as_ref().map(|r| report::DocumentFigures { cells: &r.cells, form_version: r.form_version });
                let rev = report::record_offline(tx, actor, rec, &t, &document, document_date, sent, figures.as_ref(), &cx)?;
                let figures = report::has_figures(tx, &rev)?;
                Ok(json!({"report": t.reference(), "revision": rev.number, "status": rev.status, "timeliness": rev.timeliness, "sent_at": rev.sent_at, "document": rev.offline_doc, "figures_entered": figures}))
            })?;
            ctx.out.emit(&v, &[])
        }
        ReportCmd::OfflineFigures { which, values } => {
            let loaded = crate::ops::entry::import::load(&values)?;
            let v = ctx.write(|tx, actor, rec| {
                let t = target(tx, actor, &which)?;
                let read = document_figures(tx, actor, &t, &values, loaded)?;
                let figures = report::DocumentFigures { cells: &read.cells, form_version: read.form_version };
                let rev = report::enter_offline_figures(tx, actor, rec, &t, &figures)?;
                Ok(json!({"report": t.reference(), "revision": rev.number, "status": rev.status, "timeliness": rev.timeliness, "sent_at": rev.sent_at, "document": rev.offline_doc, "figures_entered": true}))
            })?;
            ctx.out.emit(&v, &[])
        }
        ReportCmd::Narrative(NarrativeCmd::Set { which, file }) => {
            let text = crate::files::read_text(&file)?;
            let v = ctx.write(|tx, actor, rec| {
                let t = target(tx, actor, &which)?;
                let rev = report::set_narrative(tx, actor, rec, &t, &text)?;
                Ok(json!({"report": t.reference(), "revision": rev.number, "characters": rev.narrative.map(|n| n.chars().count())}))
            })?;
            ctx.out.emit(&v, &[])
        }
        ReportCmd::Attach {
            which,
            file,
            max_mb,
        } => {
            let limit = max_mb.saturating_mul(1024 * 1024);
            let content = crate::files::read_regular(&file, limit, max_mb)?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "tep".into());
            let a = ctx.write(|tx, actor, rec| {
                let t = target(tx, actor, &which)?;
                report::attach(tx, actor, rec, &t, &name, &content, limit)
            })?;
            ctx.out.emit(&serde_json::to_value(a)?, &[])
        }
        ReportCmd::List {
            regime: regime_code,
            period,
            unit,
            status,
        } => {
            let filter = report::ListFilter {
                regime: regime_code.as_deref(),
                period: period.as_deref(),
                unit: unit.as_deref(),
                status: status.as_deref(),
            };
            let (rows, excluded) = ctx.read(|tx, actor| {
                let cal = crate::ops::calendar::load(tx)?;
                report::list(tx, actor, &filter, now, &cal)
            })?;
            ctx.out.emit(&Value::Array(rows), LIST_FIELDS)?;
            super::monitor::note_excluded(ctx, &excluded);
            Ok(())
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum EntryCmd {
    /// Write the fill-in workbook of a unit's report: the form's layout, input cells
    /// unlocked and validated, everything else protected, identity embedded.
    Template {
        #[command(flatten)]
        which: Which,
        /// The workbook to write (must not exist unless --force; never written
        /// through a symbolic link).
        #[arg(long)]
        out: PathBuf,
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Import filled workbooks (or folders of them), the form's original template filled
    /// by hand, or CSV/JSON `row_code,column_number,value` (with --regime/--unit/--period).
    Import {
        /// The files to import (.xlsx, .xlsm, .csv, .json), or folders holding them.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The regime code, for files that do not carry their own identity.
        #[arg(long)]
        regime: Option<String>,
        /// The reporting unit, for files that do not carry their own identity.
        #[arg(long)]
        unit: Option<String>,
        /// The period (202611, 2026Q1, …), for files that do not carry their own identity.
        #[arg(long)]
        period: Option<String>,
    },
    /// Set one cell of your unit's draft: ROW is a row key or code, COLUMN a column key or number.
    Set {
        #[command(flatten)]
        which: Which,
        /// The row key or row code (mã số) of an input row.
        row: String,
        /// The column key or column number of an input column.
        column: String,
        /// The value: a number as typed in Vietnamese (`1.234,5`) or English (`1234.5`), or
        /// text for a text column.
        value: String,
    },
    /// The values of a report (the latest revision unless --revision).
    Show {
        #[command(flatten)]
        which: Which,
        /// The revision number (default: the latest).
        #[arg(long)]
        revision: Option<i64>,
    },
}

impl EntryCmd {
    pub fn verb(&self) -> &'static str {
        match self {
            EntryCmd::Template { .. } => "template",
            EntryCmd::Import { .. } => "import",
            EntryCmd::Set { .. } => "set",
            EntryCmd::Show { .. } => "show",
        }
    }
}

pub fn entry(ctx: &Ctx, cmd: EntryCmd) -> Result<()> {
    match cmd {
        EntryCmd::Template { which, out, force } => {
            crate::files::check_output(&out, force)?;
            let id = ctx.read(|tx, actor| {
                let t = target(tx, actor, &which)?;
                crate::ops::entry::import::write_template(tx, actor, &t, &out, force)
            })?;
            let p = out.display();
            ctx.out.note(Msg::new(
                format!("Đã ghi biểu nhập liệu {p}"),
                format!("Wrote the fill-in workbook {p}"),
            ));
            ctx.out.emit(&serde_json::to_value(id)?, &[])
        }
        EntryCmd::Import {
            files,
            regime,
            unit,
            period,
        } => import(
            ctx,
            &files,
            crate::ops::entry::import::Given {
                regime,
                unit,
                period,
            },
        ),
        EntryCmd::Set {
            which,
            row,
            column,
            value,
        } => {
            let v = ctx.write(|tx, actor, rec| {
                let t = target(tx, actor, &which)?;
                let c = report::set_cell(tx, actor, rec, &t, &row, &column, &value)?;
                Ok(serde_json::to_value(&c)?)
            })?;
            ctx.out.emit(&v, &[])
        }
        EntryCmd::Show { which, revision } => {
            let rows = ctx.read(|tx, actor| {
                let t = readable_target(tx, actor, &which)?;
                let (rev, values) = report::values_of(tx, &t, revision)?;
                let form = crate::ops::form::load(tx, &rev.form_code, Some(rev.form_version))?;
                Ok(crate::ops::entry::cell::listing(&form, &values))
            })?;
            ctx.out.emit(
                &Value::Array(rows),
                fields![
                    ("stt", "STT", "No."),
                    ("name", "Chỉ tiêu", "Indicator"),
                    ("unit", "ĐVT", "Unit"),
                    ("column", "Cột", "Column"),
                    ("value", "Giá trị", "Value"),
                    ("row", "Khoá dòng", "Row key")
                ],
            )
        }
    }
}

/// Imports files one by one (`intake::import_files`), printing each file's line as it
/// is done; the exit status is 5 when any was rejected.
fn import(ctx: &Ctx, files: &[PathBuf], given: crate::ops::entry::import::Given) -> Result<()> {
    let files = crate::ops::entry::import::expand(files)?;
    if files.is_empty() {
        ctx.out.warn(Msg::new(
            "Không có tệp .xlsx, .xlsm, .csv hay .json nào để nhập",
            "No .xlsx, .xlsm, .csv or .json file to import",
        ));
    }
    let mut store = ctx.open()?;
    let bar = ctx.out.progress(files.len());
    let lang = ctx.lang();
    let fields = fields![
        ("file", "Tệp", "File"),
        ("report", "Báo cáo", "Report"),
        ("result", "Kết quả", "Result"),
        ("revision", "Bản", "Revision"),
        ("cells", "Số ô", "Cells"),
        ("warnings", "Cảnh báo", "Warnings"),
        ("errors", "Lỗi", "Errors")
    ];
    // Signed in before anything is read: a run that cannot write stops at once.
    ctx.read(|_, _| Ok(()))?;
    let mut listing = ctx.out.stream(fields);
    let (mut ok, mut same, mut rejected) = (0, 0, 0);
    let single = files.len() == 1;
    let run = crate::ops::entry::import::import_files(
        &mut store,
        &files,
        &given,
        lang,
        |tx| {
            let actor = ctx.authenticate(tx, crate::context::Need::Ready)?;
            let rec = ctx.recorder(tx, &actor)?;
            Ok((actor, rec))
        },
        |f, outcome| {
            if let Some(b) = &bar {
                b.set_message(f.display().to_string());
                b.inc(1);
            }
            let mut r = match outcome {
                Ok(r) => r,
                // One file: its own error and exit status, as any other command.
                Err(e) if single => return Err(e),
                Err(e) => {
                    rejected += 1;
                    let mut errors = vec![e.msg.get(lang).to_string()];
                    errors.extend(e.details.iter().map(|d| d.get(lang).to_string()));
                    for line in &errors {
                        let text = format!("{}: {line}", f.display());
                        let warning = Msg::new(text.clone(), text);
                        match &bar {
                            Some(b) => b.suspend(|| ctx.out.warn(warning)),
                            None => ctx.out.warn(warning),
                        }
                    }
                    crate::ops::entry::import::FileResult {
                        file: String::new(),
                        report: None,
                        result: "rejected".into(),
                        revision: None,
                        cells: 0,
                        warnings: Vec::new(),
                        errors,
                    }
                }
            };
            match r.result.as_str() {
                "imported" => ok += 1,
                "unchanged" => same += 1,
                _ => {}
            }
            r.file = f.display().to_string();
            let mut shown = serde_json::to_value(&r)?;
            if ctx.out.format == crate::output::Format::Table {
                // A person reads counts; the warnings themselves are in the JSON and on
                // the report. Only counts are kept, so a long run's memory stays flat.
                shown["warnings"] = json!(r.warnings.len());
            }
            listing.push(shown)
        },
    );
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if let Err(e) = run {
        // What was done stays listed, as a whole document, before the error.
        if !single {
            listing.finish()?;
        }
        return Err(e);
    }
    ctx.out.note(Msg::new(
        format!("Đã nhập {ok} tệp, {same} không đổi, {rejected} bị từ chối"),
        format!("Imported {ok} files, {same} unchanged, {rejected} rejected"),
    ));
    listing.finish()?;
    if rejected > 0 && ok + same > 0 {
        // Each file is all-or-nothing: those imported stay, the refused wrote nothing.
        let done = ok + same;
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Nhập một phần: {done} tệp đã nhập, {rejected} tệp bị từ chối; các tệp bị từ chối không ghi gì"),
                format!("Partial import: {done} files imported, {rejected} files refused; the refused files wrote nothing"),
            ),
        ));
    }
    if rejected > 0 {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("{rejected} tệp bị từ chối; các tệp đó không ghi gì"),
                format!("{rejected} files rejected; nothing of them was written"),
            ),
        ));
    }
    Ok(())
}
