//! `baocao form …`

use std::path::PathBuf;

use clap::Subcommand;
use serde_json::Value;

use crate::context::Ctx;
use crate::error::{Error, Kind, Msg, Result};
use crate::fields;
use crate::form::{FormDef, ImportOptions, Imported};
use crate::ops;

#[derive(Debug, Subcommand)]
pub enum FormCmd {
    /// Import a template (.xlsx) as a new form version, or check it with --dry-run.
    Import {
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
    },
    /// Show a form's definition (the latest version unless --version).
    #[command(disable_version_flag = true)]
    Show {
        /// The form code.
        code: String,
        /// The form version (default: the latest).
        #[arg(long, value_name = "N")]
        version: Option<i64>,
    },
    /// List forms (latest versions unless --all).
    List {
        /// Every version of every form, not only the latest.
        #[arg(long)]
        all: bool,
    },
    /// What changed between two versions of a form.
    Diff {
        /// The form code.
        code: String,
        /// The older version number.
        from: i64,
        /// The newer version number.
        to: i64,
    },
    /// Write a clean blank template workbook in the form's layout.
    #[command(disable_version_flag = true)]
    ExportTemplate {
        /// The form code.
        code: String,
        /// The form version (default: the latest).
        #[arg(long, value_name = "N")]
        version: Option<i64>,
        /// The .xlsx file to write (replaced if it exists).
        #[arg(long)]
        out: PathBuf,
    },
}

impl FormCmd {
    pub fn verb(&self) -> &'static str {
        match self {
            FormCmd::Import { .. } => "import",
            FormCmd::Show { .. } => "show",
            FormCmd::List { .. } => "list",
            FormCmd::Diff { .. } => "diff",
            FormCmd::ExportTemplate { .. } => "export-template",
        }
    }
}

pub fn run(ctx: &Ctx, cmd: FormCmd) -> Result<()> {
    match cmd {
        FormCmd::Import {
            file,
            code,
            sheet,
            mapping,
            dry_run,
        } => {
            let code = crate::input::code(&code)?;
            let imported = if mapping {
                let text = crate::files::read_text(&file)?;
                let mut form = FormDef::from_json(&text).map_err(|problems| {
                    let details = problems
                        .iter()
                        .map(|p| {
                            Msg::new(
                                format!("{}: {}", p.path, p.message_vi),
                                format!("{}: {}", p.path, p.message_en),
                            )
                        })
                        .collect();
                    Error::new(
                        Kind::Invalid,
                        Msg::new(
                            "Tệp định nghĩa biểu mẫu không hợp lệ; không ghi gì",
                            "The form definition file is invalid; nothing was written",
                        ),
                    )
                    .with_details(details)
                })?;
                form.code = code.clone();
                Imported {
                    form,
                    warnings: Vec::new(),
                }
            } else {
                let opts = ImportOptions {
                    code: code.clone(),
                    sheet,
                    convert: Some(ops::form::convert_legacy),
                };
                crate::form::import_template(&file, &opts).map_err(ops::form::template_error)?
            };
            let source = file.file_name().map(|n| n.to_string_lossy().into_owned());
            let lang = ctx.lang();
            let report = ctx.write(|tx, actor, rec| {
                ops::form::register(tx, actor, rec, imported, source.as_deref(), dry_run, lang)
            })?;
            for w in &report.warnings {
                ctx.out.warn(Msg::new(w.clone(), w.clone()));
            }
            if report.unchanged {
                ctx.out.note(Msg::new(
                    format!(
                        "Biểu {} không đổi so với phiên bản {}",
                        report.code, report.version
                    ),
                    format!(
                        "Form {} is unchanged from version {}",
                        report.code, report.version
                    ),
                ));
            }
            ctx.out.emit(
                &serde_json::to_value(&report)?,
                fields![
                    ("code", "Mã biểu", "Code"),
                    ("version", "Phiên bản", "Version"),
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
        FormCmd::Show { code, version } => {
            let form = ctx.read(|tx, _| ops::form::load(tx, &code, version))?;
            let v = serde_json::to_value(&form)?;
            if ctx.out.is_json() {
                return ctx.out.emit(&v, &[]);
            }
            // People read the rows; the full definition is the JSON.
            let rows: Vec<Value> = form
                .rows
                .iter()
                .map(|r| serde_json::json!({"key": r.key, "stt": r.stt, "name": format!("{}{}", "  ".repeat(r.level.saturating_sub(1) as usize), r.name), "unit": r.unit, "role": r.role, "relation": r.relation, "formula": r.formula, "indicator": r.indicator}))
                .collect();
            ctx.out.note(Msg::new(
                format!(
                    "{} — {} (phiên bản {})",
                    form.code, form.title, form.version
                ),
                format!("{} — {} (version {})", form.code, form.title, form.version),
            ));
            ctx.out.emit(
                &Value::Array(rows),
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
        FormCmd::List { all } => {
            let list = ctx.read(|tx, _| ops::form::list(tx, all))?;
            ctx.out.emit(
                &Value::Array(list),
                fields![
                    ("code", "Mã biểu", "Code"),
                    ("version", "Phiên bản", "Version"),
                    ("form_no", "Số hiệu", "Form number"),
                    ("title", "Tên biểu", "Title"),
                    ("kind", "Loại", "Kind"),
                    ("rows", "Dòng", "Rows"),
                    ("columns", "Cột", "Columns"),
                    ("created_at", "Tạo lúc", "Created")
                ],
            )
        }
        FormCmd::Diff { code, from, to } => {
            let (a, b) = ctx.read(|tx, _| {
                Ok((
                    ops::form::load(tx, &code, Some(from))?,
                    ops::form::load(tx, &code, Some(to))?,
                ))
            })?;
            let changes = a.diff(&b);
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
        FormCmd::ExportTemplate { code, version, out } => {
            let form = ctx.read(|tx, _| ops::form::load(tx, &code, version))?;
            crate::form::export_blank_template(&form, &out).map_err(|e| {
                Error::failure(
                    Msg::new(
                        format!("Không ghi được {}", out.display()),
                        format!("Cannot write {}", out.display()),
                    ),
                    anyhow::anyhow!("{e}"),
                )
            })?;
            let p = out.display();
            ctx.out.note(Msg::new(
                format!("Đã ghi mẫu biểu trống {p}"),
                format!("Wrote the blank template {p}"),
            ));
            ctx.out.emit(
                &serde_json::json!({"code": form.code, "version": form.version, "out": out}),
                &[],
            )
        }
    }
}
