//! Turns what was read (head, body, blocks) into a [`FormDef`]: keys, the row tree,
//! computed rows and columns from the formulas in cells, roles, relations, `x`
//! cells and the layout.

use std::collections::HashMap;

use crate::form::formula::{split_a1, Expr};
use crate::form::model::{
    CellPos, CellRef, Column, ColumnRole, FormDef, LabelRow, Layout, LineRole, Relation, Row,
    RowRole, Span, TableColumn, TableColumnKind, ValueType,
};

use super::blocks;
use super::error::Diagnostic;
use super::excel;
use super::grid::{a1, column_index, Grid};
use super::levels::{place, LevelInput, SttKind};
use super::rows::Body;
use super::table::{ColKind, Table};
use super::words::{mostly_upper, InfoKind};

/// Builds the form; `code` is the caller's form code.
pub fn build_form(
    grid: &Grid,
    table: &Table,
    body: &Body,
    code: &str,
    warnings: &mut Vec<Diagnostic>,
) -> Result<FormDef, Diagnostic> {
    let sheet = grid.sheet.as_str();
    if body.rows.is_empty() {
        return Err(Diagnostic::new(
            sheet,
            Some(format!("{}", table.first_data_row + 1)),
            "không có dòng chỉ tiêu nào dưới phần tiêu đề bảng",
            "no indicator row under the table header",
        ));
    }
    let mut columns: Vec<Column> = table
        .data_columns()
        .enumerate()
        .map(|(i, c)| Column {
            key: if c.number.chars().all(|ch| ch.is_ascii_digit()) {
                format!("c{}", c.number)
            } else {
                format!("c{}", i + 1)
            },
            number: c.number.clone(),
            header: c.header.clone(),
            value_type: if c.text {
                ValueType::Text
            } else if c.percent {
                ValueType::Percent
            } else {
                ValueType::Decimal
            },
            role: if c.formula.is_some() {
                ColumnRole::Computed
            } else {
                ColumnRole::Input
            },
            formula: c.formula.clone(),
        })
        .collect();
    let data_sheet_cols: Vec<u32> = table.data_columns().map(|c| c.col).collect();

    let unit_column = table.info_col(InfoKind::Unit).is_some();
    let inputs: Vec<LevelInput> = body
        .rows
        .iter()
        .map(|r| LevelInput {
            kind: r.kind,
            indent: r.indent,
            of_which: r.of_which,
            has_unit: r.unit.is_some(),
            after_label: r.label_above.as_ref().map(|(_, rel)| *rel),
        })
        .collect();
    let placements = place(&inputs, unit_column);
    let keys: Vec<String> = (1..=body.rows.len()).map(|i| format!("r{i}")).collect();
    let index_of_sheet_row: HashMap<u32, usize> = body
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.sheet_row, i))
        .collect();

    // Formulas in cells: same column → the row is computed over other rows; same
    // row → the column is computed over other columns.
    let mut row_formulas: Vec<Option<String>> = vec![None; body.rows.len()];
    let mut partial: std::collections::BTreeMap<Vec<String>, Vec<u32>> = Default::default();
    let mut column_candidates: Vec<Vec<String>> = vec![Vec::new(); columns.len()];
    for (i, row) in body.rows.iter().enumerate() {
        let mut candidates: Vec<(usize, String)> = Vec::new();
        for (j, cell) in row.cells.iter().enumerate() {
            let Some(text) = &cell.formula else { continue };
            if columns[j].formula.is_some() {
                continue;
            }
            let at = a1(row.sheet_row, data_sheet_cols[j]);
            let expr = match excel::parse(text) {
                Ok(e) => e,
                Err(reason) => {
                    warnings.push(Diagnostic::new(
                        sheet,
                        Some(at),
                        format!("không hiểu công thức ={text} ({reason}): coi là ô nhập liệu"),
                        format!(
                            "formula ={text} not understood ({reason}): treated as an input cell"
                        ),
                    ));
                    continue;
                }
            };
            let cells: Vec<(u32, u32)> = expr
                .references()
                .iter()
                .filter_map(|r| {
                    split_a1(r).and_then(|(l, n)| Some((n.checked_sub(1)?, column_index(&l)?)))
                })
                .collect();
            let this = (row.sheet_row, data_sheet_cols[j]);
            if !cells.is_empty() && cells.iter().all(|&(r, c)| c == this.1 && r != this.0) {
                match row_formula(&expr, &index_of_sheet_row, &keys, grid) {
                    Ok(f) => candidates.push((j, f)),
                    Err(bad) => warnings.push(Diagnostic::new(
                        sheet,
                        Some(at),
                        format!(
                            "công thức ={text} tham chiếu ô {bad} ngoài các dòng chỉ tiêu: bỏ qua"
                        ),
                        format!(
                            "formula ={text} refers to {bad}, outside the indicator rows: ignored"
                        ),
                    )),
                }
            } else if !cells.is_empty() && cells.iter().all(|&(r, c)| r == this.0 && c != this.1) {
                let mapped = expr.map_refs(&mut |r| {
                    let (_, col) = split_a1(r).and_then(|(l, n)| Some((n, column_index(&l)?)))?;
                    let k = data_sheet_cols.iter().position(|&c| c == col)?;
                    Some(columns[k].number.clone())
                });
                if let Some(m) = mapped {
                    column_candidates[j].push(m.to_string());
                }
            } else {
                warnings.push(Diagnostic::new(
                    sheet,
                    Some(at),
                    format!("công thức ={text} trộn nhiều dòng và cột: bỏ qua"),
                    format!("formula ={text} mixes rows and columns: ignored"),
                ));
            }
        }
        row_formulas[i] = choose_row_formula(sheet, row.sheet_row, &candidates, warnings);
        if let Some(missing) = row_formulas[i]
            .as_ref()
            .and_then(|_| uncovered(&candidates, &columns, row))
        {
            partial.entry(missing).or_default().push(row.sheet_row);
        }
    }
    // One warning per set of uncovered columns, not one per row: a template that
    // sums only its first column would otherwise bury everything else.
    for (missing, sheet_rows) in partial {
        let shown: Vec<String> = sheet_rows
            .iter()
            .take(8)
            .map(|r| (r + 1).to_string())
            .collect();
        let rows_text = if sheet_rows.len() > shown.len() {
            format!("{}, … ({})", shown.join(", "), sheet_rows.len())
        } else {
            shown.join(", ")
        };
        warnings.push(Diagnostic::new(
            sheet,
            Some(rows_text),
            format!(
                "dòng tính theo công thức ở các cột khác nhưng cột {} không có công thức",
                missing.join(", ")
            ),
            format!(
                "rows computed by formulas in other columns, but column(s) {} hold no formula",
                missing.join(", ")
            ),
        ));
    }
    for (j, found) in column_candidates.into_iter().enumerate() {
        let Some(first) = found.first() else { continue };
        if found.iter().all(|f| f == first) {
            warnings.push(Diagnostic::new(
                sheet,
                Some(super::grid::column_letters(data_sheet_cols[j])),
                format!("cột '{}' lấy công thức {first} từ các ô", columns[j].number),
                format!(
                    "column '{}' takes its formula {first} from its cells",
                    columns[j].number
                ),
            ));
            if first.ends_with("*100") {
                columns[j].value_type = ValueType::Percent;
            }
            columns[j].formula = Some(first.clone());
            columns[j].role = ColumnRole::Computed;
        } else {
            warnings.push(Diagnostic::new(
                sheet,
                Some(super::grid::column_letters(data_sheet_cols[j])),
                "các ô trong cột có công thức khác nhau: cột vẫn là cột nhập liệu",
                "cells of the column hold different formulas: the column stays an input column",
            ));
        }
    }

    let mut children: Vec<Vec<usize>> = vec![Vec::new(); body.rows.len()];
    for (i, p) in placements.iter().enumerate() {
        if let Some(parent) = p.parent {
            children[parent].push(i);
        }
    }
    let roles: Vec<RowRole> = body
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let bare = !r
                .cells
                .iter()
                .any(|c| c.has_value() || c.is_not_applicable());
            let heading_look = if unit_column {
                r.unit.is_none()
            } else {
                matches!(r.kind, SttKind::Upper | SttKind::Roman) || mostly_upper(&r.name)
            };
            if row_formulas[i].is_some() {
                RowRole::Computed
            } else if !children[i].is_empty() && bare && heading_look {
                RowRole::Heading
            } else {
                RowRole::Input
            }
        })
        .collect();
    let sums: Vec<Option<Vec<String>>> = row_formulas
        .iter()
        .map(|f| {
            f.as_deref()
                .and_then(|f| crate::form::formula::parse_rows(f).ok())
                .and_then(|e| {
                    e.sum_terms()
                        .map(|t| t.into_iter().map(str::to_string).collect())
                })
        })
        .collect();
    let mut rows = Vec::with_capacity(body.rows.len());
    for (i, r) in body.rows.iter().enumerate() {
        let p = &placements[i];
        let relation = p.parent.and_then(|parent| {
            if let Some(rel) = p.group_relation {
                return Some(rel);
            }
            if r.of_which {
                return Some(Relation::OfWhich);
            }
            if let Some(terms) = &sums[parent] {
                let child_keys: Vec<&String> = children[parent].iter().map(|&c| &keys[c]).collect();
                if terms.contains(&keys[i]) && terms.iter().all(|t| child_keys.contains(&t)) {
                    return Some(Relation::PartOfTotal);
                }
            }
            if roles[parent] == RowRole::Heading {
                return None;
            }
            (body.rows[parent].unit.is_some() && body.rows[parent].unit == r.unit)
                .then_some(Relation::OfWhich)
        });
        rows.push(Row {
            key: keys[i].clone(),
            stt: r.stt.clone(),
            code: r.code.clone(),
            name: r.name.clone(),
            label: Some(r.label.clone()),
            unit: r.unit.clone(),
            level: p.level.max(1),
            parent: p.parent.map(|j| keys[j].clone()),
            role: roles[i],
            relation,
            formula: row_formulas[i].clone(),
            indicator: None,
        });
    }
    let mut not_applicable = Vec::new();
    for (i, r) in body.rows.iter().enumerate() {
        for (j, cell) in r.cells.iter().enumerate() {
            if cell.is_not_applicable() {
                not_applicable.push(CellRef {
                    row: keys[i].clone(),
                    column: columns[j].key.clone(),
                });
            }
        }
    }
    let layout = build_layout(grid, table, body, &columns, &keys);
    let title = match layout.line(LineRole::Title) {
        Some(t) => t.to_string(),
        None => {
            warnings.push(Diagnostic::new(
                sheet,
                None,
                "không thấy tên biểu phía trên bảng: lấy tên trang tính",
                "no title found above the table: using the sheet name",
            ));
            sheet.to_string()
        }
    };
    let form_no = layout.line(LineRole::FormNo).map(str::to_string);
    if form_no.is_none() {
        warnings.push(Diagnostic::new(
            sheet,
            None,
            "không thấy số hiệu biểu (\"Biểu số ...\")",
            "no form number (\"Biểu số ...\") found",
        ));
    }
    let kind = FormDef::kind_from_columns(&columns);
    Ok(FormDef {
        schema: None,
        code: code.to_string(),
        version: 0,
        form_no,
        title,
        kind,
        columns,
        rows,
        not_applicable,
        layout,
    })
}

