//! Sheet 2: per-unit detail as one long table an analyst can filter and pivot:
//! one row per (unit × indicator row), unit and indicator columns first, then one
//! column per data column of the form, with an autofilter on the header.
//!
//! Stored reports hold input cells only, so each unit's computed cells are
//! recomputed here exactly as the form defines them. Values are written as numbers
//! (the double nearest to the exact decimal): with the places of their row's
//! indicator when the catalogue fixes them, percentages with two, anything else in
//! General (the decimals it has); text as text; `x` and blank cells stay empty;
//! heading rows carry no values and are left out.

use rust_xlsxwriter::{ColNum, Format, RowNum, Worksheet, XlsxError};

use super::recompute::{Cell, Formulas, Recomputer};
use super::style;
use super::{cell_text, nearest_f64, Meta, UnitDetail};
use crate::form::{FormDef, RowRole, ValueType};

const TITLE_ROW: RowNum = 0;
const SUBTITLE_ROW: RowNum = 1;
const HEADER_ROW: RowNum = 3;

/// An information column of the table: header and width.
struct InfoColumn {
    header: &'static str,
    width: f64,
    what: Info,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Info {
    UnitCode,
    UnitName,
    Stt,
    RowCode,
    Name,
    Measure,
}

/// The detail sheet of a workbook being written: its header is written by
/// [`DetailSheet::begin`], each unit's rows by [`DetailSheet::unit`] as the unit
/// comes (the export streams them from the aggregation's reading), the autofilter and
/// print set-up by [`DetailSheet::end`].
pub struct DetailSheet<'f> {
    form: &'f FormDef,
    info: Vec<InfoColumn>,
    first_data_col: ColNum,
    last_col: ColNum,
    /// Indices of the rows with values (headings left out).
    rows: Vec<usize>,
    recomputer: Recomputer<'f>,
    /// Each form row's number format when its indicator fixes the decimals: set on the
    /// sheet row, so its numbers carry it without a format per cell.
    row_formats: Vec<Option<Format>>,
    /// Computed percentages (`So sánh (%)`) show two places, as on the form.
    percent: Format,
    /// The last row written.
    r: RowNum,
    pub units: usize,
}

pub fn write(
    ws: &mut Worksheet,
    form: &FormDef,
    detail: &[UnitDetail],
    meta: &Meta,
) -> Result<(), XlsxError> {
    let formulas = Formulas::of(form);
    let mut sheet = DetailSheet::begin(ws, form, &formulas, meta)?;
    for unit in detail {
        sheet.unit(ws, unit)?;
    }
    sheet.end(ws)
}

impl<'f> DetailSheet<'f> {
    pub fn begin(
        ws: &mut Worksheet,
        form: &'f FormDef,
        formulas: &'f Formulas<'f>,
        meta: &Meta,
    ) -> Result<DetailSheet<'f>, XlsxError> {
        let mut info = vec![
            InfoColumn {
                header: crate::glossary::sheet::UNIT_CODE,
                width: 16.0,
                what: Info::UnitCode,
            },
            InfoColumn {
                header: crate::glossary::sheet::UNIT_NAME,
                width: 36.0,
                what: Info::UnitName,
            },
            InfoColumn {
                header: "STT",
                width: 6.0,
                what: Info::Stt,
            },
        ];
        if form.rows.iter().any(|r| r.code.is_some()) {
            info.push(InfoColumn {
                header: "Mã số",
                width: 8.0,
                what: Info::RowCode,
            });
        }
        info.push(InfoColumn {
            header: "Chỉ tiêu",
            width: 45.0,
            what: Info::Name,
        });
        info.push(InfoColumn {
            header: "Đơn vị tính",
            width: 12.0,
            what: Info::Measure,
        });
        let first_data_col = info.len() as ColNum;
        let last_col = (info.len() + form.columns.len()).saturating_sub(1) as ColNum;

        let title = format!("SỐ LIỆU CHI TIẾT THEO ĐƠN VỊ — {}", form.title);
        ws.write_string_with_format(TITLE_ROW, 0, cell_text(&title), &style::title())?;
        let form_no = form.form_no.as_deref().unwrap_or(&form.code);
        let subtitle = [form_no, meta.period_words.as_str()]
            .iter()
            .filter(|s| !s.trim().is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" — ");
        ws.write_string_with_format(SUBTITLE_ROW, 0, cell_text(&subtitle), &style::subtitle())?;

