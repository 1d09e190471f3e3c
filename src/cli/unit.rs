//! `baocao unit …`

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::context::Ctx;
use crate::error::{Msg, Result};
use crate::fields;
use crate::ops::unit::{self, UnitChange, UnitInput, UnitKind};
use crate::output::{Field, Format};

#[derive(Debug, Subcommand)]
pub enum UnitCmd {
    /// Add a unit.
    Add(AddArgs),
    /// Change a unit's name, kind, start date or note.
    Update {
        /// The unit's code.
        code: String,
        /// The new official name (Unicode; legacy TCVN3/VNI is converted).
        #[arg(long)]
        name: Option<String>,
        /// The new kind of unit.
        #[arg(long, value_enum)]
        kind: Option<UnitKind>,
        /// The new first day the unit exists (2026-07-01 or 01/07/2026).
        #[arg(long)]
        valid_from: Option<String>,
        /// A free-text note kept with the unit.
        #[arg(long)]
        note: Option<String>,
    },
    /// List units (active ones unless --all).
    List {
        /// Only units of this kind.
        #[arg(long, value_enum)]
        kind: Option<UnitKind>,
        /// Only units under this one (itself included).
        #[arg(long)]
        under: Option<String>,
        /// Include dissolved and merged units.
        #[arg(long)]
        all: bool,
    },
    /// Show one unit with its subordinates and lineage.
    Show {
        /// The unit's code.
        code: String,
    },
    /// Draw the hierarchy.
    Tree {
        /// Start from this unit (default: every top-level unit).
        code: Option<String>,
        /// Include dissolved and merged units.
        #[arg(long)]
        all: bool,
    },
    /// Move a unit under another parent.
    Move {
        /// The code of the unit to move (its subordinates move with it).
        code: String,
        /// The code of its new parent unit.
        #[arg(long)]
        parent: String,
    },
    /// Dissolve a unit (it stays in history; it must have no active subordinates).
    Dissolve {
        /// The code of the unit to dissolve.
        code: String,
        /// Last day of the unit (default: today).
        #[arg(long)]
        date: Option<String>,
        /// The decision that dissolves it (số quyết định).
        #[arg(long)]
        decision: Option<String>,
    },
    /// Merge units into one (existing, or created with --name/--kind), with lineage.
    Merge(MergeArgs),
    /// Create and update units from CSV (code,name,kind,parent[,valid_from]) or JSON.
    Import {
        /// The CSV or JSON file to read (a `unit export` file imports back).
        file: PathBuf,
        /// Report created / updated / unchanged / conflicts; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Write units in the import format (CSV by default, JSON with -o json).
    Export {
        /// Include dissolved and merged units (default: active ones only).
        #[arg(long)]
        all: bool,
    },
}

impl UnitCmd {
    pub fn verb(&self) -> &'static str {
        match self {
            UnitCmd::Add(_) => "add",
            UnitCmd::Update { .. } => "update",
            UnitCmd::List { .. } => "list",
            UnitCmd::Show { .. } => "show",
            UnitCmd::Tree { .. } => "tree",
            UnitCmd::Move { .. } => "move",
            UnitCmd::Dissolve { .. } => "dissolve",
            UnitCmd::Merge(_) => "merge",
            UnitCmd::Import { .. } => "import",
            UnitCmd::Export { .. } => "export",
        }
    }
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The unit code (mã định danh, e.g. 000.00.00.H99 or a commune code).
    #[arg(long)]
    pub code: String,
    /// The official name (Unicode; legacy TCVN3/VNI is converted).
    #[arg(long)]
    pub name: String,
    /// What kind of unit it is.
    #[arg(long, value_enum)]
    pub kind: UnitKind,
    /// The parent unit's code.
    #[arg(long)]
    pub parent: Option<String>,
    /// The first day the unit exists (2026-07-01 or 01/07/2026).
    #[arg(long)]
    pub valid_from: Option<String>,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Codes of the units being merged.
    #[arg(required = true)]
    pub sources: Vec<String>,
    /// Code of the successor unit.
    #[arg(long)]
    pub into: String,
    /// Name of the successor, when it is created by this merge.
    #[arg(long)]
    pub name: Option<String>,
    /// Kind of the successor, when it is created by this merge.
    #[arg(long, value_enum)]
    pub kind: Option<UnitKind>,
    /// The successor's parent unit, when it is created by this merge.
    #[arg(long)]
    pub parent: Option<String>,
    /// The first day the successor replaces the merged units.
    #[arg(long)]
    pub effective: String,
    /// The resolution or decision behind the merge.
    #[arg(long)]
    pub decision: Option<String>,
}

pub const UNIT_FIELDS: &[Field] = fields![
    ("code", "Mã", "Code"),
    ("name", "Tên đơn vị", "Name"),
    ("kind", "Loại", "Kind"),
    ("parent", "Đơn vị cấp trên", "Parent"),
    ("status", "Trạng thái", "Status"),
    ("valid_from", "Từ ngày", "Valid from"),
    ("valid_to", "Đến ngày", "Valid to"),
    ("successor", "Đơn vị kế thừa", "Successor"),
    ("note", "Ghi chú", "Note"),
];

const IMPORT_FIELDS: &[Field] = fields![
    ("dry_run", "Chạy thử", "Dry run"),
    ("created", "Tạo mới", "Created"),
    ("updated", "Cập nhật", "Updated"),
    ("unchanged", "Không đổi", "Unchanged"),
    ("conflicts", "Xung đột", "Conflicts"),
];

