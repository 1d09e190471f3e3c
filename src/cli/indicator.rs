//! `baocao indicator …`

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::context::Ctx;
use crate::error::Result;
use crate::fields;
use crate::ops::indicator::{self, IndicatorChange, IndicatorInput};
use crate::output::{Field, Format, Output};

#[derive(Debug, Args)]
pub struct IndicatorFields {
    /// Unit of measure (đơn vị tính), e.g. `ha`, `tỷ đồng`, `%`.
    #[arg(long)]
    pub unit: Option<String>,
    /// integer | decimal | percent | text
    #[arg(long = "type")]
    pub value_type: Option<String>,
    /// Decimal places shown (0–6).
    #[arg(long)]
    pub decimals: Option<i64>,
    /// Over units: sum | average | weighted_average | min | max | none
    #[arg(long)]
    pub aggregation: Option<String>,
    /// Over time: flow | stock | rate
    #[arg(long)]
    pub time_aggregation: Option<String>,
    /// The weight indicator of a weighted average.
    #[arg(long)]
    pub weight: Option<String>,
    /// Definition and calculation method (khái niệm, phương pháp tính).
    #[arg(long)]
    pub definition: Option<String>,
    /// Field (lĩnh vực).
    #[arg(long)]
    pub field: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum IndicatorCmd {
    /// Add an indicator to the catalogue (sysadmin: any owner, province-wide by default;
    /// a unit admin or aggregator: for a unit in its scope).
    Add(AddArgs),
    /// Change an indicator (its owner's set-up accounts or the sysadmin; a unit of measure
    /// that clashes with a form is refused).
    Update(UpdateArgs),
    /// List indicators (active ones unless --all).
    List(ListArgs),
    /// Show an indicator and the forms that use it.
    Show(CodeArgs),
    /// Retire an indicator (kept in history and in existing forms; its owner's set-up
    /// accounts or the sysadmin).
    Retire(CodeArgs),
    /// Create and update indicators from CSV or JSON (only indicators the account may
    /// change).
    Import(ImportArgs),
    /// Write the catalogue in the import format (CSV unless -o json).
    Export,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The indicator's code (mã chỉ tiêu), unique in the catalogue.
    #[arg(long)]
    pub code: String,
    /// The indicator's name (Unicode; legacy TCVN3/VNI is converted).
    #[arg(long)]
    pub name: String,
    /// The owning unit (a unit code): default the province-wide catalogue for the
    /// sysadmin, else the unit of the account's set-up grants (required when they are on
    /// several units); a unit admin or aggregator may name only units in its scope.
    #[arg(long, value_name = "UNIT")]
    pub owner: Option<String>,
    #[command(flatten)]
    pub f: IndicatorFields,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The indicator's code.
    pub code: String,
    /// The new name.
    #[arg(long)]
    pub name: Option<String>,
    /// Hand the indicator to another owning unit (a unit code in the account's scope).
    #[arg(long, value_name = "UNIT")]
    pub owner: Option<String>,
    /// Hand the indicator back to the province-wide catalogue, owned by no unit (the
    /// sysadmin only).
    #[arg(long, conflicts_with = "owner")]
    pub province_wide: bool,
    #[command(flatten)]
    pub f: IndicatorFields,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only indicators of this field (lĩnh vực); letter case is ignored.
    #[arg(long)]
    pub field: Option<String>,
    /// Include retired indicators.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct CodeArgs {
    /// The indicator's code.
    pub code: String,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV or JSON file to read (an `indicator export` file imports back).
    pub file: PathBuf,
    /// Report created / updated / unchanged / conflicts; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The owning unit of the indicators the file creates (existing ones keep theirs):
    /// default as for `indicator add`.
    #[arg(long, value_name = "UNIT")]
    pub owner: Option<String>,
}

impl IndicatorCmd {
    pub fn verb(&self) -> &'static str {
        match self {
            IndicatorCmd::Add(_) => "add",
            IndicatorCmd::Update(_) => "update",
            IndicatorCmd::List(_) => "list",
            IndicatorCmd::Show(_) => "show",
            IndicatorCmd::Retire(_) => "retire",
            IndicatorCmd::Import(_) => "import",
            IndicatorCmd::Export => "export",
        }
    }
}

