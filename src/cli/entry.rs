//! `baocao entry …`: data entry, from fill-in workbooks, files or single cells.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::report::Which;
use crate::context::Ctx;
use crate::error::{Msg, Result};
use crate::fields;
use crate::ops::entry::{
    self,
    import::{self, FileOutcome, FileResult, Tally},
};

#[derive(Debug, Subcommand)]
pub enum EntryCmd {
    /// Write the fill-in workbook of a unit's report: the form's layout, input cells
    /// unlocked and validated, everything else protected, identity embedded.
    Template(TemplateArgs),
    /// Import filled workbooks (or folders of them), the form's original template filled
    /// by hand, or CSV/JSON `row_code,column_number,value` (with --regime/--unit/--period).
    Import(ImportArgs),
    /// Set one cell of your unit's draft: ROW is a row key or code, COLUMN a column key or number.
    Set(SetArgs),
    /// The values of a report (the latest revision unless --revision).
    Show(ShowArgs),
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    #[command(flatten)]
    pub which: Which,
    /// The workbook to write (must not exist unless --force; never written
    /// through a symbolic link).
    #[arg(long)]
    pub out: PathBuf,
    /// Replace an existing file.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The files to import (.xlsx, .xlsm, .csv, .json), or folders holding them.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The regime code, for files that do not carry their own identity.
    #[arg(long)]
    pub regime: Option<String>,
    /// The reporting unit, for files that do not carry their own identity.
    #[arg(long)]
    pub unit: Option<String>,
    /// The period (202611, 2026Q1, …), for files that do not carry their own identity.
    #[arg(long)]
    pub period: Option<String>,
}

#[derive(Debug, Args)]
pub struct SetArgs {
    #[command(flatten)]
    pub which: Which,
    /// The row key or row code (mã số) of an input row.
    pub row: String,
    /// The column key or column number of an input column.
    pub column: String,
    /// The value: a number as typed in Vietnamese (`1.234,5`) or English (`1234.5`), or
    /// text for a text column.
    pub value: String,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub which: Which,
    /// The revision number (default: the latest).
    #[arg(long)]
    pub revision: Option<i64>,
}

impl EntryCmd {
    pub fn verb(&self) -> &'static str {
        match self {
            EntryCmd::Template(_) => "template",
            EntryCmd::Import(_) => "import",
            EntryCmd::Set(_) => "set",
            EntryCmd::Show(_) => "show",
        }
    }
}

pub fn run(ctx: &Ctx, cmd: EntryCmd) -> Result<()> {
    match cmd {
        EntryCmd::Template(a) => template(ctx, a),
        EntryCmd::Import(a) => import(ctx, a),
        EntryCmd::Set(a) => set(ctx, a),
        EntryCmd::Show(a) => show(ctx, a),
    }
}

fn template(ctx: &Ctx, a: TemplateArgs) -> Result<()> {
    crate::files::check_output(&a.out, a.force)?;
    let which = a.which.named();
    let id = ctx.read(|tx, actor| import::write_template(tx, actor, &which, &a.out, a.force))?;
    let p = a.out.display();
    ctx.out.note(Msg::new(
        format!("Đã ghi biểu nhập liệu {p}"),
        format!("Wrote the fill-in workbook {p}"),
    ));
    ctx.out.emit(&serde_json::to_value(id)?, &[])
}

fn set(ctx: &Ctx, a: SetArgs) -> Result<()> {
    let e = entry::CellEntry {
        which: a.which.named(),
        row: a.row,
        column: a.column,
        value: a.value,
    };
    let done = ctx.write(|tx, actor, rec| entry::set(tx, actor, rec, &e))?;
    ctx.out.emit(&serde_json::to_value(&done)?, &[])
}

fn show(ctx: &Ctx, a: ShowArgs) -> Result<()> {
    let which = a.which.named();
    let lines = ctx.read(|tx, actor| entry::show(tx, actor, &which, a.revision))?;
    ctx.out.emit(
        &serde_json::to_value(lines)?,
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

/// A file's line as shown: warnings and errors in the reader's language, and in a
/// table only the number of warnings (they are in the JSON and on the report; keeping
/// counts keeps a long run's memory flat).
#[derive(Serialize)]
struct Line {
    file: String,
    report: Option<String>,
    result: FileOutcome,
    revision: Option<i64>,
    cells: usize,
    warnings: Warnings,
    errors: Vec<String>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Warnings {
    Texts(Vec<String>),
    Count(usize),
}

/// Imports files one by one (`import::import_files`), printing each file's line as it
/// is done; the exit status is 5 when any was rejected.
fn import(ctx: &Ctx, a: ImportArgs) -> Result<()> {
    let given = import::Given {
        regime: a.regime,
        unit: a.unit,
        period: a.period,
    };
    let files = import::expand(&a.files)?;
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
    let mut tally = Tally::default();
    let single = files.len() == 1;
    let run = import::import_files(
        &mut store,
        &files,
        &given,
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
            let r = match outcome {
                Ok(r) => r,
                // One file: its own error and exit status, as any other command.
                Err(e) if single => return Err(e),
                Err(e) => {
                    let r = FileResult::rejected(f, &e);
                    for line in &r.errors {
                        let text = format!("{}: {}", f.display(), line.get(lang));
                        let warning = Msg::new(text.clone(), text);
                        match &bar {
                            Some(b) => b.suspend(|| ctx.out.warn(warning)),
                            None => ctx.out.warn(warning),
                        }
                    }
                    r
                }
            };
            tally.count(r.result);
            let warnings = if ctx.out.format == crate::output::Format::Table {
                Warnings::Count(r.warnings.len())
            } else {
                Warnings::Texts(
                    r.warnings
                        .iter()
                        .map(|w| w.msg().get(lang).to_string())
                        .collect(),
                )
            };
            listing.push(serde_json::to_value(Line {
                file: f.display().to_string(),
                report: r.report,
                result: r.result,
                revision: r.revision,
                cells: r.cells,
                warnings,
                errors: r.errors.iter().map(|m| m.get(lang).to_string()).collect(),
            })?)
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
    ctx.out.note(tally.summary());
    listing.finish()?;
    tally.outcome()
}
