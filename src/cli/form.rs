//! `baocao form …`

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde::Serialize;

use crate::context::Ctx;
use crate::error::{Msg, Result};
use crate::fields;
use crate::form::{Relation, Row, RowRole};
use crate::ops::form::{self, Source};

#[derive(Debug, Subcommand)]
pub enum FormCmd {
    /// Import a template (.xlsx) as a new form version, or check it with --dry-run
    /// (sysadmin; a unit admin or aggregator for its own unit's forms).
    Import(ImportArgs),
    /// Show a form's definition (the latest version unless --version).
    #[command(disable_version_flag = true)]
    Show(ShowArgs),
    /// List forms (latest versions unless --all).
    List(ListArgs),
    /// What changed between two versions of a form.
    Diff(DiffArgs),
    /// Write a clean blank template workbook in the form's layout.
    #[command(disable_version_flag = true)]
    ExportTemplate(ExportTemplateArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The template workbook (.xlsx), or with --mapping a JSON form definition.
    file: PathBuf,
    /// The form code (e.g. KTXH01).
    #[arg(long)]
    code: String,
    /// The sheet to read (default: the first that holds a form).
    #[arg(long)]
    sheet: Option<String>,
    /// FILE is a hand-written form definition (schemas/form.schema.json).
    #[arg(long)]
    mapping: bool,
    /// Show what would be stored; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// The owning unit of a new form code (a later version keeps the code's owner):
    /// default the province-wide catalogue for the sysadmin, else the unit of the
    /// account's set-up grants; a unit admin or aggregator may name only its scope.
    #[arg(long, value_name = "UNIT")]
    owner: Option<String>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The form code.
    code: String,
    /// The form version (default: the latest).
    #[arg(long, value_name = "N")]
    version: Option<i64>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Every version of every form, not only the latest.
    #[arg(long)]
    all: bool,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The form code.
    code: String,
    /// The older version number.
    from: i64,
    /// The newer version number.
    to: i64,
}

#[derive(Debug, Args)]
pub struct ExportTemplateArgs {
    /// The form code.
    code: String,
    /// The form version (default: the latest).
    #[arg(long, value_name = "N")]
    version: Option<i64>,
    /// The .xlsx file to write (replaced if it exists).
    #[arg(long)]
    out: PathBuf,
}

impl FormCmd {
    pub fn verb(&self) -> &'static str {
        match self {
            FormCmd::Import(_) => "import",
            FormCmd::Show(_) => "show",
            FormCmd::List(_) => "list",
            FormCmd::Diff(_) => "diff",
            FormCmd::ExportTemplate(_) => "export-template",
        }
    }
}

pub fn run(ctx: &Ctx, cmd: FormCmd) -> Result<()> {
    match cmd {
        FormCmd::Import(a) => import(ctx, a),
        FormCmd::Show(a) => show(ctx, a),
        FormCmd::List(a) => list(ctx, a),
        FormCmd::Diff(a) => diff(ctx, a),
        FormCmd::ExportTemplate(a) => export_template(ctx, a),
    }
}

fn import(ctx: &Ctx, a: ImportArgs) -> Result<()> {
    let imported = form::read(Source {
        file: &a.file,
        code: &a.code,
        sheet: a.sheet,
        mapping: a.mapping,
    })?;
    let source = a.file.file_name().map(|n| n.to_string_lossy().into_owned());
    let done = ctx.write(|tx, actor, rec| {
        form::import(
            tx,
            actor,
            rec,
            imported,
            source.as_deref(),
            a.owner.as_deref(),
            a.dry_run,
        )
    })?;
    // A table lists the warnings itself; JSON and CSV readers get them on stderr too.
    if ctx.out.format != crate::output::Format::Table {
        for w in &done.warnings {
            ctx.out.warn(w.clone());
        }
    }
    if done.unchanged {
        let (code, version) = (&done.code, done.version);
        ctx.out.note(Msg::new(
            format!("Biểu {code} không đổi so với phiên bản {version}"),
            format!("Form {code} is unchanged from version {version}"),
        ));
    }
    ctx.out.emit(
        &serde_json::to_value(done.in_lang(ctx.lang()))?,
        fields![
            ("code", "Mã biểu", "Code"),
            ("version", "Phiên bản", "Version"),
            ("owner_unit", "Đơn vị sở hữu", "Owner"),
            ("dry_run", "Chạy thử", "Dry run"),
            ("unchanged", "Không đổi", "Unchanged"),
            ("form_no", "Số hiệu biểu", "Form number"),
            ("title", "Tên biểu", "Title"),
            ("rows", "Số dòng chỉ tiêu", "Rows"),
            ("columns", "Số cột số liệu", "Data columns"),
            ("computed_columns", "Cột tính toán", "Computed columns"),
            ("computed_rows", "Dòng tính toán", "Computed rows"),
            ("not_applicable", "Ô không áp dụng", "Not-applicable cells"),
            ("indicators_linked", "Chỉ tiêu đã có", "Indicators linked"),
            ("indicators_created", "Chỉ tiêu mới", "New indicators"),
            ("changes", "Thay đổi", "Changes"),
            ("warnings", "Cảnh báo", "Warnings"),
        ],
    )
}

