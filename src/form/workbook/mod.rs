//! Draws a form on a worksheet as provinces print it: title block, merged headers,
//! the column-number row, indented rows, `x` cells, computed cells as live Excel
//! formulas carrying their results, A4 landscape with repeated header rows.
//!
//! The same drawing serves the blank template, the fill-in workbook (inputs
//! unlocked and validated, the rest protected) and the aggregated report; the
//! returned [`SheetLayout`] says which cell holds which (row, column) so a filled
//! workbook can be read back.

mod eval;
mod head;
mod style;

use std::collections::HashMap;
use std::path::Path;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    ColNum, DataValidation, DataValidationRule, Formula, RowNum, Workbook, Worksheet, XlsxError,
};
use serde::Serialize;

use super::model::{ColumnRole, FormDef, RowRole, TableColumnKind, ValueType};

use super::grid::Grid;
use eval::Values;
use head::resolve_columns;
use style::{number_format, Align, CellLook, Styles};

/// How far a stored layout may place the table from the sheet's top-left.
const MAX_OFFSET: i32 = 1_000;
const EXCEL_COLUMNS: usize = 16_384;

/// Values of input cells by (row key, column key).
pub type ValueLookup<'a> = &'a dyn Fn(&str, &str) -> Option<Decimal>;
/// Texts of text cells by (row key, column key).
pub type TextLookup<'a> = &'a dyn Fn(&str, &str) -> Option<String>;
/// Whether a (row key, column key) cell may be filled.
pub type CellFilter<'a> = &'a dyn Fn(&str, &str) -> bool;

/// How to draw a form.
#[derive(Default)]
pub struct SheetOptions<'a> {
    /// Replaces the text after `Đơn vị báo cáo:`.
    pub unit_name: Option<String>,
    /// Replaces the period line, e.g. `Tháng 11 năm 2026`.
    pub period_words: Option<String>,
    /// Values of input cells by (row key, column key); computed cells follow.
    pub values: Option<ValueLookup<'a>>,
    /// Texts of text columns by (row key, column key).
    pub texts: Option<TextLookup<'a>>,
    /// Fill-in workbook: input cells unlocked and validated by type, the sheet
    /// protected.
    pub unlock_inputs: bool,
    /// Which input cells this unit may fill (an assignment's subset); all by default.
    pub editable: Option<CellFilter<'a>>,
    /// Decimals of each row (by row key), from its indicator: every number of a row
    /// shows the same places. Rows left out show the most places their values have.
    pub row_decimals: Option<&'a HashMap<String, u32>>,
    /// Lines under the table, above the signatures (an aggregate's coverage).
    pub notes: Vec<String>,
}

/// What a data cell of a drawn form is: the grid's role.
pub use super::grid::CellRole;

/// A data cell of a drawn form, 0-based position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BoundCell {
    pub row: u32,
    pub col: u16,
    pub row_key: String,
    pub column_key: String,
    pub role: CellRole,
}

/// Where a form was drawn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SheetLayout {
    /// First header row and first table column (0-based).
    pub header_top: u32,
    pub left: u16,
    pub first_data_row: u32,
    pub last_data_row: u32,
    /// Sheet row of each form row.
    pub rows: Vec<(String, u32)>,
    /// Sheet column of each data column.
    pub columns: Vec<(String, u16)>,
    pub cells: Vec<BoundCell>,
}

impl SheetLayout {
    /// The cell of a (row key, column key).
    pub fn cell(&self, row_key: &str, column_key: &str) -> Option<&BoundCell> {
        self.cells
            .iter()
            .find(|c| c.row_key == row_key && c.column_key == column_key)
    }

    /// The data cell at a sheet position.
    pub fn at(&self, row: u32, col: u16) -> Option<&BoundCell> {
        self.cells.iter().find(|c| c.row == row && c.col == col)
    }
}

