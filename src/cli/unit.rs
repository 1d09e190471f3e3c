//! `baocao unit …`

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::context::Ctx;
use crate::domain::unit_kind::UnitKind;
use crate::error::{Lang, Msg, Result};
use crate::fields;
use crate::ops::unit::{self, Conflict, TreeNode, UnitChange, UnitInput};
use crate::output::{Field, Format};
use serde_json::Value;

#[derive(Debug, Subcommand)]
pub enum UnitCmd {
    /// Add a unit.
    Add(AddArgs),
    /// Change a unit's name, kind, start date or note.
    Update(UpdateArgs),
    /// List units (active ones unless --all).
    List(ListArgs),
    /// Show one unit with its subordinates and lineage.
    Show(ShowArgs),
    /// Draw the hierarchy.
    Tree(TreeArgs),
    /// Move a unit under another parent.
    Move(MoveArgs),
    /// Dissolve a unit (it stays in history; it must have no active subordinates).
    Dissolve(DissolveArgs),
    /// Merge units into one (existing, or created with --name/--kind), with lineage.
    Merge(MergeArgs),
    /// Create and update units from CSV (code,name,kind,parent[,valid_from]) or JSON.
    Import(ImportArgs),
    /// Write units in the import format (CSV by default, JSON with -o json).
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The unit's code.
    pub code: String,
    /// The new official name (Unicode; legacy TCVN3/VNI is converted).
    #[arg(long)]
    pub name: Option<String>,
    /// The new kind of unit.
    #[arg(long, value_enum)]
    pub kind: Option<UnitKind>,
    /// The new first day the unit exists (2026-07-01 or 01/07/2026).
    #[arg(long)]
    pub valid_from: Option<String>,
    /// A free-text note kept with the unit.
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only units of this kind.
    #[arg(long, value_enum)]
    pub kind: Option<UnitKind>,
    /// Only units under this one (itself included).
    #[arg(long)]
    pub under: Option<String>,
    /// Include dissolved and merged units.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The unit's code.
    pub code: String,
}

#[derive(Debug, Args)]
pub struct TreeArgs {
    /// Start from this unit (default: every top-level unit).
    pub code: Option<String>,
    /// Include dissolved and merged units.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct MoveArgs {
    /// The code of the unit to move (its subordinates move with it).
    pub code: String,
    /// The code of its new parent unit.
    #[arg(long)]
    pub parent: String,
}

#[derive(Debug, Args)]
pub struct DissolveArgs {
    /// The code of the unit to dissolve.
    pub code: String,
    /// Last day of the unit (default: today).
    #[arg(long)]
    pub date: Option<String>,
    /// The decision that dissolves it (số quyết định).
    #[arg(long)]
    pub decision: Option<String>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV or JSON file to read (a `unit export` file imports back).
    pub file: PathBuf,
    /// Report created / updated / unchanged / conflicts; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Include dissolved and merged units (default: active ones only).
    #[arg(long)]
    pub all: bool,
}

impl UnitCmd {
    pub fn verb(&self) -> &'static str {
        match self {
            UnitCmd::Add(_) => "add",
            UnitCmd::Update(_) => "update",
            UnitCmd::List(_) => "list",
            UnitCmd::Show(_) => "show",
            UnitCmd::Tree(_) => "tree",
            UnitCmd::Move(_) => "move",
            UnitCmd::Dissolve(_) => "dissolve",
            UnitCmd::Merge(_) => "merge",
            UnitCmd::Import(_) => "import",
            UnitCmd::Export(_) => "export",
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
        UnitCmd::Update(a) => {
            let ch = UnitChange {
                name: a.name,
                kind: a.kind,
                valid_from: a
                    .valid_from
                    .as_deref()
                    .map(super::parse_date_arg)
                    .transpose()?,
                note: a.note,
            };
            let u = ctx.write(|tx, actor, rec| unit::update(tx, actor, rec, &a.code, &ch))?;
            ctx.out.emit(&serde_json::to_value(&u)?, UNIT_FIELDS)
        }
        UnitCmd::List(a) => {
            let list = ctx.read(|tx, _| unit::list(tx, a.kind, a.under.as_deref(), a.all))?;
            ctx.out.emit(&serde_json::to_value(list)?, UNIT_FIELDS)
        }
        UnitCmd::Show(a) => {
            let v = ctx.read(|tx, _| unit::show(tx, &a.code))?;
            ctx.out.emit(&serde_json::to_value(v)?, UNIT_FIELDS)
        }
        UnitCmd::Tree(a) => {
            let nodes = ctx.read(|tx, _| unit::tree(tx, a.code.as_deref(), a.all))?;
            match ctx.out.format {
                Format::Table => ctx.out.text(&draw(&nodes, ctx.lang())),
                // One row per unit with its parent and level: no JSON inside a cell.
                Format::Csv => ctx.out.emit(&Value::Array(flat_tree(&nodes)), TREE_FIELDS),
                Format::Json => ctx.out.emit(&serde_json::to_value(nodes)?, &[]),
            }
        }
        UnitCmd::Move(a) => {
            let u =
                ctx.write(|tx, actor, rec| unit::move_to(tx, actor, rec, &a.code, &a.parent))?;
            ctx.out.emit(&serde_json::to_value(&u)?, UNIT_FIELDS)
        }
        UnitCmd::Dissolve(a) => {
            let date = match a.date {
                Some(d) => super::parse_date_arg(&d)?,
                None => ctx.clock.today(),
            };
            let u = ctx.write(|tx, actor, rec| {
                unit::dissolve(tx, actor, rec, &a.code, date, a.decision.as_deref())
            })?;
            ctx.out.emit(&serde_json::to_value(&u)?, UNIT_FIELDS)
        }
        UnitCmd::Merge(a) => {
            let effective = super::parse_date_arg(&a.effective)?;
            let into = UnitInput {
                code: a.into.clone(),
                name: a.name.clone().unwrap_or_default(),
                kind: a.kind.unwrap_or(UnitKind::Commune).as_str().to_string(),
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
                    ("into", "Đơn vị sau sáp nhập", "Merged into"),
                    (
                        "moved_children",
                        "Đơn vị trực thuộc chuyển theo",
                        "Subordinates moved"
                    ),
                    ("effective", "Hiệu lực", "Effective")
                ],
            )
        }
        UnitCmd::Import(a) => {
            let rows = unit::read_file(&a.file)?;
            let mut report =
                ctx.write(|tx, actor, rec| unit::import(tx, actor, rec, &rows, a.dry_run))?;
            in_lang(&mut report.conflicts, ctx);
            for c in &report.conflicts {
                ctx.out.warn(c.line_msg());
            }
            ctx.out.emit(
                &serde_json::to_value(&report)?,
                crate::glossary::IMPORT_FIELDS,
            )?;
            unit::dry_run_verdict(report.dry_run, report.conflicts.len())
        }
        UnitCmd::Export(a) => {
            let rows = ctx.read(|tx, _| unit::export_rows(tx, a.all))?;
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
                    capture: ctx.out.capture.clone(),
                }
                .emit(&serde_json::to_value(&rows)?, f)
            } else {
                ctx.out.emit(&serde_json::to_value(&rows)?, f)
            }
        }
    }
}

