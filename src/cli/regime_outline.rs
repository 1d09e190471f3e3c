//! `baocao regime outline …`: a regime's outline template (mẫu đề cương), the headings
//! its narrative reports must carry.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::context::Ctx;
use crate::error::Result;
use crate::fields;
use crate::ops::outline;
use crate::output::Field;

#[derive(Debug, Subcommand)]
pub enum OutlineCmd {
    /// Set the regime's outline from a text file: one heading per line, in order.
    ///
    /// Blank lines and lines starting with # are skipped; `? heading` marks an optional
    /// heading. Every required heading must then be a line of a narrative or combined
    /// report's narrative, in this order (case, spacing, Unicode form and a trailing
    /// colon ignored), or `report submit` refuses it (exit 5). By the aggregator of the
    /// regime's lead unit (else exit 4); it replaces the outline there was.
    Set(OutlineSetArgs),
    /// Show the regime's outline (exit 6 when it has none).
    Show(OutlineCodeArgs),
    /// Remove the regime's outline: narratives are no longer checked against it.
    Clear(OutlineCodeArgs),
}

impl OutlineCmd {
    pub fn verb(&self) -> &'static str {
        match self {
            OutlineCmd::Set(_) => "outline set",
            OutlineCmd::Show(_) => "outline show",
            OutlineCmd::Clear(_) => "outline clear",
        }
    }
}

#[derive(Debug, Args)]
pub struct OutlineSetArgs {
    /// The regime code.
    pub code: String,
    /// The outline's text file (UTF-8, TCVN3 or VNI).
    #[arg(long)]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct OutlineCodeArgs {
    /// The regime code.
    pub code: String,
}

const HEADING_FIELDS: &[Field] = fields![
    ("position", "STT", "No."),
    ("heading", "Đề mục", "Heading"),
    ("required", "Bắt buộc", "Required"),
];

fn emit(ctx: &Ctx, v: &outline::OutlineView) -> Result<()> {
    if ctx.out.is_json() {
        ctx.out.emit(&serde_json::to_value(v)?, &[])
    } else {
        ctx.out
            .emit(&serde_json::to_value(&v.headings)?, HEADING_FIELDS)
    }
}

pub fn run(ctx: &Ctx, cmd: OutlineCmd) -> Result<()> {
    match cmd {
        OutlineCmd::Set(a) => {
            let text = crate::files::read_plain_text(&a.file)?;
            let v = ctx.write(|tx, actor, rec| outline::set(tx, actor, rec, &a.code, &text))?;
            if let Some(form) = &v.numeric_form {
                ctx.out.warn(crate::error::Msg::new(
                    format!("Biểu mẫu {form} của chế độ {} chỉ có số liệu, không có phần thuyết minh: mẫu đề cương đã lưu nhưng chưa báo cáo nào được kiểm tra theo nó cho đến khi chế độ dùng biểu mẫu thuyết minh hoặc liên kết", v.regime),
                    format!("Form {form} of regime {} has figures only, no narrative part: the outline is kept, but no report is checked against it until the regime takes a narrative or combined form", v.regime),
                ));
            }
            emit(ctx, &v)
        }
        OutlineCmd::Show(a) => {
            let v = ctx.read(|tx, _| outline::show(tx, &a.code))?;
            emit(ctx, &v)
        }
        OutlineCmd::Clear(a) => {
            let v = ctx.write(|tx, actor, rec| outline::clear(tx, actor, rec, &a.code))?;
            ctx.out.emit(
                &serde_json::to_value(v)?,
                fields![
                    ("regime", "Chế độ", "Regime"),
                    ("headings", "Số đề mục đã bỏ", "Headings removed")
                ],
            )
        }
    }
}