/// Draws `form` on `ws`.
pub fn write_form_sheet(
    ws: &mut Worksheet,
    form: &FormDef,
    opts: &SheetOptions,
) -> Result<SheetLayout, XlsxError> {
    let mut styles = Styles::default();
    // A formula without a result shows blank, not 0, where nothing recalculates.
    ws.set_formula_result_default("");
    let columns = resolve_columns(form);
    let depth = head::header_depth(form, &columns);
    let title = head::title_lines(form, opts, columns.len());
    let footer = head::footer_lines(form, columns.len());
    // Stored positions are clamped: a hostile document must not push the table
    // off the sheet or overflow the arithmetic below.
    let lowest_title = title
        .iter()
        .map(|l| l.row)
        .min()
        .unwrap_or(0)
        .clamp(-MAX_OFFSET, 0);
    let leftmost = title
        .iter()
        .chain(&footer)
        .map(|l| l.col)
        .min()
        .unwrap_or(0)
        .clamp(-MAX_OFFSET, 0);
    let origin = form.layout.origin.unwrap_or_default();
    let top = origin
        .row
        .min(MAX_OFFSET as u32)
        .max(lowest_title.unsigned_abs());
    let left = u32::from(origin.col)
        .min(MAX_OFFSET as u32)
        .max(leftmost.unsigned_abs()) as ColNum;
    if usize::from(left) + columns.len() > EXCEL_COLUMNS {
        return Err(XlsxError::RowColumnLimitError);
    }

    head::draw_lines(ws, &title, i64::from(top), i64::from(left))?;
    head::draw_header(ws, &mut styles, form, &columns, depth, top, left)?;
    let number_row = form.layout.number_row;
    let first_data_row = top + depth + u32::from(number_row);
    if number_row {
        head::draw_number_row(ws, &mut styles, form, &columns, top + depth, left)?;
    }

    // Positions first: row formulas may name rows further down.
    let mut row_at: Vec<u32> = Vec::with_capacity(form.rows.len());
    let mut labels_at: Vec<(u32, &str)> = Vec::new();
    let mut next = first_data_row;
    for row in &form.rows {
        for label in form
            .layout
            .label_rows
            .iter()
            .filter(|l| l.before == row.key)
        {
            labels_at.push((next, &label.text));
            next += 1;
        }
        row_at.push(next);
        next += 1;
    }
    let last_data_row = next.saturating_sub(1).max(first_data_row);
    let data_col: Vec<ColNum> = (0..form.columns.len())
        .map(|j| {
            let x = columns.iter().position(|c| c.data == Some(j)).unwrap_or(0);
            left + x as ColNum
        })
        .collect();

    for (r, text) in &labels_at {
        for (x, c) in columns.iter().enumerate() {
            let col = left + x as ColNum;
            if c.kind == TableColumnKind::Name {
                let look = CellLook {
                    italic: true,
                    ..CellLook::text()
                };
                ws.write_string_with_format(*r, col, *text, styles.cell(&look))?;
            } else {
                ws.write_blank(*r, col, styles.cell(&CellLook::text()))?;
            }
        }
    }

    let grid = Grid::new(form);
    let values = Values::compute(&grid, opts.values);
    let row_places: Vec<Option<u32>> = (0..form.rows.len())
        .map(|i| row_places(form, &grid, &values, opts.row_decimals, i))
        .collect();
    let mut cells = Vec::new();
    for (i, row) in form.rows.iter().enumerate() {
        let r = row_at[i];
        let strong = row.role != RowRole::Input || row.level <= 1;
        for (x, c) in columns.iter().enumerate() {
            let col = left + x as ColNum;
            let look = |align| CellLook {
                bold: strong,
                align,
                ..CellLook::text()
            };
            match c.kind {
                TableColumnKind::Stt => write_text(
                    ws,
                    &mut styles,
                    r,
                    col,
                    row.stt.as_deref(),
                    look(Align::Center),
                )?,
                TableColumnKind::Name => {
                    let text = row.label.as_deref().unwrap_or(&row.name);
                    let name_look = CellLook {
                        indent: row.level.saturating_sub(1),
                        ..look(Align::Left)
                    };
                    write_text(ws, &mut styles, r, col, Some(text), name_look)?
                }
                TableColumnKind::Unit => write_text(
                    ws,
                    &mut styles,
                    r,
                    col,
                    row.unit.as_deref(),
                    look(Align::Center),
                )?,
                TableColumnKind::Code => write_text(
                    ws,
                    &mut styles,
                    r,
                    col,
                    row.code.as_deref(),
                    look(Align::Center),
                )?,
                TableColumnKind::Other => {
                    write_text(ws, &mut styles, r, col, None, look(Align::Left))?
                }
                TableColumnKind::Data => {
                    let Some(j) = c.data else { continue };
                    let ctx = DataCtx {
                        form,
                        opts,
                        grid: &grid,
                        values: &values,
                        row_at: &row_at,
                        data_col: &data_col,
                        strong,
                        places: row_places[i],
                    };
                    let role = write_data_cell(ws, &mut styles, &ctx, i, j, r, col)?;
                    cells.push(BoundCell {
                        row: r,
                        col,
                        row_key: row.key.clone(),
                        column_key: form.columns[j].key.clone(),
                        role,
                    });
                }
            }
        }
    }

    let note_look = style::line_format(super::model::LineRole::Note, false);
    for (k, note) in opts.notes.iter().enumerate() {
        let r = last_data_row + 2 + k as u32;
        ws.write_string_with_format(r, left, note, &note_look)?;
    }
    let below = if opts.notes.is_empty() {
        0
    } else {
        opts.notes.len() as i64 + 1
    };
    head::draw_lines(
        ws,
        &footer,
        i64::from(last_data_row) + 1 + below,
        i64::from(left),
    )?;
    for (x, c) in columns.iter().enumerate() {
        ws.set_column_width(left + x as ColNum, c.width)?;
    }
    if opts.unlock_inputs {
        add_validations(ws, form, &data_col, first_data_row, last_data_row)?;
        ws.protect();
    }
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(top, first_data_row.saturating_sub(1).max(top))?;
    let first_data_col = data_col.iter().min().copied().unwrap_or(left);
    ws.set_freeze_panes(first_data_row, first_data_col)?;

    Ok(SheetLayout {
        header_top: top,
        left,
        first_data_row,
        last_data_row,
        rows: form
            .rows
            .iter()
            .zip(&row_at)
            .map(|(r, &at)| (r.key.clone(), at))
            .collect(),
        columns: form
            .columns
            .iter()
            .zip(&data_col)
            .map(|(c, &at)| (c.key.clone(), at))
            .collect(),
        cells,
    })
}

