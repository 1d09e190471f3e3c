//! Reads the table body: one entry per indicator row, from the first row under the
//! head to the signature block, skipping spacer rows and keeping bare `Trong đó:` /
//! `Chia ra:` labels aside.

use crate::form::model::Relation;

use super::error::Diagnostic;
use super::grid::{a1, Grid, MAX_ROWS};
use super::levels::{bullet_in_name, classify, SttContext, SttKind};
use super::table::Table;
use super::words::{fold, is_not_applicable, is_split_label, is_table_end, of_which_prefix};

/// This many blank rows in a row end the table.
const MAX_SPACER_RUN: u32 = 3;

/// A data cell of a row.
#[derive(Debug, Clone, Default)]
pub struct DataCell {
    pub text: String,
    pub formula: Option<String>,
}

impl DataCell {
    pub fn is_not_applicable(&self) -> bool {
        self.formula.is_none() && is_not_applicable(&self.text)
    }

    pub fn has_value(&self) -> bool {
        self.formula.is_some() || (!self.text.is_empty() && !self.is_not_applicable())
    }
}

/// A row of the table body as read.
#[derive(Debug, Clone)]
pub struct BodyRow {
    pub sheet_row: u32,
    pub stt: Option<String>,
    /// The name cell as printed.
    pub label: String,
    pub name: String,
    pub unit: Option<String>,
    pub code: Option<String>,
    pub indent: u8,
    pub kind: SttKind,
    pub of_which: bool,
    /// The bare label row right above, and the relation it announces.
    pub label_above: Option<(String, Relation)>,
    /// One per data column, in table order.
    pub cells: Vec<DataCell>,
}

/// The body of the table.
#[derive(Debug)]
pub struct Body {
    pub rows: Vec<BodyRow>,
    /// First sheet row after the table (where the footer starts).
    pub end_row: u32,
}

fn opt(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}

/// Reads the body rows of `table`.
pub fn read_body(grid: &Grid, table: &Table, warnings: &mut Vec<Diagnostic>) -> Body {
    let sheet = grid.sheet.as_str();
    let name_col = table.name_col().unwrap_or(table.left);
    let stt_col = table.info_col(super::words::InfoKind::Stt);
    let unit_col = table.info_col(super::words::InfoKind::Unit);
    let code_col = table.info_col(super::words::InfoKind::Code);
    let data_cols: Vec<u32> = table.data_columns().map(|c| c.col).collect();
    let mut ctx = SttContext::default();
    let mut rows: Vec<BodyRow> = Vec::new();
    let mut pending_label: Option<(String, Relation, u32)> = None;
    let mut blank_run = 0;
    let mut end_row = grid.max_row + 1;
    let last = grid.max_row.min(MAX_ROWS - 1);
    let mut r = table.first_data_row;
    while r <= last {
        let in_table = |c: u32| c >= table.left && c <= table.right;
        let cells = grid.row_cells(r);
        if cells
            .iter()
            .all(|(c, cell)| !in_table(*c) || (cell.text.is_empty() && cell.formula.is_none()))
        {
            if !cells.is_empty() && cells.iter().any(|(_, c)| is_table_end(&c.text)) {
                end_row = r;
                break;
            }
            blank_run += 1;
            if blank_run >= MAX_SPACER_RUN && !rows.is_empty() {
                end_row = r + 1 - blank_run;
                break;
            }
            r += 1;
            continue;
        }
        blank_run = 0;
        let shown_here = |c: u32| {
            let owner = grid.owner(r, c);
            if owner.0 == r {
                grid.text(owner.0, owner.1)
            } else {
                ""
            }
        };
        let name_owner = grid.owner(r, name_col);
        let label = shown_here(name_col).to_string();
        let stt = stt_col
            .filter(|&c| grid.owner(r, c) != name_owner)
            .map(|c| shown_here(c).to_string())
            .unwrap_or_default();
        let data: Vec<DataCell> = data_cols
            .iter()
            .map(|&c| DataCell {
                text: grid.text(r, c).to_string(),
                formula: grid.formula(r, c).map(str::to_string),
            })
            .collect();
        let has_data = data.iter().any(DataCell::has_value);
        // Signature lines often sit over data columns, so only formulas and an STT
        // keep a row that reads like the signature block inside the table.
        let has_formula = cells.iter().any(|(_, c)| c.formula.is_some());
        if stt.is_empty() && !has_formula && cells.iter().any(|(_, c)| is_table_end(&c.text)) {
            end_row = r;
            break;
        }
        if label.is_empty() {
            if !stt.is_empty() || has_data {
                warnings.push(Diagnostic::new(
                    sheet,
                    Some(a1(r, name_col)),
                    format!("dòng {} không có tên chỉ tiêu: bỏ qua", r + 1),
                    format!("row {} has no indicator name: skipped", r + 1),
                ));
            }
            r += 1;
            continue;
        }
        let mut name = label.clone();
        let mut of_which = false;
        if let Some(rest) = of_which_prefix(&label) {
            if rest.is_empty() && stt.is_empty() && !has_data {
                pending_label = Some((label.clone(), Relation::OfWhich, r));
                r += 1;
                continue;
            }
            if !rest.is_empty() {
                name = rest;
                of_which = true;
            }
        } else if is_split_label(&label) && stt.is_empty() && !has_data {
            pending_label = Some((label.clone(), Relation::PartOfTotal, r));
            r += 1;
            continue;
        }
        let mut kind = classify(&stt, &mut ctx);
        if kind == SttKind::Blank && !of_which {
            if let Some((bullet, rest)) = bullet_in_name(&name) {
                kind = classify(&bullet, &mut ctx);
                name = rest;
            } else if is_total_name(&name, rows.is_empty()) {
                kind = SttKind::Total;
            }
        }
        let unit = unit_col.map(&shown_here).and_then(opt);
        let code = code_col.map(&shown_here).and_then(opt);
        rows.push(BodyRow {
            sheet_row: r,
            stt: opt(&stt),
            label,
            name,
            unit,
            code,
            indent: grid.indent(name_owner.0, name_owner.1),
            kind,
            of_which,
            label_above: pending_label.take().map(|(text, rel, _)| (text, rel)),
            cells: data,
        });
        r += 1;
    }
    // Footer offsets count from right under the last row, spacer rows included,
    // so a redrawn form keeps its gap before the signature block.
    if let Some(last) = rows.last() {
        end_row = end_row.min(last.sheet_row + 1);
    }
    if let Some((text, _, at)) = pending_label {
        warnings.push(Diagnostic::new(
            sheet,
            Some(a1(at, name_col)),
            format!("nhãn «{text}» ở cuối bảng không đứng trước dòng nào: bỏ qua"),
            format!("label «{text}» at the end of the table precedes no row: dropped"),
        ));
    }
    Body { rows, end_row }
}

/// `TỔNG SỐ`, `Tổng cộng`, `Cộng`, or on the first row `TỔNG THU ...`,
/// `Toàn tỉnh`: a total row without STT. A later `Tổng vốn đầu tư` is an
/// ordinary indicator.
fn is_total_name(name: &str, first: bool) -> bool {
    let f = fold(name);
    let f = f.trim_end_matches([':', '.', ' ']);
    if matches!(f, "tong so" | "tong cong" | "cong" | "tong")
        || f.starts_with("tong so ")
        || f.starts_with("tong cong ")
    {
        return true;
    }
    first
        && ["tong ", "toan tinh", "toan huyen", "toan xa", "ca nuoc"]
            .iter()
            .any(|p| f.starts_with(p))
}