/// A same-column formula as a formula over row keys. A sum may include blank
/// spacer rows (dropped); any other reference outside the body is an error naming it.
fn row_formula(
    expr: &Expr,
    rows: &HashMap<u32, usize>,
    keys: &[String],
    grid: &Grid,
) -> Result<String, String> {
    let key_of = |r: &str| -> Result<Option<String>, String> {
        let (_, n) = split_a1(r).ok_or_else(|| r.to_string())?;
        let sheet_row = n.checked_sub(1).ok_or_else(|| r.to_string())?;
        match rows.get(&sheet_row) {
            Some(&i) => Ok(Some(keys[i].clone())),
            None if grid.row_cells(sheet_row).is_empty() => Ok(None),
            None => Err(r.to_string()),
        }
    };
    if let Some(terms) = expr.sum_terms() {
        let mut kept = Vec::new();
        for t in terms {
            if let Some(k) = key_of(t)? {
                kept.push(k);
            }
        }
        if kept.is_empty() {
            return Err(expr.to_string());
        }
        return Ok(kept.join("+"));
    }
    let mut failed = None;
    let mapped = expr.map_refs(&mut |r| match key_of(r) {
        Ok(Some(k)) => Some(k),
        Ok(None) | Err(_) => {
            failed = Some(r.to_string());
            None
        }
    });
    mapped
        .map(|e| e.to_string())
        .ok_or_else(|| failed.unwrap_or_default())
}

