//! `baocao indicator …` and `baocao text …`.

use std::io::Read;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::{json, Value};

use crate::context::Ctx;
use crate::error::{Error, Kind, Msg, Result};
use crate::fields;
use crate::ops::indicator::{self, IndicatorChange, IndicatorInput};
use crate::output::{Field, Format, Output};
use crate::text::{self, Encoding};

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
    /// Add an indicator to the catalogue.
    Add {
        /// The indicator's code (mã chỉ tiêu), unique in the catalogue.
        #[arg(long)]
        code: String,
        /// The indicator's name (Unicode; legacy TCVN3/VNI is converted).
        #[arg(long)]
        name: String,
        #[command(flatten)]
        f: IndicatorFields,
    },
    /// Change an indicator (a unit of measure that clashes with a form is refused).
    Update {
        /// The indicator's code.
        code: String,
        /// The new name.
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        f: IndicatorFields,
    },
    /// List indicators (active ones unless --all).
    List {
        /// Only indicators of this field (lĩnh vực); letter case is ignored.
        #[arg(long)]
        field: Option<String>,
        /// Include retired indicators.
        #[arg(long)]
        all: bool,
    },
    /// Show an indicator and the forms that use it.
    Show {
        /// The indicator's code.
        code: String,
    },
    /// Retire an indicator (kept in history and in existing forms).
    Retire {
        /// The indicator's code.
        code: String,
    },
    /// Create and update indicators from CSV or JSON.
    Import {
        /// The CSV or JSON file to read (an `indicator export` file imports back).
        file: PathBuf,
        /// Report created / updated / unchanged / conflicts; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Write the catalogue in the import format (CSV unless -o json).
    Export,
}