        let header = style::header();
        for (x, c) in info.iter().enumerate() {
            ws.write_string_with_format(HEADER_ROW, x as ColNum, c.header, &header)?;
            ws.set_column_width(x as ColNum, c.width)?;
        }
        let mut lines = 1;
        for (j, column) in form.columns.iter().enumerate() {
            let path = column
                .header
                .iter()
                .map(|h| h.trim())
                .filter(|h| !h.is_empty())
                .collect::<Vec<_>>()
                .join(" - ");
            let text = if path.is_empty() {
                format!("({})", column.number)
            } else {
                format!("{path}\n({})", column.number)
            };
            lines = lines.max(text.chars().count() / 16 + 2);
            let col = first_data_col + j as ColNum;
            ws.write_string_with_format(HEADER_ROW, col, cell_text(&text), &header)?;
            ws.set_column_width(col, 16.0)?;
        }
        ws.set_row_height(HEADER_ROW, 16.0 * lines.min(8) as f64)?;

        let rows: Vec<usize> = form
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.role != RowRole::Heading)
            .map(|(i, _)| i)
            .collect();
        let row_formats = form
            .rows
            .iter()
            .map(|row| {
                meta.row_decimals.get(&row.key).map(|&d| {
                    let places = if d == 0 {
                        String::new()
                    } else {
                        format!(".{}", "0".repeat(d as usize))
                    };
                    Format::new().set_num_format(format!("#,##0{places}"))
                })
            })
            .collect();
        Ok(DetailSheet {
            form,
            info,
            first_data_col,
            last_col,
            rows,
            row_formats,
            percent: Format::new().set_num_format("0.00"),
            recomputer: Recomputer::new(form, formulas),
            r: HEADER_ROW,
            units: 0,
        })
    }

    /// One unit's rows. Body cells carry no format of their own (the workbook's
    /// default font, numbers in General): a per-cell format costs a hash per cell, a
    /// third of the time of a 3.6-million-cell sheet, and General shows a value's own
    /// decimals.
    pub fn unit(&mut self, ws: &mut Worksheet, unit: &UnitDetail) -> Result<(), XlsxError> {
        let form = self.form;
        let n_cols = form.columns.len();
        let mut grid = Vec::new();
        self.recomputer.fill(&unit.slots, &mut grid);
        let unit_code = cell_text(&unit.unit);
        let unit_name = cell_text(&unit.unit_name);
        for &i in &self.rows {
            self.r = self
                .r
                .checked_add(1)
                .ok_or(XlsxError::RowColumnLimitError)?;
            let r = self.r;
            let row = &form.rows[i];
            if let Some(f) = &self.row_formats[i] {
                ws.set_row_format(r, f)?;
            }
            for (x, c) in self.info.iter().enumerate() {
                let value = match c.what {
                    Info::UnitCode => Some(&*unit_code),
                    Info::UnitName => Some(&*unit_name),
                    Info::Stt => row.stt.as_deref(),
                    Info::RowCode => row.code.as_deref(),
                    Info::Name => Some(row.name.as_str()),
                    Info::Measure => row.unit.as_deref(),
                };
                if let Some(v) = value.filter(|v| !v.is_empty()) {
                    ws.write_string(r, x as ColNum, cell_text(v))?;
                }
            }
            for j in 0..n_cols {
                let col = self.first_data_col + j as ColNum;
                match grid[i * n_cols + j] {
                    Cell::Number(d) if form.columns[j].value_type == ValueType::Percent => {
                        ws.write_number_with_format(r, col, nearest_f64(d), &self.percent)?;
                    }
                    Cell::Number(d) => {
                        ws.write_number(r, col, nearest_f64(d))?;
                    }
                    Cell::Text(t) if !t.is_empty() => {
                        ws.write_string(r, col, cell_text(t))?;
                    }
                    Cell::Text(_) | Cell::Empty => {}
                }
            }
        }
        self.units += 1;
        Ok(())
    }

    pub fn end(self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        ws.autofilter(HEADER_ROW, 0, self.r, self.last_col)?;
        ws.set_freeze_panes(HEADER_ROW + 1, 2)?;
        ws.set_landscape();
        ws.set_paper_size(9);
        ws.set_print_fit_to_pages(1, 0);
        ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
        Ok(())
    }
}