fn write_text(
    ws: &mut Worksheet,
    styles: &mut Styles,
    row: RowNum,
    col: ColNum,
    text: Option<&str>,
    look: CellLook,
) -> Result<(), XlsxError> {
    match text {
        Some(t) if !t.is_empty() => ws.write_string_with_format(row, col, t, styles.cell(&look))?,
        _ => ws.write_blank(row, col, styles.cell(&look))?,
    };
    Ok(())
}

struct DataCtx<'a> {
    form: &'a FormDef,
    opts: &'a SheetOptions<'a>,
    grid: &'a Grid<'a>,
    values: &'a Values,
    row_at: &'a [u32],
    data_col: &'a [ColNum],
    strong: bool,
    /// The row's decimal places, when it has numbers.
    places: Option<u32>,
}

/// The places every number of row `i` shows: its indicator's decimals, else the
/// most its typed values have (at most 6), so a column never mixes `687,361` with
/// `258,042.7` within one indicator.
fn row_places(
    form: &FormDef,
    grid: &Grid,
    values: &Values,
    decimals: Option<&HashMap<String, u32>>,
    i: usize,
) -> Option<u32> {
    if let Some(d) = decimals.and_then(|m| m.get(&form.rows[i].key)) {
        return Some((*d).min(6));
    }
    (0..form.columns.len())
        .filter(|&j| grid.is_input(i, j) && form.columns[j].value_type == ValueType::Decimal)
        .filter_map(|j| values.get(i, j))
        .map(|v| v.normalize().scale().min(6))
        .max()
}

