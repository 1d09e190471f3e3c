//! `baocao report …`: the reporting cycle, from draft to accepted.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::context::Ctx;
use crate::error::{Msg, Result};
use crate::fields;
use crate::ops::report::{self, Action};
use crate::output::Field;

pub use super::which::Which;

#[derive(Debug, Subcommand)]
pub enum ReportCmd {
    /// Reports with their status and timeliness (with --regime and --period: every assigned unit).
    List(ListArgs),
    /// A report: status, revisions, timeliness, history, values.
    Show(ShowArgs),
    /// Submit the draft to the unit's leader (data entry).
    Submit(ActArgs),
    /// Pass checked figures on to approval (checker; regimes whose chain has a check).
    Check(ActArgs),
    /// Approve the figures; the report then awaits its own approval (leader; regimes whose chain splits the two).
    ApproveData(ActArgs),
    /// Approve (leader).
    Approve(ActArgs),
    /// Reject back to draft with a reason (the checker at the check step, else the leader).
    Reject(ActArgs),
    /// Sign and send to the lead unit (sender).
    Send(SendArgs),
    /// Accept a sent report (lead unit's aggregator); its signature is checked first.
    Accept(ActArgs),
    /// Return a sent report with a reason (lead unit's aggregator); the unit gets a new draft.
    Return(ActArgs),
    /// Open a correction (đính chính) of an accepted report as a new revision.
    Correct(ActArgs),
    /// Every transition: who, when, from what to what, why.
    History(HistoryArgs),
    /// Check a sent revision's signature against the database now (exit 1 if it fails).
    Verify(VerifyArgs),
    /// Register a report sent through the fallback channel during an outage.
    ///
    /// Only for a period whose deadline fell inside a recorded outage (else exit 7), by an
    /// aggregator of the regime's lead unit who received the document (else exit 4). The
    /// report is judged by when the document was sent; it can be accepted only once its
    /// figures are entered: by the unit before it is recorded, or by the aggregator from
    /// the document with --values (checked as `entry import` checks a file; any error
    /// refuses the whole recording, exit 5).
    RecordOffline(RecordOfflineArgs),
    /// Enter the figures of a report recorded as sent outside the system, from its document.
    ///
    /// For a report `record-offline` recorded without figures and not yet accepted (else
    /// exit 7), by an aggregator of the regime's lead unit (else exit 4). The figures are
    /// checked as `entry import` checks a file (any error: exit 5, nothing written) and
    /// replace the revision's values; the report stays sent, judged as it was.
    OfflineFigures(OfflineFiguresArgs),
    /// The narrative (thuyết minh) of narrative and combined reports.
    #[command(subcommand)]
    Narrative(NarrativeCmd),
    /// Attach a file (stored with SHA-256 and size).
    Attach(AttachArgs),
    /// Read attachments back: list them, or write one to a file (its SHA-256 checked).
    #[command(subcommand)]
    Attachment(super::report_lead::AttachmentCmd),
    /// Delegate the approval of a unit's figures to one of its data-entry accounts.
    #[command(subcommand)]
    Delegate(super::report_delegate::DelegateCmd),
    /// The canonical document a sender signs to send from another machine (the remote
    /// CLI's `report send` fetches it, signs locally, then sends with the signature).
    #[command(hide = true)]
    Canonical(ShowArgs),
}

#[derive(Debug, Args)]
pub struct SendArgs {
    #[command(flatten)]
    pub act: ActArgs,
    /// A signature (hex) made elsewhere over `report canonical`'s content; checked
    /// against your current public key instead of signing here.
    #[arg(long, hide = true, requires = "key_id")]
    pub signature: Option<String>,
    /// The id of the key that made --signature.
    #[arg(long, hide = true, requires = "signature")]
    pub key_id: Option<i64>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this regime's reports (default: every regime's).
    #[arg(long)]
    pub regime: Option<String>,
    /// Only this period (202611, 2026Q1, …), listing every assigned unit, sent or not.
    #[arg(long)]
    pub period: Option<String>,
    /// Only reports of units in this unit's subtree.
    #[arg(long)]
    pub unit: Option<String>,
    /// Only reports in this status (draft, pending_check, pending_data_approval,
    /// pending_approval, approved, sent, accepted, returned, not_started) or timeliness
    /// (on_time, late, missing, not_due).
    #[arg(long)]
    pub status: Option<String>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub which: Which,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub which: Which,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub which: Which,
    /// The revision number to check (default: the latest signed one).
    #[arg(long)]
    pub revision: Option<i64>,
}

