//! Sheet 1: the form reproduced with the aggregated values.
//!
//! The form is drawn by [`write_form_sheet`], which writes computed cells as Excel
//! formulas over the input cells and caches its own evaluation of them; the cached
//! results are then replaced by the aggregation engine's values, so what the sheet
//! shows without recalculating (LibreOffice, viewers) is exactly the aggregate.

use std::collections::HashMap;

use rust_decimal::Decimal;
use rust_xlsxwriter::{Worksheet, XlsxError};

use super::{parse_decimal, Meta};
use crate::aggregate::model::Aggregate;
use crate::error::{Error, Kind, Msg, Result};
use crate::form::workbook::CellRole;
use crate::form::{write_form_sheet, FormDef, SheetLayout, SheetOptions, ValueType};

/// The aggregate's cells by (row key, column key).
pub struct AggregateValues {
    numbers: HashMap<(String, String), Decimal>,
    texts: HashMap<(String, String), String>,
}

impl AggregateValues {
    /// Maps the aggregate's column-number labels to the form's column keys and
    /// reads its exact decimals; a value that is not a number is refused.
    pub fn of(form: &FormDef, agg: &Aggregate) -> Result<AggregateValues> {
        let by_number: HashMap<&str, (&str, ValueType)> = form
            .columns
            .iter()
            .map(|c| (c.number.as_str(), (c.key.as_str(), c.value_type)))
            .collect();
        let mut numbers = HashMap::new();
        let mut texts = HashMap::new();
        let mut bad = Vec::new();
        for row in &agg.rows {
            for (number, value) in &row.values {
                let (Some(value), Some(&(column, value_type))) =
                    (value, by_number.get(number.as_str()))
                else {
                    continue;
                };
                let key = (row.row.clone(), column.to_string());
                if value_type == ValueType::Text {
                    texts.insert(key, value.clone());
                } else if let Some(d) = parse_decimal(value) {
                    numbers.insert(key, d);
                } else {
                    let r = &row.row;
                    bad.push(Msg::new(
                        format!("dòng {r}, cột {number}: «{value}» không phải là số"),
                        format!("row {r}, column {number}: «{value}» is not a number"),
                    ));
                }
            }
        }
        if !bad.is_empty() {
            return Err(Error::new(
                Kind::Invalid,
                Msg::new(
                    "Số liệu tổng hợp có giá trị không đọc được",
                    "The aggregate holds values that cannot be read",
                ),
            )
            .with_details(bad));
        }
        Ok(AggregateValues { numbers, texts })
    }

    pub fn number(&self, row: &str, column: &str) -> Option<Decimal> {
        self.numbers
            .get(&(row.to_string(), column.to_string()))
            .copied()
    }

    pub fn text(&self, row: &str, column: &str) -> Option<String> {
        self.texts
            .get(&(row.to_string(), column.to_string()))
            .cloned()
    }
}

/// Units listed by name under the table before the rest are only counted.
const NAMED_MISSING: usize = 30;

/// The lines under the form's table that tell a reader, without turning the page,
/// how much of the province the figures cover: a total over 39 of 40 communes must
/// not pass for the whole province's.
pub fn coverage_notes(agg: &Aggregate, status: &[super::StatusRow]) -> Vec<String> {
    let c = &agg.coverage;
    let share = if c.expected > 0 {
        let p = Decimal::from(c.included as u64) * Decimal::from(100)
            / Decimal::from(c.expected as u64);
        format!(
            " ({}%)",
            crate::output::number_in(&p.round_dp(1), None, crate::error::Lang::Vi)
        )
    } else {
        String::new()
    };
    let counted = c
        .statuses
        .iter()
        .map(|s| crate::glossary::status_label(s.as_str()).to_lowercase())
        .collect::<Vec<_>>()
        .join(", ");
    let mut notes = vec![format!(
        "Ghi chú: số liệu tổng hợp từ {} trên {} đơn vị phải báo cáo{share}; tính các báo cáo {counted}.",
        c.included, c.expected
    )];
    if !c.units_missing.is_empty() {
        let name = |code: &str| {
            status
                .iter()
                .find(|s| s.unit == code)
                .map_or_else(|| code.to_string(), |s| format!("{code} {}", s.unit_name))
        };
        let shown: Vec<String> = c
            .units_missing
            .iter()
            .take(NAMED_MISSING)
            .map(|u| name(u))
            .collect();
        let more = c.units_missing.len().saturating_sub(NAMED_MISSING);
        let tail = if more > 0 {
            format!(
                " và {more} đơn vị khác (xem trang «{}»)",
                super::STATUS_SHEET
            )
        } else {
            String::new()
        };
        notes.push(format!(
            "Chưa có số liệu của {} đơn vị: {}{tail}.",
            c.units_missing.len(),
            shown.join("; ")
        ));
    }
    notes
}

/// Draws the form with the aggregated values on `ws`, the coverage `notes` under it.
pub fn write(
    ws: &mut Worksheet,
    form: &FormDef,
    values: &AggregateValues,
    meta: &Meta,
    notes: Vec<String>,
) -> Result<SheetLayout, XlsxError> {
    let numbers = |r: &str, c: &str| values.number(r, c);
    let texts = |r: &str, c: &str| values.text(r, c);
    let opts = SheetOptions {
        unit_name: Some(meta.aggregating_unit.clone()).filter(|s| !s.trim().is_empty()),
        period_words: Some(meta.period_words.clone()).filter(|s| !s.trim().is_empty()),
        values: Some(&numbers),
        texts: Some(&texts),
        unlock_inputs: false,
        editable: None,
        row_decimals: Some(&meta.row_decimals),
        notes,
    };
    let layout = write_form_sheet(ws, form, &opts)?;
    for cell in layout.cells.iter().filter(|c| c.role == CellRole::Computed) {
        let result = values
            .number(&cell.row_key, &cell.column_key)
            .map(|d| d.normalize().to_string())
            .unwrap_or_default();
        ws.set_formula_result(cell.row, cell.col, result);
    }
    Ok(layout)
}
