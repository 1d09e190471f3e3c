//! `baocao report attachment …` and `baocao report narrative compile`: what the lead
//! unit reads back from the units' reports.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::which::Which;
use crate::audit::data_use::{self, DataUse, Use};
use crate::context::Ctx;
use crate::error::{Msg, Result};
use crate::fields;
use crate::ops::aggregate::Include;
use crate::ops::report;
use crate::output::Field;

#[derive(Debug, Subcommand)]
pub enum AttachmentCmd {
    /// A revision's attachments: id, name, SHA-256, size, when attached.
    List(AttachmentListArgs),
    /// Write one attachment's bytes to a file, after checking them against the SHA-256
    /// recorded when it was attached.
    ///
    /// For the unit's own accounts and the lead unit's aggregator and viewer (else exit
    /// 4). Exit status: 5 when the stored bytes no longer match their SHA-256 or size
    /// (nothing is written) or two attachments share the name; 6 when there is no such
    /// report, revision or attachment; 7 when --out exists (give --force to replace it).
    Get(AttachmentGetArgs),
}

impl AttachmentCmd {
    pub fn verb(&self) -> &'static str {
        match self {
            AttachmentCmd::List(_) => "list",
            AttachmentCmd::Get(_) => "get",
        }
    }
}

#[derive(Debug, Args)]
pub struct AttachmentListArgs {
    #[command(flatten)]
    pub which: Which,
    /// The revision (default: the accepted one, else the latest).
    #[arg(long)]
    pub revision: Option<i64>,
}

#[derive(Debug, Args)]
pub struct AttachmentGetArgs {
    #[command(flatten)]
    pub which: Which,
    /// The attachment's name or id (as `report attachment list` shows them).
    pub attachment: String,
    /// The revision (default: the accepted one, else the latest).
    #[arg(long)]
    pub revision: Option<i64>,
    /// The file to write the attachment to; `-` writes its bytes to standard output.
    #[arg(long)]
    pub out: PathBuf,
    /// Replace --out if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct NarrativeCompileArgs {
    /// The regime code.
    pub regime: String,
    /// The period (202611, 2026Q1, …).
    pub period: String,
    /// Which reports count: accepted (default) or sent (sent and accepted).
    #[arg(long, value_parser = ["accepted", "sent"], default_value = "accepted")]
    pub include: String,
    /// The .docx to write.
    #[arg(long)]
    pub out: PathBuf,
    /// Replace --out if it exists.
    #[arg(long)]
    pub force: bool,
}

const LIST_FIELDS: &[Field] = fields![
    ("id", "Mã", "Id"),
    ("name", "Tên tệp", "File name"),
    ("size", "Kích thước (byte)", "Size (bytes)"),
    ("sha256", "SHA-256", "SHA-256"),
    ("added_at", "Đính kèm lúc", "Attached at"),
];

pub fn attachment(ctx: &Ctx, cmd: AttachmentCmd) -> Result<()> {
    match cmd {
        AttachmentCmd::List(a) => {
            let which = a.which.named();
            let found =
                ctx.read(|tx, actor| report::list_attachments(tx, actor, &which, a.revision))?;
            if ctx.out.is_json() {
                ctx.out.emit(&serde_json::to_value(&found)?, &[])
            } else {
                ctx.out
                    .emit(&serde_json::to_value(&found.attachments)?, LIST_FIELDS)
            }
        }
        AttachmentCmd::Get(a) => get(ctx, a),
    }
}

fn get(ctx: &Ctx, a: AttachmentGetArgs) -> Result<()> {
    let to_stdout = a.out.as_os_str() == "-";
    let which = a.which.named();
    // Who may read it is said first (exit 4), then whether the file may be written.
    let got =
        ctx.read(|tx, actor| report::get_attachment(tx, actor, &which, a.revision, &a.attachment))?;
    if !to_stdout {
        crate::files::check_output(&a.out, a.force)?;
    }
    let usage = DataUse::new(Use::Attachment, Some(&got.regime), &got.period)
        .format("file")
        .with("report", got.report.clone().into())
        .with("revision", got.revision.into())
        .with("attachment", got.name.clone().into())
        .with("sha256", got.sha256.clone().into());
    if to_stdout {
        // Logged first: bytes on standard output cannot be taken back.
        ctx.log_data_use(&usage)?;
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        return match out.write_all(&got.content).and_then(|()| out.flush()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
            _ => Ok(()),
        };
    }
    crate::files::save_bytes(&a.out, &got.content, a.force)?;
    let usage = usage.to_file(&a.out);
    data_use::hand_out(&a.out, || ctx.log_data_use(&usage))?;
    // Through the server, `--out -` arrives as a file named `-` whose bytes the client
    // puts on its standard output: nothing else may go there.
    if a.out.file_name().is_some_and(|n| n == "-") {
        return Ok(());
    }
    let p = a.out.display();
    ctx.out.note(Msg::new(
        format!("Đã ghi tệp đính kèm «{}» ra {p} (SHA-256 khớp)", got.name),
        format!(
            "Wrote the attachment «{}» to {p} (SHA-256 matches)",
            got.name
        ),
    ));
    let mut shown = serde_json::to_value(&got)?;
    shown["out"] = a.out.display().to_string().into();
    ctx.out.emit(
        &shown,
        fields![
            ("report", "Báo cáo", "Report"),
            ("revision", "Bản", "Revision"),
            ("name", "Tên tệp", "File name"),
            ("size", "Kích thước (byte)", "Size (bytes)"),
            ("sha256", "SHA-256", "SHA-256"),
            ("out", "Tệp", "File")
        ],
    )
}

pub fn compile(ctx: &Ctx, a: NarrativeCompileArgs) -> Result<()> {
    let req = report::CompileRequest {
        regime: a.regime,
        period: a.period,
        include: Include::parse(&a.include)?,
        lang: ctx.lang(),
    };
    let now = ctx.clock.now();
    let done =
        ctx.read(|tx, actor| report::compile_narratives(tx, actor, &req, now, &a.out, a.force))?;
    let usage = done.data_use();
    data_use::hand_out(&a.out, || ctx.log_data_use(&usage))?;
    let p = a.out.display();
    ctx.out.note(Msg::new(
        format!("Đã ghi tổng hợp thuyết minh {p}"),
        format!("Wrote the compiled narratives {p}"),
    ));
    ctx.out.emit(
        &serde_json::to_value(&done)?,
        fields![
            ("out", "Tệp", "File"),
            ("regime", "Chế độ", "Regime"),
            ("period", "Kỳ", "Period"),
            ("units_listed", "Số đơn vị", "Units listed"),
            ("units_with_narrative", "Có thuyết minh", "With a narrative"),
            (
                "units_missing",
                "Chưa tính (chưa gửi/chưa tiếp nhận)",
                "Not counted"
            )
        ],
    )
}
