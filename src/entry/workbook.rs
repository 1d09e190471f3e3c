//! The fill-in workbook (SPEC §6, `entry template`): one unit's form for one regime
//! and period, drawn as the form is printed, with the input cells this unit is
//! assigned unlocked and validated by type and everything else protected; computed
//! cells are live formulas carrying their results; `x` cells and the rows and columns
//! assigned to other units are greyed and locked.
//!
//! The identity travels inside the file, in a very hidden, protected sheet
//! [`IDENTITY_SHEET`] of key/value rows:
//!
//! | A | B | C | D |
//! |---|---|---|---|
//! | `format` | `baocao-fill-in/1` | | |
//! | `regime`, `form_code`, `form_version`, `unit`, `unit_name`, `period`, `period_words`, `sheet` | value | | |
//! | `cell` | row key | column key | A1 address on `sheet` |
//! | `checksum` | SHA-256 (hex) | | |
//!
//! The checksum covers every row above it (as the JSON array of the rows' strings),
//! so a file whose identity or layout map was edited, or that mixes the identity of
//! one file with the layout of another, is refused on import. It is a checksum, not
//! a signature: it detects accidents and naive edits, not a forger who knows the
//! format; who may import for which unit is the caller's check.

use std::path::Path;

use rust_decimal::Decimal;
use rust_xlsxwriter::{
    DataValidation, DataValidationRule, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

use super::identity::{checksum, Identity, FORMAT_TAG, IDENTITY_SHEET};
use super::validate::{covered, recompute, Assigned, Value, Values};
use crate::error::{Error, Msg, Result};
use crate::form::workbook::{sheet_name, write_form_sheet, CellRole, SheetLayout, SheetOptions};
use crate::form::{ColumnRole, FormDef, RowRole, ValueType};

const FONT: &str = "Times New Roman";
/// Grey of cells nobody fills here.
const GREY: u32 = 0xD9D9D9;

fn xlsx_error(e: XlsxError) -> Error {
    Error::failure(
        Msg::new("Không ghi được bảng tính", "Cannot write the workbook"),
        e,
    )
}

/// The data sheet's name: the form's own, never the identity sheet's.
pub(crate) fn data_sheet_name(form: &FormDef) -> String {
    let name = sheet_name(form);
    if name.eq_ignore_ascii_case(IDENTITY_SHEET) {
        "Biểu".to_string()
    } else {
        name
    }
}

/// Writes the fill-in workbook of `form` for `id` to `path`: the form's layout with
/// the unit name and the period in words, `current` values (a draft being
/// re-downloaded) filled in, inputs of the `assigned` rows and columns unlocked and
/// validated, the rest protected, and the identity sheet.
pub fn write_fill_in(
    form: &FormDef,
    id: &Identity,
    assigned: Option<&Assigned>,
    current: Option<&Values>,
    path: &Path,
) -> Result<()> {
    write_fill_in_as(form, id, assigned, current, path, true)
}

/// [`write_fill_in`] by the exports' output-file rule: written beside `path` and
/// renamed into place; an existing file (or symbolic link) is replaced only with
/// `replace`, and then the link itself, never what it points to.
pub fn write_fill_in_as(
    form: &FormDef,
    id: &Identity,
    assigned: Option<&Assigned>,
    current: Option<&Values>,
    path: &Path,
    replace: bool,
) -> Result<()> {
    let mut book = Workbook::new();
    let sheet = data_sheet_name(form);
    let numbers = |r: &str, c: &str| match current?.get(&(r.to_string(), c.to_string())) {
        Some(Value::Number(d)) => Some(*d),
        _ => None,
    };
    let texts = |r: &str, c: &str| match current?.get(&(r.to_string(), c.to_string())) {
        Some(Value::Text(t)) => Some(t.clone()),
        Some(Value::Number(d)) => Some(d.to_string()),
        None => None,
    };
    let editable = |r: &str, c: &str| covered(assigned, r, c);
    let opts = SheetOptions {
        unit_name: Some(id.unit_name.clone()).filter(|s| !s.trim().is_empty()),
        period_words: Some(id.period_words.clone()).filter(|s| !s.trim().is_empty()),
        values: Some(&numbers),
        texts: Some(&texts),
        unlock_inputs: true,
        editable: Some(&editable),
        ..SheetOptions::default()
    };
    let layout = {
        let ws = book.add_worksheet();
        ws.set_name(&sheet).map_err(xlsx_error)?;
        let layout = write_form_sheet(ws, form, &opts).map_err(xlsx_error)?;
        let mut all = current.cloned().unwrap_or_default();
        recompute(form, &mut all);
        grey_cells(ws, form, &layout, assigned, &all).map_err(xlsx_error)?;
        non_negative_validations(ws, form, &layout).map_err(xlsx_error)?;
        layout
    };
    let rows = identity_rows(id, &sheet, &layout);
    let ws = book.add_worksheet();
    ws.set_name(IDENTITY_SHEET).map_err(xlsx_error)?;
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, text)
                .map_err(xlsx_error)?;
        }
    }
    ws.set_column_width(0, 14).map_err(xlsx_error)?;
    ws.set_column_width(1, 40).map_err(xlsx_error)?;
    ws.protect();
    ws.set_very_hidden(true);
    crate::files::save_workbook(&mut book, path, replace)
}