impl IndicatorCmd {
    pub fn verb(&self) -> &'static str {
        match self {
            IndicatorCmd::Add { .. } => "add",
            IndicatorCmd::Update { .. } => "update",
            IndicatorCmd::List { .. } => "list",
            IndicatorCmd::Show { .. } => "show",
            IndicatorCmd::Retire { .. } => "retire",
            IndicatorCmd::Import { .. } => "import",
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
    ("definition", "Khái niệm, phương pháp tính", "Definition"),
    ("forms", "Dùng trong biểu", "Used in forms"),
];

pub fn run(ctx: &Ctx, cmd: IndicatorCmd) -> Result<()> {
    match cmd {
        IndicatorCmd::Add { code, name, f } => {
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
            };
            let ind = ctx.write(|tx, actor, rec| indicator::add(tx, actor, rec, &input))?;
            ctx.out.emit(&serde_json::to_value(ind)?, INDICATOR_FIELDS)
        }
        IndicatorCmd::Update { code, name, f } => {
            let ch = IndicatorChange {
                name,
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
        IndicatorCmd::List { field, all } => {
            let rows = ctx.read(|tx, _| indicator::list(tx, field.as_deref(), all))?;
            ctx.out.emit(&serde_json::to_value(rows)?, INDICATOR_FIELDS)
        }
        IndicatorCmd::Show { code } => {
            let v = ctx.read(|tx, _| indicator::show(tx, &code))?;
            ctx.out.emit(&v, INDICATOR_FIELDS)
        }
        IndicatorCmd::Retire { code } => {
            let ind = ctx.write(|tx, actor, rec| indicator::retire(tx, actor, rec, &code))?;
            ctx.out.emit(&serde_json::to_value(ind)?, INDICATOR_FIELDS)
        }
        IndicatorCmd::Import { file, dry_run } => {
            let rows = indicator::read_file(&file)?;
            let lang = ctx.lang();
            let report = ctx
                .write(|tx, actor, rec| indicator::import(tx, actor, rec, &rows, dry_run, lang))?;
            for c in &report.conflicts {
                ctx.out.warn(c.line_msg());
            }
            let verdict = crate::ops::unit::dry_run_verdict(report.dry_run, report.conflicts.len());
            ctx.out.emit(
                &serde_json::to_value(report)?,
                fields![
                    ("dry_run", "Chạy thử", "Dry run"),
                    ("created", "Tạo mới", "Created"),
                    ("updated", "Cập nhật", "Updated"),
                    ("unchanged", "Không đổi", "Unchanged"),
                    ("conflicts", "Xung đột", "Conflicts")
                ],
            )?;
            verdict
        }
        IndicatorCmd::Export => {
            let list = ctx.read(|tx, _| indicator::list(tx, None, true))?;
            let rows: Vec<Value> = list
                .into_iter()
                .map(|i| json!({"code": i.code, "name": i.name, "unit": i.unit, "value_type": i.value_type, "decimals": i.decimals, "aggregation": i.aggregation, "time_aggregation": i.time_aggregation, "weight": i.weight, "definition": i.definition, "field": i.field}))
                .collect();
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
                }
            } else {
                Output {
                    format: ctx.out.format,
                    lang: ctx.lang(),
                    quiet: ctx.out.quiet,
                }
            };
            out.emit(&Value::Array(rows), &f)
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum TextCmd {
    /// Tell whether text is Unicode, TCVN3 (ABC) or VNI.
    Detect {
        /// The text (default: standard input).
        text: Option<String>,
        /// Read the text from this file instead.
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Convert TCVN3 or VNI text to Unicode NFC (TCVN 6909:2001).
    Convert {
        /// The text (default: standard input).
        text: Option<String>,
        /// Read the text from this file instead.
        #[arg(long)]
        file: Option<PathBuf>,
        /// tcvn3 | vni | auto
        #[arg(long, default_value = "auto")]
        from: String,
        /// The text was typed in a TCVN3 upper-case font (.VnTimeH).
        #[arg(long)]
        upper_font: bool,
    },
}

/// Reads the text argument, a file, or standard input, refusing what is not UTF-8.
fn source(text: Option<String>, file: Option<PathBuf>) -> Result<String> {
    if let Some(t) = text {
        return Ok(t);
    }
    if let Some(f) = file {
        return crate::files::read_text(&f);
    }
    let mut buf = Vec::new();
    std::io::stdin()
        .take(crate::files::MAX_IMPORT_BYTES)
        .read_to_end(&mut buf)?;
    String::from_utf8(buf).map_err(|_| {
        Error::new(
            Kind::Invalid,
            Msg::new("Đầu vào không phải UTF-8", "The input is not UTF-8"),
        )
    })
}

pub fn text_cmd(ctx: &Ctx, cmd: TextCmd) -> Result<()> {
    match cmd {
        TextCmd::Detect { text, file } => {
            let t = source(text, file)?;
            let enc = text::detect(&t);
            let converted = text::to_unicode(&t, enc, false);
            ctx.out.emit(
                &json!({"encoding": enc, "label": enc.label(), "unicode": converted}),
                fields![
                    ("encoding", "Bảng mã", "Encoding"),
                    ("label", "Tên", "Name"),
                    ("unicode", "Văn bản Unicode", "Unicode text")
                ],
            )
        }
        TextCmd::Convert {
            text,
            file,
            from,
            upper_font,
        } => {
            let t = source(text, file)?;
            let enc = if from.trim().eq_ignore_ascii_case("auto") {
                text::detect(&t)
            } else {
                from.parse::<Encoding>().map_err(|_| {
                    Error::new(
                        Kind::Usage,
                        Msg::new(
                            format!("Bảng mã «{from}» không hỗ trợ (tcvn3, vni, auto)"),
                            format!("Unsupported encoding «{from}» (tcvn3, vni, auto)"),
                        ),
                    )
                })?
            };
            let out = text::to_unicode(&t, enc, upper_font);
            if enc != Encoding::Unicode {
                ctx.out.note(Msg::new(
                    format!("Đã chuyển từ {} sang Unicode", enc.label()),
                    format!("Converted from {} to Unicode", enc.label()),
                ));
            }
            match ctx.out.format {
                Format::Json => ctx.out.emit(&json!({"from": enc, "text": out}), &[]),
                _ => ctx.out.text(&out),
            }
        }
    }
}