/// An import's conflicts give their reason in the reader's language.
pub(super) fn in_lang(conflicts: &mut [Conflict], ctx: &Ctx) {
    for c in conflicts {
        c.reason = c.msg.get(ctx.lang()).to_string();
    }
}

/// Draws the tree with box-drawing characters, as `tree(1)` does.
const TREE_FIELDS: &[Field] = fields![
    ("code", "Mã", "Code"),
    ("name", "Tên", "Name"),
    ("kind", "Loại", "Kind"),
    ("status", "Trạng thái", "Status"),
    ("parent", "Đơn vị cấp trên", "Parent"),
    ("level", "Cấp", "Level")
];

/// The tree as rows, depth first: each unit with its parent's code and its level (1
/// for the top).
fn flat_tree(nodes: &[TreeNode]) -> Vec<Value> {
    fn walk(n: &TreeNode, parent: Option<&str>, level: usize, out: &mut Vec<Value>) {
        out.push(serde_json::json!({
            "code": n.code,
            "name": n.name,
            "kind": n.kind,
            "status": n.status,
            "parent": parent,
            "level": level,
        }));
        for c in &n.children {
            walk(c, Some(&n.code), level + 1, out);
        }
    }
    let mut out = Vec::new();
    for n in nodes {
        walk(n, None, 1, &mut out);
    }
    out
}

fn draw(nodes: &[TreeNode], lang: Lang) -> String {
    fn line(n: &TreeNode, prefix: &str, last: bool, top: bool, out: &mut String, lang: Lang) {
        let mark = match (n.status.as_str(), lang) {
            ("active", _) => String::new(),
            ("merged", Lang::Vi) => " [đã sáp nhập]".into(),
            ("dissolved", Lang::Vi) => " [đã giải thể]".into(),
            (s, _) => format!(" [{s}]"),
        };
        let branch = if top {
            ""
        } else if last {
            "└── "
        } else {
            "├── "
        };
        out.push_str(&format!("{prefix}{branch}{} ({}){mark}\n", n.name, n.code));
        let child_prefix = if top {
            prefix.to_string()
        } else {
            format!("{prefix}{}", if last { "    " } else { "│   " })
        };
        for (i, c) in n.children.iter().enumerate() {
            line(
                c,
                &child_prefix,
                i + 1 == n.children.len(),
                false,
                out,
                lang,
            );
        }
    }
    let mut out = String::new();
    for n in nodes {
        line(n, "", true, true, &mut out, lang);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_is_drawn_with_branches() {
        let leaf = |c: &str, status: &str| TreeNode {
            code: c.into(),
            name: format!("Xã {c}"),
            kind: "commune".into(),
            status: status.into(),
            children: vec![],
        };
        let root = TreeNode {
            code: "H99".into(),
            name: "UBND tỉnh".into(),
            kind: "province".into(),
            status: "active".into(),
            children: vec![leaf("A", "active"), leaf("B", "merged")],
        };
        assert_eq!(
            draw(std::slice::from_ref(&root), Lang::Vi),
            "UBND tỉnh (H99)\n├── Xã A (A)\n└── Xã B (B) [đã sáp nhập]\n"
        );
        assert_eq!(
            draw(&[root], Lang::En),
            "UBND tỉnh (H99)\n├── Xã A (A)\n└── Xã B (B) [merged]\n"
        );
    }
}