/// The rows of the identity sheet, checksum last.
pub(crate) fn identity_rows(id: &Identity, sheet: &str, layout: &SheetLayout) -> Vec<Vec<String>> {
    let pair = |k: &str, v: &str| vec![k.to_string(), v.to_string()];
    let mut rows = vec![
        pair("format", FORMAT_TAG),
        pair("regime", &id.regime),
        pair("form_code", &id.form_code),
        pair("form_version", &id.form_version.to_string()),
        pair("unit", &id.unit),
        pair("unit_name", &id.unit_name),
        pair("period", &id.period),
        pair("period_words", &id.period_words),
        pair("sheet", sheet),
    ];
    for cell in &layout.cells {
        rows.push(vec![
            "cell".to_string(),
            cell.row_key.clone(),
            cell.column_key.clone(),
            rust_xlsxwriter::utility::row_col_to_cell(cell.row, cell.col),
        ]);
    }
    let sum = checksum(&rows);
    rows.push(pair("checksum", &sum));
    rows
}

/// Greys `x` cells and the cells of rows and columns not assigned to this unit;
/// they stay locked.
fn grey_cells(
    ws: &mut Worksheet,
    form: &FormDef,
    layout: &SheetLayout,
    assigned: Option<&Assigned>,
    values: &Values,
) -> std::result::Result<(), XlsxError> {
    for cell in &layout.cells {
        let grey = match cell.role {
            CellRole::NotApplicable => true,
            CellRole::Input | CellRole::Computed => {
                !covered(assigned, &cell.row_key, &cell.column_key)
            }
            CellRole::Heading => false,
        };
        if !grey {
            continue;
        }
        let (Some(row), Some(column)) = (form.row(&cell.row_key), form.column(&cell.column_key))
        else {
            continue;
        };
        let bold = row.role != RowRole::Input || row.level <= 1;
        let mut format = Format::new()
            .set_font_name(FONT)
            .set_font_size(12)
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter)
            .set_background_color(GREY);
        if bold {
            format = format.set_bold();
        }
        format = if cell.role == CellRole::NotApplicable {
            format.set_align(FormatAlign::Center)
        } else if column.value_type == ValueType::Text {
            format
                .set_align(FormatAlign::Left)
                .set_text_wrap()
                .set_num_format("@")
        } else {
            let value = match values.get(&(cell.row_key.clone(), cell.column_key.clone())) {
                Some(Value::Number(d)) => Some(*d),
                _ => None,
            };
            format
                .set_align(FormatAlign::Right)
                .set_num_format(number_format(column.value_type, value))
        };
        ws.set_cell_format(cell.row, cell.col, &format)?;
    }
    Ok(())
}

/// As the form drawer formats numbers (`form/workbook/style.rs`).
fn number_format(value_type: ValueType, value: Option<Decimal>) -> String {
    match value_type {
        ValueType::Integer => "#,##0".into(),
        ValueType::Percent => "0.00".into(),
        ValueType::Text => "@".into(),
        ValueType::Decimal => match value.map(|v| v.normalize().scale().min(6)) {
            Some(0) => "#,##0".into(),
            Some(scale) => format!("#,##0.{}", "0".repeat(scale as usize)),
            None => "General".into(),
        },
    }
}

/// Integer and percent columns take no negative numbers (the checks on import say
/// the same); the drawer's validation of the same range is replaced.
fn non_negative_validations(
    ws: &mut Worksheet,
    form: &FormDef,
    layout: &SheetLayout,
) -> std::result::Result<(), XlsxError> {
    let (first, last) = (layout.first_data_row, layout.last_data_row);
    for (column, (_, col)) in form.columns.iter().zip(&layout.columns) {
        if column.role == ColumnRole::Computed {
            continue;
        }
        let (rule, message) = match column.value_type {
            ValueType::Integer => (
                DataValidation::new()
                    .allow_whole_number(DataValidationRule::Between(0, 2_000_000_000)),
                "Ô này chỉ nhận số nguyên không âm (hoặc để trống).",
            ),
            ValueType::Percent => (
                DataValidation::new().allow_decimal_number(DataValidationRule::Between(0.0, 1e15)),
                "Ô này chỉ nhận số không âm (hoặc để trống).",
            ),
            _ => continue,
        };
        let rule = rule
            .ignore_blank(true)
            .set_error_title("Giá trị không hợp lệ")?
            .set_error_message(message)?;
        ws.add_data_validation(first, *col, last, *col, &rule)?;
    }
    Ok(())
}