fn write_data_cell(
    ws: &mut Worksheet,
    styles: &mut Styles,
    ctx: &DataCtx,
    i: usize,
    j: usize,
    r: RowNum,
    col: ColNum,
) -> Result<CellRole, XlsxError> {
    let form = ctx.form;
    let (row, column) = (&form.rows[i], &form.columns[j]);
    let role = ctx.grid.role(i, j);
    if role == CellRole::NotApplicable {
        let look = CellLook {
            bold: ctx.strong,
            ..CellLook::centered()
        };
        ws.write_string_with_format(r, col, "x", styles.cell(&look))?;
        return Ok(CellRole::NotApplicable);
    }
    let value = ctx.values.get(i, j);
    let mut look = CellLook {
        bold: ctx.strong,
        ..CellLook::number(number_format(column.value_type, value, ctx.places))
    };
    if role == CellRole::Heading {
        ws.write_blank(r, col, styles.cell(&look))?;
        return Ok(CellRole::Heading);
    }
    let excel = if let Some(expr) = ctx.grid.column_formula(j) {
        expr.to_excel(&|reference| {
            let k = form
                .columns
                .iter()
                .position(|c| Some(c) == form.column_by_ref(reference))?;
            Some(rust_xlsxwriter::utility::row_col_to_cell(
                r,
                ctx.data_col[k],
            ))
        })
        .ok()
        .map(|text| (text, expr.divides()))
    } else if let Some(expr) = ctx.grid.row_formula(i) {
        expr.to_excel(&|reference| {
            let k = form.rows.iter().position(|x| x.key == reference)?;
            Some(rust_xlsxwriter::utility::row_col_to_cell(
                ctx.row_at[k],
                col,
            ))
        })
        .ok()
        .map(|text| (text, expr.divides()))
    } else {
        None
    };
    if let Some((text, divides)) = excel {
        // A plan of 0 must not print #DIV/0! on a form sent upward.
        let text = if divides {
            format!("IFERROR({text},\"\")")
        } else {
            text
        };
        let result = value.map(|v| v.normalize().to_string()).unwrap_or_default();
        ws.write_formula_with_format(
            r,
            col,
            Formula::new(format!("={text}")).set_result(result),
            styles.cell(&look),
        )?;
        return Ok(CellRole::Computed);
    }
    let editable = ctx.opts.editable.is_none_or(|f| f(&row.key, &column.key));
    look.unlocked = ctx.opts.unlock_inputs && editable;
    if column.value_type == ValueType::Text {
        look.align = Align::Left;
        look.wrap = true;
        let text = ctx.opts.texts.and_then(|f| f(&row.key, &column.key));
        write_text(ws, styles, r, col, text.as_deref(), look)?;
    } else if let Some(v) = value.and_then(|v| v.to_f64()) {
        ws.write_number_with_format(r, col, v, styles.cell(&look))?;
    } else {
        ws.write_blank(r, col, styles.cell(&look))?;
    }
    Ok(CellRole::Input)
}

/// One validation per input column: numbers only (whole numbers for integer
/// columns), bounded text for text columns.
fn add_validations(
    ws: &mut Worksheet,
    form: &FormDef,
    data_col: &[ColNum],
    first: RowNum,
    last: RowNum,
) -> Result<(), XlsxError> {
    for (j, column) in form.columns.iter().enumerate() {
        if column.role == ColumnRole::Computed {
            continue;
        }
        let (rule, message) = match column.value_type {
            ValueType::Integer => (
                DataValidation::new()
                    .allow_whole_number(DataValidationRule::Between(-2_000_000_000, 2_000_000_000)),
                "Ô này chỉ nhận số nguyên (hoặc để trống).",
            ),
            ValueType::Decimal | ValueType::Percent => (
                DataValidation::new()
                    .allow_decimal_number(DataValidationRule::Between(-1e15, 1e15)),
                "Ô này chỉ nhận số (hoặc để trống).",
            ),
            ValueType::Text => (
                DataValidation::new()
                    .allow_text_length(DataValidationRule::LessThanOrEqualTo(4000)),
                "Nội dung tối đa 4000 ký tự.",
            ),
        };
        let rule = rule
            .ignore_blank(true)
            .set_error_title("Giá trị không hợp lệ")?
            .set_error_message(message)?;
        ws.add_data_validation(first, data_col[j], last, data_col[j], &rule)?;
    }
    Ok(())
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
pub fn sheet_name(form: &FormDef) -> String {
    let wanted = form.layout.sheet_name.as_deref().unwrap_or(&form.code);
    let cleaned: String = wanted
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    let cleaned = cleaned.trim_matches('\'').trim().to_string();
    if cleaned.is_empty() {
        "Biểu".to_string()
    } else {
        cleaned
    }
}

/// Writes a clean blank template of `form` to `path`, in the form's own layout.
pub fn export_blank_template(form: &FormDef, path: &Path) -> Result<(), XlsxError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet_name(form))?;
    write_form_sheet(ws, form, &SheetOptions::default())?;
    book.save(path)
}

/// The sheet positions of data cells, keyed for reading a filled workbook back.
pub fn cell_index(layout: &SheetLayout) -> HashMap<(u32, u16), (&str, &str)> {
    layout
        .cells
        .iter()
        .map(|c| ((c.row, c.col), (c.row_key.as_str(), c.column_key.as_str())))
        .collect()
}

#[cfg(test)]
mod tests;
