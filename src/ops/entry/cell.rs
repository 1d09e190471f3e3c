//! One cell typed on the command line (`entry set`), and the long listing of a
//! report's values (`entry show`).

use crate::domain::number::parse_vn_number;
use crate::error::{Error, Kind, Msg, Result};
use crate::form::grid::{CellRole, Grid};
use crate::form::{FormDef, ValueType};
use crate::store::regime::Assignment;
use crate::store::report::Stored;

fn invalid(vi: String, en: String) -> Error {
    Error::new(Kind::Invalid, Msg::new(vi, en))
}

/// Resolves and checks one input cell: it must be an assigned input cell, and the value
/// must suit the column's type. Returns (row key, column key, value).
pub fn parse_cell(
    form: &FormDef,
    assigned: Option<&Assignment>,
    row: &str,
    column: &str,
    value: &str,
) -> Result<(String, String, Stored)> {
    let r = form
        .rows
        .iter()
        .find(|r| r.key == row || r.code.as_deref() == Some(row))
        .ok_or_else(|| {
            invalid(
                format!("Biểu {} không có dòng «{row}»", form.code),
                format!("Form {} has no row «{row}»", form.code),
            )
        })?;
    let c = form
        .columns
        .iter()
        .find(|c| c.key == column || c.number == column)
        .ok_or_else(|| {
            invalid(
                format!("Biểu {} không có cột «{column}»", form.code),
                format!("Form {} has no column «{column}»", form.code),
            )
        })?;
    let place = format!("{} × {}", r.name, c.number);
    let grid = Grid::new(form);
    let cell = grid.row_index(&r.key).zip(grid.column_index(&c.key));
    if cell.is_none_or(|(i, j)| grid.is_computed_or_heading(i, j)) {
        return Err(invalid(
            format!("Ô {place} là ô tính toán hoặc tiêu đề, không nhập được"),
            format!("Cell {place} is computed or a heading; it takes no input"),
        ));
    }
    if cell.is_some_and(|(i, j)| grid.role(i, j) == CellRole::NotApplicable) {
        return Err(invalid(
            format!("Ô {place} không áp dụng (x)"),
            format!("Cell {place} is not applicable (x)"),
        ));
    }
    if let Some(a) = assigned {
        if a.rows.as_ref().is_some_and(|rs| !rs.contains(&r.key))
            || a.columns.as_ref().is_some_and(|cs| !cs.contains(&c.key))
        {
            return Err(invalid(
                format!("Ô {place} không được giao cho đơn vị {}", a.unit),
                format!("Cell {place} is not assigned to unit {}", a.unit),
            ));
        }
    }
    let stored = if c.value_type == ValueType::Text {
        Stored::Text(crate::text::normalize(
            &crate::text::auto_convert(value).text,
        ))
    } else {
        let d = parse_vn_number(value).map_err(|_| {
            invalid(
                format!("Ô {place}: «{value}» không phải là số"),
                format!("Cell {place}: «{value}» is not a number"),
            )
        })?;
        if c.value_type == ValueType::Integer && !d.fract().is_zero() {
            return Err(invalid(
                format!("Ô {place}: cần số nguyên"),
                format!("Cell {place}: a whole number is needed"),
            ));
        }
        Stored::Num(d.normalize().to_string())
    };
    Ok((r.key.clone(), c.key.clone(), stored))
}