pub const INDICATOR_FIELDS: &[Field] = fields![
    ("code", "Mã", "Code"),
    ("name", "Tên chỉ tiêu", "Name"),
    ("unit", "Đơn vị tính", "Unit"),
    ("value_type", "Kiểu", "Type"),
    ("decimals", "Số lẻ", "Decimals"),
    ("aggregation", "Tổng hợp", "Aggregation"),
    ("time_aggregation", "Theo thời gian", "Over time"),
    ("weight", "Quyền số", "Weight"),
    ("field", "Lĩnh vực", "Field"),
    ("status", "Trạng thái", "Status"),
    ("owner_unit", "Đơn vị sở hữu", "Owner"),
    ("definition", "Khái niệm, phương pháp tính", "Definition"),
    ("forms", "Dùng trong biểu", "Used in forms"),
];

pub fn run(ctx: &Ctx, cmd: IndicatorCmd) -> Result<()> {
    match cmd {
        IndicatorCmd::Add(AddArgs {
            code,
            name,
            owner,
            f,
        }) => {
            let input = IndicatorInput {
                code,
                name,
                unit: f.unit,
                value_type: f.value_type,
                decimals: f.decimals,
                aggregation: f.aggregation,
                time_aggregation: f.time_aggregation,
                weight: f.weight,
                definition: f.definition,
                field: f.field,
                owner_unit: None,
            };
            let ind = ctx
                .write(|tx, actor, rec| indicator::add(tx, actor, rec, &input, owner.as_deref()))?;
            ctx.out.emit(&serde_json::to_value(ind)?, INDICATOR_FIELDS)
        }
        IndicatorCmd::Update(UpdateArgs {
            code,
            name,
            owner,
            province_wide,
            f,
        }) => {
            let ch = IndicatorChange {
                name,
                owner,
                province_wide,
                unit: f.unit,
                value_type: f.value_type,
                decimals: f.decimals,
                aggregation: f.aggregation,
                time_aggregation: f.time_aggregation,
                weight: f.weight,
                definition: f.definition,
                field: f.field,
            };
            let ind = ctx.write(|tx, actor, rec| indicator::update(tx, actor, rec, &code, &ch))?;
            ctx.out.emit(&serde_json::to_value(ind)?, INDICATOR_FIELDS)
        }
        IndicatorCmd::List(a) => {
            let rows = ctx.read(|tx, _| indicator::list(tx, a.field.as_deref(), a.all))?;
            ctx.out.emit(&serde_json::to_value(rows)?, INDICATOR_FIELDS)
        }
        IndicatorCmd::Show(a) => {
            let v = ctx.read(|tx, _| indicator::show(tx, &a.code))?;
            ctx.out.emit(&serde_json::to_value(v)?, INDICATOR_FIELDS)
        }
        IndicatorCmd::Retire(a) => {
            let ind = ctx.write(|tx, actor, rec| indicator::retire(tx, actor, rec, &a.code))?;
            ctx.out.emit(&serde_json::to_value(ind)?, INDICATOR_FIELDS)
        }
        IndicatorCmd::Import(a) => {
            let rows = indicator::read_file(&a.file)?;
            let mut report = ctx.write(|tx, actor, rec| {
                indicator::import(tx, actor, rec, &rows, a.owner.as_deref(), a.dry_run)
            })?;
            super::unit::in_lang(&mut report.conflicts, ctx);
            for c in &report.conflicts {
                ctx.out.warn(c.line_msg());
            }
            let verdict = crate::ops::unit::dry_run_verdict(report.dry_run, report.conflicts.len());
            ctx.out.emit(
                &serde_json::to_value(report)?,
                crate::glossary::IMPORT_FIELDS,
            )?;
            verdict
        }
        IndicatorCmd::Export => {
            let rows = ctx.read(|tx, _| indicator::export(tx))?;
            let f: Vec<Field> = indicator::CSV_COLUMNS
                .iter()
                .map(|c| Field {
                    key: c,
                    vi: c,
                    en: c,
                })
                .collect();
            let out = if ctx.out.format == Format::Table {
                Output {
                    format: Format::Csv,
                    lang: ctx.lang(),
                    quiet: ctx.out.quiet,
                    capture: ctx.out.capture.clone(),
                }
            } else {
                Output {
                    format: ctx.out.format,
                    lang: ctx.lang(),
                    quiet: ctx.out.quiet,
                    capture: ctx.out.capture.clone(),
                }
            };
            out.emit(&serde_json::to_value(rows)?, &f)
        }
    }
}