/// The row's formula when its cells agree (or by majority, with a warning).
fn choose_row_formula(
    sheet: &str,
    sheet_row: u32,
    candidates: &[(usize, String)],
    warnings: &mut Vec<Diagnostic>,
) -> Option<String> {
    let mut counts: Vec<(&String, usize)> = Vec::new();
    for (_, f) in candidates {
        match counts.iter_mut().find(|(g, _)| *g == f) {
            Some((_, n)) => *n += 1,
            None => counts.push((f, 1)),
        }
    }
    let (best, _) = counts.iter().max_by_key(|(_, n)| *n)?;
    if counts.len() > 1 {
        warnings.push(Diagnostic::new(
            sheet,
            Some(format!("{}", sheet_row + 1)),
            format!("các ô của dòng có công thức khác nhau: dùng {best}"),
            format!("cells of the row hold different formulas: using {best}"),
        ));
    }
    Some((*best).clone())
}

/// Numeric input columns of a computed row whose cells hold no formula.
fn uncovered(
    candidates: &[(usize, String)],
    columns: &[Column],
    row: &super::rows::BodyRow,
) -> Option<Vec<String>> {
    let missing: Vec<String> = columns
        .iter()
        .enumerate()
        .filter(|(j, c)| {
            c.formula.is_none()
                && c.value_type.is_numeric()
                && !candidates.iter().any(|(k, _)| k == j)
                && !row.cells[*j].is_not_applicable()
        })
        .map(|(_, c)| c.number.clone())
        .collect();
    (!missing.is_empty()).then_some(missing)
}

