//! Sheet 3: reporting status per unit, with counts at the bottom (as `COUNTIF`
//! formulas carrying their results, so they follow a filter-and-fix by hand).

use rust_xlsxwriter::{ColNum, Formula, RowNum, Worksheet, XlsxError};

use super::style;
use super::{cell_text, excel_datetime, Meta, StatusRow};
use crate::domain::workflow::Timeliness;
use crate::error::Lang;
use crate::glossary::{self, status_label};

const HEADER_ROW: RowNum = 3;
const HEADERS: [(&str, f64); 10] = [
    ("STT", 6.0),
    (glossary::sheet::UNIT_CODE, 16.0),
    (glossary::sheet::UNIT_NAME, 40.0),
    (glossary::sheet::STATUS, 18.0),
    ("Thời điểm gửi", 18.0),
    (glossary::sheet::DEADLINE, 18.0),
    ("Tình hình gửi", 16.0),
    ("Người phê duyệt", 22.0),
    ("Người gửi", 22.0),
    ("Chữ ký số", 16.0),
];
const TIMELINESS_COL: ColNum = 6;
const SIGNATURE_COL: ColNum = 9;

fn signature_vi(valid: Option<bool>) -> &'static str {
    match valid {
        Some(true) => "Hợp lệ",
        Some(false) => "Không hợp lệ",
        None => "",
    }
}

/// `left_out`: the note naming the assigned units not owing the period (not listed).
pub fn write(
    ws: &mut Worksheet,
    status: &[StatusRow],
    left_out: Option<&str>,
    meta: &Meta,
) -> Result<(), XlsxError> {
    ws.write_string_with_format(0, 0, "TÌNH HÌNH GỬI BÁO CÁO", &style::title())?;
    let subtitle = [meta.regime_name.as_str(), meta.period_words.as_str()]
        .iter()
        .filter(|s| !s.trim().is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" — ");
    ws.write_string_with_format(1, 0, cell_text(&subtitle), &style::subtitle())?;

    let header = style::header();
    for (x, (text, width)) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(HEADER_ROW, x as ColNum, *text, &header)?;
        ws.set_column_width(x as ColNum, *width)?;
    }
    let (text, centered, datetime, count) = (
        style::text(),
        style::centered(),
        style::datetime(),
        style::count(false),
    );
    let mut r = HEADER_ROW;
    for (n, s) in status.iter().enumerate() {
        r = r.checked_add(1).ok_or(XlsxError::RowColumnLimitError)?;
        ws.write_number_with_format(r, 0, (n + 1) as f64, &count)?;
        ws.write_string_with_format(r, 1, cell_text(&s.unit), &centered)?;
        ws.write_string_with_format(r, 2, cell_text(&s.unit_name), &text)?;
        ws.write_string_with_format(r, 3, status_label(s.status.as_str()), &centered)?;
        for (col, when) in [(4, s.sent_at.as_deref()), (5, Some(s.deadline.as_str()))] {
            match when.filter(|w| !w.trim().is_empty()) {
                Some(w) => match excel_datetime(w) {
                    Some(dt) => ws.write_datetime_with_format(r, col, &dt, &datetime)?,
                    None => ws.write_string_with_format(r, col, cell_text(w), &centered)?,
                },
                None => ws.write_blank(r, col, &centered)?,
            };
        }
        ws.write_string_with_format(
            r,
            TIMELINESS_COL,
            cell_text(timeliness_cell(s.timeliness)),
            &centered,
        )?;
        for (col, who) in [(7, &s.approver), (8, &s.sender)] {
            match who.as_deref().filter(|w| !w.trim().is_empty()) {
                Some(w) => ws.write_string_with_format(r, col, cell_text(w), &text)?,
                None => ws.write_blank(r, col, &text)?,
            };
        }
        ws.write_string_with_format(r, SIGNATURE_COL, signature_vi(s.signature_valid), &centered)?;
    }
    let last_row = r;
    ws.autofilter(HEADER_ROW, 0, last_row, (HEADERS.len() - 1) as ColNum)?;

    // Counts: COUNTIF over the table, cached with what the rows say.
    let counted = |shown: &'static str, col: ColNum, label: &str, n: usize| {
        let formula = (last_row > HEADER_ROW).then(|| {
            let range = rust_xlsxwriter::utility::cell_range(HEADER_ROW + 1, col, last_row, col);
            format!("=COUNTIF({range},\"{label}\")")
        });
        (shown, formula, n)
    };
    let tally = |t: Timeliness| status.iter().filter(|s| s.timeliness == t).count();
    let signed = |v: bool| {
        status
            .iter()
            .filter(|s| s.signature_valid == Some(v))
            .count()
    };
    let total_formula = (last_row > HEADER_ROW).then(|| {
        let range = rust_xlsxwriter::utility::cell_range(HEADER_ROW + 1, 1, last_row, 1);
        format!("=COUNTA({range})")
    });
    let lines = [
        ("Tổng số đơn vị", total_formula, status.len()),
        counted(
            glossary::timeliness(Timeliness::OnTime, Lang::Vi),
            TIMELINESS_COL,
            glossary::timeliness(Timeliness::OnTime, Lang::Vi),
            tally(Timeliness::OnTime),
        ),
        counted(
            glossary::timeliness(Timeliness::Extended, Lang::Vi),
            TIMELINESS_COL,
            glossary::timeliness(Timeliness::Extended, Lang::Vi),
            tally(Timeliness::Extended),
        ),
        counted(
            glossary::timeliness(Timeliness::Late, Lang::Vi),
            TIMELINESS_COL,
            glossary::timeliness(Timeliness::Late, Lang::Vi),
            tally(Timeliness::Late),
        ),
        counted(
            glossary::timeliness(Timeliness::Missing, Lang::Vi),
            TIMELINESS_COL,
            glossary::timeliness(Timeliness::Missing, Lang::Vi),
            tally(Timeliness::Missing),
        ),
        counted(
            glossary::timeliness(Timeliness::NotDue, Lang::Vi),
            TIMELINESS_COL,
            glossary::timeliness(Timeliness::NotDue, Lang::Vi),
            tally(Timeliness::NotDue),
        ),
        counted("Chữ ký số hợp lệ", SIGNATURE_COL, "Hợp lệ", signed(true)),
        counted(
            "Chữ ký số không hợp lệ",
            SIGNATURE_COL,
            "Không hợp lệ",
            signed(false),
        ),
    ];
    let mut r = last_row.saturating_add(2);
    ws.write_string_with_format(r, 2, "Tổng hợp", &style::label())?;
    let (label, bold_count) = (style::text(), style::count(true));
    for (text, formula, n) in &lines {
        r = r.saturating_add(1);
        ws.write_string_with_format(r, 2, *text, &label)?;
        match formula {
            Some(f) => ws.write_formula_with_format(
                r,
                3,
                Formula::new(f).set_result(n.to_string()),
                &bold_count,
            )?,
            None => ws.write_number_with_format(r, 3, *n as f64, &bold_count)?,
        };
    }
    if let Some(note) = left_out {
        r = r.saturating_add(2);
        ws.write_string_with_format(r, 2, cell_text(note), &label)?;
    }

    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    Ok(())
}

/// A unit's timeliness in its cell, in words; a report sent within an extension says
/// so ("Trong gia hạn") and is counted on its own line below.
fn timeliness_cell(t: Timeliness) -> &'static str {
    glossary::timeliness(t, Lang::Vi)
}