/// A form row as people read it: the name indented by its level.
#[derive(Serialize)]
struct RowLine<'a> {
    key: &'a str,
    stt: &'a Option<String>,
    name: String,
    unit: &'a Option<String>,
    role: RowRole,
    relation: &'a Option<Relation>,
    formula: &'a Option<String>,
    indicator: &'a Option<String>,
}

impl<'a> From<&'a Row> for RowLine<'a> {
    fn from(r: &'a Row) -> Self {
        RowLine {
            key: &r.key,
            stt: &r.stt,
            name: format!(
                "{}{}",
                "  ".repeat(r.level.saturating_sub(1) as usize),
                r.name
            ),
            unit: &r.unit,
            role: r.role,
            relation: &r.relation,
            formula: &r.formula,
            indicator: &r.indicator,
        }
    }
}

fn show(ctx: &Ctx, a: ShowArgs) -> Result<()> {
    let form = ctx.read(|tx, _| form::load(tx, &a.code, a.version))?;
    if ctx.out.is_json() {
        // The definition exactly as `form import --mapping` reads it; `form list` gives
        // the owner.
        return ctx.out.emit(&serde_json::to_value(&form)?, &[]);
    }
    let owner = ctx.read(|tx, _| form::owner_unit(tx, &form.code))?;
    let (owner_vi, owner_en) = match &owner {
        Some(u) => (format!("đơn vị sở hữu {u}"), format!("owned by unit {u}")),
        None => ("danh mục chung toàn tỉnh".into(), "province-wide".into()),
    };
    // People read the rows; the full definition is the JSON.
    let rows: Vec<RowLine> = form.rows.iter().map(RowLine::from).collect();
    ctx.out.note(Msg::new(
        format!(
            "{} — {} (phiên bản {}; {owner_vi})",
            form.code, form.title, form.version
        ),
        format!(
            "{} — {} (version {}; {owner_en})",
            form.code, form.title, form.version
        ),
    ));
    ctx.out.emit(
        &serde_json::to_value(rows)?,
        fields![
            ("key", "Khoá", "Key"),
            ("stt", "STT", "No."),
            ("name", "Chỉ tiêu", "Indicator"),
            ("unit", "ĐVT", "Unit"),
            ("role", "Vai trò", "Role"),
            ("relation", "Quan hệ", "Relation"),
            ("formula", "Công thức", "Formula"),
            ("indicator", "Mã chỉ tiêu", "Indicator code")
        ],
    )
}

fn list(ctx: &Ctx, a: ListArgs) -> Result<()> {
    let list = ctx.read(|tx, _| form::list(tx, a.all))?;
    ctx.out.emit(
        &serde_json::to_value(list)?,
        fields![
            ("code", "Mã biểu", "Code"),
            ("version", "Phiên bản", "Version"),
            ("form_no", "Số hiệu", "Form number"),
            ("title", "Tên biểu", "Title"),
            ("kind", "Loại", "Kind"),
            ("rows", "Dòng", "Rows"),
            ("columns", "Cột", "Columns"),
            ("owner_unit", "Đơn vị sở hữu", "Owner"),
            ("created_at", "Tạo lúc", "Created")
        ],
    )
}

fn diff(ctx: &Ctx, a: DiffArgs) -> Result<()> {
    let changes = ctx.read(|tx, _| form::diff(tx, &a.code, a.from, a.to))?;
    ctx.out.emit(
        &serde_json::to_value(&changes)?,
        fields![
            ("kind", "Loại", "Kind"),
            ("target", "Đối tượng", "Target"),
            ("key", "Khoá", "Key"),
            ("field", "Trường", "Field"),
            ("before", "Trước", "Before"),
            ("after", "Sau", "After"),
            ("message_vi", "Mô tả", "Description")
        ],
    )
}

fn export_template(ctx: &Ctx, a: ExportTemplateArgs) -> Result<()> {
    let written = ctx.read(|tx, _| form::export_template(tx, &a.code, a.version, &a.out))?;
    let p = written.out.display();
    ctx.out.note(Msg::new(
        format!("Đã ghi mẫu biểu trống {p}"),
        format!("Wrote the blank template {p}"),
    ));
    ctx.out.emit(&serde_json::to_value(&written)?, &[])
}