fn build_layout(
    grid: &Grid,
    table: &Table,
    body: &Body,
    columns: &[Column],
    keys: &[String],
) -> Layout {
    let mut data = columns.iter();
    let table_columns = table
        .columns
        .iter()
        .map(|c| {
            let kind = match c.kind {
                ColKind::Info(InfoKind::Stt) => TableColumnKind::Stt,
                ColKind::Info(InfoKind::Name) => TableColumnKind::Name,
                ColKind::Info(InfoKind::Unit) => TableColumnKind::Unit,
                ColKind::Info(InfoKind::Code) => TableColumnKind::Code,
                ColKind::Other => TableColumnKind::Other,
                ColKind::Data => TableColumnKind::Data,
            };
            let is_data = kind == TableColumnKind::Data;
            TableColumn {
                kind,
                key: if is_data {
                    data.next().map(|d| d.key.clone())
                } else {
                    None
                },
                header: if is_data {
                    Vec::new()
                } else {
                    c.header.clone()
                },
                label: if is_data { None } else { c.label.clone() },
                width: Some(kind.default_width()),
            }
        })
        .collect();
    let head_bottom = table.first_data_row - 1;
    let header_merges = grid
        .merges()
        .iter()
        .filter(|m| {
            m.first_row >= table.header_top
                && m.last_row <= head_bottom
                && m.first_col >= table.left
                && m.last_col <= table.right
        })
        .map(|m| Span {
            first_row: m.first_row - table.header_top,
            first_col: (m.first_col - table.left) as u16,
            last_row: m.last_row - table.header_top,
            last_col: (m.last_col - table.left) as u16,
        })
        .collect();
    let label_rows = body
        .rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            r.label_above.as_ref().map(|(text, _)| LabelRow {
                before: keys[i].clone(),
                text: text.clone(),
            })
        })
        .collect();
    Layout {
        sheet_name: Some(grid.sheet.clone()),
        origin: Some(CellPos {
            row: table.header_top,
            col: table.left as u16,
        }),
        title_lines: blocks::title_lines(grid, table.header_top, table.left),
        table_columns,
        header_rows: table.header_rows.min(u8::MAX as u32) as u8,
        number_row: table.number_row.is_some(),
        header_merges,
        label_rows,
        footer_lines: blocks::footer_lines(grid, body.end_row, table.left),
    }
}