pub fn run(ctx: &Ctx, cmd: UnitCmd) -> Result<()> {
    match cmd {
        UnitCmd::Add(a) => {
            let input = UnitInput {
                code: a.code,
                name: a.name,
                kind: a.kind.as_str().into(),
                parent: a.parent,
                valid_from: a.valid_from,
            };
            let u = ctx.write(|tx, actor, rec| unit::add(tx, actor, rec, &input))?;
            ctx.out.note(Msg::new(
                format!("Đã thêm đơn vị {} — {}", u.code, u.name),
                format!("Added unit {} — {}", u.code, u.name),
            ));
            ctx.out.emit(&serde_json::to_value(&u)?, UNIT_FIELDS)
        }
        UnitCmd::Update {
            code,
            name,
            kind,
            valid_from,
            note,
        } => {
            let ch = UnitChange {
                name,
                kind,
                valid_from: valid_from
                    .as_deref()
                    .map(super::parse_date_arg)
                    .transpose()?,
                note,
            };
            let u = ctx.write(|tx, actor, rec| unit::update(tx, actor, rec, &code, &ch))?;
            ctx.out.emit(&serde_json::to_value(&u)?, UNIT_FIELDS)
        }
        UnitCmd::List { kind, under, all } => {
            let list = ctx.read(|tx, _| unit::list(tx, kind, under.as_deref(), all))?;
            ctx.out.emit(&serde_json::to_value(list)?, UNIT_FIELDS)
        }
        UnitCmd::Show { code } => {
            let v = ctx.read(|tx, _| unit::show(tx, &code))?;
            ctx.out.emit(&v, UNIT_FIELDS)
        }
        UnitCmd::Tree { code, all } => {
            let nodes = ctx.read(|tx, _| unit::tree(tx, code.as_deref(), all))?;
            if ctx.out.format == Format::Table {
                ctx.out.text(&unit::draw(&nodes, ctx.lang()))
            } else {
                ctx.out.emit(&serde_json::to_value(nodes)?, &[])
            }
        }
        UnitCmd::Move { code, parent } => {
            let u = ctx.write(|tx, actor, rec| unit::move_to(tx, actor, rec, &code, &parent))?;
            ctx.out.emit(&serde_json::to_value(&u)?, UNIT_FIELDS)
        }
        UnitCmd::Dissolve {
            code,
            date,
            decision,
        } => {
            let date = match date {
                Some(d) => super::parse_date_arg(&d)?,
                None => ctx.clock.today(),
            };
            let u = ctx.write(|tx, actor, rec| {
                unit::dissolve(tx, actor, rec, &code, date, decision.as_deref())
            })?;
            ctx.out.emit(&serde_json::to_value(&u)?, UNIT_FIELDS)
        }
        UnitCmd::Merge(a) => {
            let effective = super::parse_date_arg(&a.effective)?;
            let into = UnitInput {
                code: a.into.clone(),
                name: a.name.clone().unwrap_or_default(),
                kind: a
                    .kind
                    .map(|k| k.as_str().to_string())
                    .unwrap_or_else(|| "commune".into()),
                parent: a.parent.clone(),
                valid_from: None,
            };
            let out = ctx.write(|tx, actor, rec| {
                if !unit::exists(tx, &a.into)? && a.name.is_none() {
                    let c = a.into.trim();
                    return Err(crate::err!(
                        NotFound,
                        "Chưa có đơn vị {c}; cần --name (và --kind) để tạo đơn vị kế thừa",
                        "Unit {c} does not exist; give --name (and --kind) to create the successor"
                    ));
                }
                unit::merge(
                    tx,
                    actor,
                    rec,
                    &a.sources,
                    &into,
                    effective,
                    a.decision.as_deref(),
                )
            })?;
            ctx.out.emit(
                &serde_json::to_value(&out)?,
                fields![
                    ("merged", "Đã sáp nhập", "Merged"),
                    ("into", "Vào", "Into"),
                    (
                        "moved_children",
                        "Đơn vị trực thuộc chuyển theo",
                        "Subordinates moved"
                    ),
                    ("effective", "Hiệu lực", "Effective")
                ],
            )
        }
        UnitCmd::Import { file, dry_run } => {
            let rows = unit::read_file(&file)?;
            let lang = ctx.lang();
            let report =
                ctx.write(|tx, actor, rec| unit::import(tx, actor, rec, &rows, dry_run, lang))?;
            if !report.conflicts.is_empty() {
                for c in &report.conflicts {
                    ctx.out.warn(c.line_msg());
                }
            }
            ctx.out
                .emit(&serde_json::to_value(&report)?, IMPORT_FIELDS)?;
            unit::dry_run_verdict(report.dry_run, report.conflicts.len())
        }
        UnitCmd::Export { all } => {
            let rows = ctx.read(|tx, _| unit::export_rows(tx, all))?;
            let f: &[Field] = fields![
                ("code", "code", "code"),
                ("name", "name", "name"),
                ("kind", "kind", "kind"),
                ("parent", "parent", "parent"),
                ("valid_from", "valid_from", "valid_from")
            ];
            if ctx.out.format == Format::Table {
                // The export format is CSV unless JSON is asked for: a table cannot be re-imported.
                crate::output::Output {
                    format: Format::Csv,
                    lang: ctx.lang(),
                    quiet: ctx.out.quiet,
                }
                .emit(&serde_json::Value::Array(rows), f)
            } else {
                ctx.out.emit(&serde_json::Value::Array(rows), f)
            }
        }
    }
}