#[derive(Debug, Args)]
pub struct RecordOfflineArgs {
    #[command(flatten)]
    pub which: Which,
    /// The electronic document's number (số văn bản).
    #[arg(long)]
    pub document: String,
    /// The document's date (ngày văn bản).
    #[arg(long)]
    pub document_date: String,
    /// When that document was sent.
    #[arg(long)]
    pub sent_at: String,
    /// The document's figures, entered by the aggregator: a fill-in workbook of this
    /// report (`entry template`), the form's template filled by hand, or CSV/JSON
    /// `row_code,column_number,value`. They replace the unit's draft values.
    #[arg(long, value_name = "FILE")]
    pub values: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct OfflineFiguresArgs {
    #[command(flatten)]
    pub which: Which,
    /// The document's figures: a fill-in workbook of this report (`entry template`),
    /// the form's template filled by hand, or CSV/JSON `row_code,column_number,value`.
    #[arg(long, value_name = "FILE")]
    pub values: PathBuf,
}

#[derive(Debug, Args)]
pub struct AttachArgs {
    #[command(flatten)]
    pub which: Which,
    /// The file to attach.
    pub file: PathBuf,
    /// Largest file accepted, in MB.
    #[arg(long, default_value_t = 20)]
    pub max_mb: u64,
}

#[derive(Debug, Subcommand)]
pub enum NarrativeCmd {
    /// Set the narrative from a text file (legacy encodings are converted).
    ///
    /// When the regime has an outline template (`regime outline`), the headings it
    /// requires that the narrative lacks are named on stderr; `report submit` refuses
    /// the report until they are there.
    Set(NarrativeSetArgs),
    /// Compile the narratives of a period into one .docx for the lead unit.
    ///
    /// For the lead unit's aggregator or viewer (else exit 4). A title (regime, period,
    /// lead unit), then one section per assigned unit in the unit tree's order: the
    /// unit, how its report was sent (revision, time, signer, timeliness, accepted or
    /// not), its narrative; units whose report does not count are listed as such. The
    /// reports counted are those aggregation counts (--include). Exit status: 5 when
    /// --out is a folder or its folder does not exist; 7 when --out exists (give --force
    /// to replace it).
    Compile(super::report_lead::NarrativeCompileArgs),
}

#[derive(Debug, Args)]
pub struct NarrativeSetArgs {
    #[command(flatten)]
    pub which: Which,
    /// The text file holding the narrative (UTF-8, TCVN3 or VNI).
    #[arg(long)]
    pub file: PathBuf,
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
            ReportCmd::List(_) => "list",
            ReportCmd::Show(_) => "show",
            ReportCmd::Submit(_) => "submit",
            ReportCmd::Check(_) => "check",
            ReportCmd::ApproveData(_) => "approve-data",
            ReportCmd::Approve(_) => "approve",
            ReportCmd::Reject(_) => "reject",
            ReportCmd::Send(_) => "send",
            ReportCmd::Accept(_) => "accept",
            ReportCmd::Return(_) => "return",
            ReportCmd::Correct(_) => "correct",
            ReportCmd::History(_) => "history",
            ReportCmd::Verify(_) => "verify",
            ReportCmd::RecordOffline(_) => "record-offline",
            ReportCmd::OfflineFigures(_) => "offline-figures",
            ReportCmd::Narrative(NarrativeCmd::Compile(_)) => "narrative compile",
            ReportCmd::Narrative(_) => "narrative",
            ReportCmd::Attach(_) => "attach",
            ReportCmd::Attachment(c) => match c.verb() {
                "list" => "attachment list",
                _ => "attachment get",
            },
            ReportCmd::Delegate(c) => c.verb(),
            ReportCmd::Canonical(_) => "canonical",
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

pub fn run(ctx: &Ctx, cmd: ReportCmd) -> Result<()> {
    match cmd {
        ReportCmd::List(a) => list(ctx, a),
        ReportCmd::Show(a) => show(ctx, a),
        ReportCmd::Submit(a) => step(ctx, a, Action::Submit),
        ReportCmd::Check(a) => step(ctx, a, Action::Check),
        ReportCmd::ApproveData(a) => step(ctx, a, Action::ApproveData),
        ReportCmd::Approve(a) => step(ctx, a, Action::Approve),
        ReportCmd::Reject(a) => step(ctx, a, Action::Reject),
        ReportCmd::Send(a) => {
            let signed = a
                .signature
                .zip(a.key_id)
                .map(|(signature, key_id)| report::Signed { key_id, signature });
            step_signed(ctx, a.act, Action::Send, signed)
        }
        ReportCmd::Accept(a) => step(ctx, a, Action::Accept),
        ReportCmd::Return(a) => step(ctx, a, Action::Return),
        ReportCmd::Correct(a) => step(ctx, a, Action::Correct),
        ReportCmd::History(a) => history(ctx, a),
        ReportCmd::Verify(a) => verify(ctx, a),
        ReportCmd::RecordOffline(a) => record_offline(ctx, a),
        ReportCmd::OfflineFigures(a) => offline_figures(ctx, a),
        ReportCmd::Narrative(NarrativeCmd::Set(a)) => narrative_set(ctx, a),
        ReportCmd::Narrative(NarrativeCmd::Compile(a)) => super::report_lead::compile(ctx, a),
        ReportCmd::Attach(a) => attach(ctx, a),
        ReportCmd::Attachment(c) => super::report_lead::attachment(ctx, c),
        ReportCmd::Delegate(c) => super::report_delegate::run(ctx, c),
        ReportCmd::Canonical(a) => {
            let which = a.which.named();
            let doc = ctx.read(|tx, actor| report::to_sign(tx, actor, &which))?;
            ctx.out.emit(
                &serde_json::to_value(doc)?,
                fields![
                    ("report", "Báo cáo", "Report"),
                    ("revision", "Bản", "Revision"),
                    ("content", "Nội dung ký", "Content to sign")
                ],
            )
        }
    }
}

fn step(ctx: &Ctx, a: ActArgs, action: Action) -> Result<()> {
    step_signed(ctx, a, action, None)
}

fn step_signed(
    ctx: &Ctx,
    a: ActArgs,
    action: Action,
    signed: Option<report::Signed>,
) -> Result<()> {
    let s = report::Step {
        which: a.which.named(),
        action,
        reason: a.reason,
        signed,
        key_files: ctx.served.is_none(),
    };
    let done = ctx.write(|tx, actor, rec| {
        // Sending is judged at the moment it is recorded.
        let now = ctx.record_time(tx)?;
        report::step(tx, actor, rec, &ctx.db, now, &s)
    })?;
    ctx.out.emit(
        &serde_json::to_value(done)?,
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

fn show(ctx: &Ctx, a: ShowArgs) -> Result<()> {
    let now = ctx.clock.now();
    let which = a.which.named();
    let view = ctx.read(|tx, actor| report::show(tx, actor, &which, now))?;
    let mut shown = serde_json::to_value(&view)?;
    // Warnings are stored language-neutrally: shown in the reader's language.
    for (i, rev) in view.revisions.iter().enumerate() {
        let texts: Vec<String> = rev
            .warnings
            .iter()
            .map(|w| w.msg().get(ctx.lang()).to_string())
            .collect();
        shown["revisions"][i]["warnings"] = texts.into();
    }
    ctx.out.emit(&shown, LIST_FIELDS)
}

fn history(ctx: &Ctx, a: HistoryArgs) -> Result<()> {
    let now = ctx.clock.now();
    let which = a.which.named();
    let history = ctx.read(|tx, actor| report::history(tx, actor, &which, now))?;
    ctx.out.emit(
        &serde_json::to_value(history)?,
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

fn verify(ctx: &Ctx, a: VerifyArgs) -> Result<()> {
    let which = a.which.named();
    let v = ctx.read(|tx, actor| report::verify(tx, actor, &which, a.revision))?;
    ctx.out.emit(&serde_json::to_value(&v)?, &[])?;
    v.outcome()
}

fn record_offline(ctx: &Ctx, a: RecordOfflineArgs) -> Result<()> {
    let now = ctx.clock.now();
    let sent_at = crate::clock::parse_instant(&a.sent_at)?;
    let document_date = crate::clock::parse_date(&a.document_date)?;
    // Read from disk before the transaction; whose report it is, inside it.
    let values = match a.values {
        Some(path) => Some(report::FiguresFile {
            loaded: crate::ops::report::file::load(&path)?,
            path,
        }),
        None => None,
    };
    let r = report::OfflineRecord {
        which: a.which.named(),
        document: a.document,
        document_date,
        sent_at,
        values,
    };
    let done = ctx.write(|tx, actor, rec| report::record_offline(tx, actor, rec, now, r))?;
    ctx.out.emit(&serde_json::to_value(done)?, &[])
}

fn offline_figures(ctx: &Ctx, a: OfflineFiguresArgs) -> Result<()> {
    let file = report::FiguresFile {
        loaded: crate::ops::report::file::load(&a.values)?,
        path: a.values,
    };
    let which = a.which.named();
    let done = ctx.write(|tx, actor, rec| report::offline_figures(tx, actor, rec, &which, file))?;
    ctx.out.emit(&serde_json::to_value(done)?, &[])
}

fn narrative_set(ctx: &Ctx, a: NarrativeSetArgs) -> Result<()> {
    let text = crate::files::read_plain_text(&a.file)?;
    let which = a.which.named();
    let done = ctx.write(|tx, actor, rec| report::narrative(tx, actor, rec, &which, &text))?;
    if !done.outline.is_empty() {
        let lines = crate::ops::outline::finding_lines(&done.outline);
        ctx.out.warn(Msg::new(
            format!(
                "Thuyết minh chưa theo mẫu đề cương; chưa trình được:\n{}",
                lines.vi
            ),
            format!(
                "The narrative does not follow the outline yet; it cannot be submitted:\n{}",
                lines.en
            ),
        ));
    }
    ctx.out.emit(&serde_json::to_value(done)?, &[])
}

fn attach(ctx: &Ctx, a: AttachArgs) -> Result<()> {
    let limit = a.max_mb.saturating_mul(1024 * 1024);
    let f = report::AttachedFile {
        content: crate::files::read_regular(&a.file, limit, a.max_mb)?,
        name: a
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "tep".into()),
        limit,
    };
    let which = a.which.named();
    let done = ctx.write(|tx, actor, rec| report::attach_file(tx, actor, rec, &which, &f))?;
    ctx.out.emit(&serde_json::to_value(done)?, &[])
}

fn list(ctx: &Ctx, a: ListArgs) -> Result<()> {
    let now = ctx.clock.now();
    let filter = report::ListFilter {
        regime: a.regime.as_deref(),
        period: a.period.as_deref(),
        unit: a.unit.as_deref(),
        status: a.status.as_deref(),
    };
    let found = ctx.read(|tx, actor| report::list(tx, actor, &filter, now))?;
    ctx.out
        .emit(&serde_json::to_value(&found.reports)?, LIST_FIELDS)?;
    super::monitor::note_excluded(ctx, &found.excluded);
    Ok(())
}
