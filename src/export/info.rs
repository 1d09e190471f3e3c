//! Sheet 4: what the workbook is (regime, form, period), what it covers (units
//! included of those expected, which statuses counted) and who made it when.

use rust_xlsxwriter::{Format, FormatAlign, RowNum, Worksheet, XlsxError};

use super::style;
use super::{cell_text, excel_datetime, Meta};
use crate::aggregate::model::Aggregate;
use crate::form::FormDef;
use crate::glossary::status_label;

/// Unit codes listed by name before the rest are only counted.
const LISTED_UNITS: usize = 200;

enum Shown {
    Text(String),
    Count(usize),
    Percent(Option<f64>),
    /// A stored time, shown as a date-time when it can be read.
    Time(String),
}

pub fn write(
    ws: &mut Worksheet,
    form: &FormDef,
    agg: &Aggregate,
    meta: &Meta,
) -> Result<(), XlsxError> {
    let coverage = &agg.coverage;
    let statuses = if meta.statuses.is_empty() {
        &coverage.statuses
    } else {
        &meta.statuses
    };
    let statuses = statuses
        .iter()
        .map(|s| status_label(s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let form_name = match &form.form_no {
        Some(no) if !no.trim().is_empty() => format!("{no} — {}", form.title),
        _ => form.title.clone(),
    };
    let version = if agg.form_version != 0 {
        agg.form_version
    } else {
        form.version
    };
    let share = (coverage.expected > 0)
        .then(|| coverage.included as f64 * 100.0 / coverage.expected as f64);
    let mut lines: Vec<(&str, Shown)> = vec![
        ("Chế độ báo cáo", Shown::Text(meta.regime_name.clone())),
        ("Mã chế độ báo cáo", Shown::Text(agg.regime.clone())),
        ("Biểu mẫu", Shown::Text(form_name)),
        (
            "Mã biểu, phiên bản",
            Shown::Text(format!("{}, phiên bản {version}", form.code)),
        ),
        ("Kỳ báo cáo", Shown::Text(meta.period_words.clone())),
        ("Mã kỳ báo cáo", Shown::Text(agg.period.clone())),
        (
            "Đơn vị tổng hợp",
            Shown::Text(meta.aggregating_unit.clone()),
        ),
        ("Số đơn vị được tổng hợp", Shown::Count(coverage.included)),
        ("Số đơn vị phải báo cáo", Shown::Count(coverage.expected)),
        ("Tỷ lệ đơn vị được tổng hợp (%)", Shown::Percent(share)),
        ("Trạng thái báo cáo được tính", Shown::Text(statuses)),
        (
            "Đơn vị chưa được tổng hợp",
            Shown::Text(listed(&coverage.units_missing)),
        ),
    ];
    // Units the obligation rule leaves out: neither expected nor on the status sheet.
    if let Some(note) = crate::domain::exclusion::excluded_note(&agg.excluded) {
        lines.push(("Đơn vị không tính (giao sau hạn)", Shown::Text(note.vi)));
    }
    if !agg.subtotals.is_empty() {
        lines.push(("Số nhóm tổng hợp con", Shown::Count(agg.subtotals.len())));
    }
    if let Some(a) = &meta.approval {
        lines.push(("Bản tổng hợp đã phê duyệt, ký số", Shown::Text(a.clone())));
    }
    lines.extend([
        ("Số liệu tính đến", Shown::Time(meta.data_as_of.clone())),
        ("Thời điểm lập", Shown::Time(meta.generated_at.clone())),
        ("Người lập", Shown::Text(meta.generated_by.clone())),
        (
            "Phần mềm",
            Shown::Text(format!("baocao {}", env!("CARGO_PKG_VERSION"))),
        ),
    ]);

    ws.write_string_with_format(0, 0, "THÔNG TIN VỀ SỐ LIỆU TỔNG HỢP", &style::title())?;
    let header = style::header();
    ws.write_string_with_format(2, 0, "Mục", &header)?;
    ws.write_string_with_format(2, 1, "Nội dung", &header)?;
    ws.set_column_width(0, 34.0)?;
    ws.set_column_width(1, 80.0)?;
    let label = style::strong();
    let text = style::text().set_text_wrap();
    let left = |f: Format| f.set_align(FormatAlign::Left);
    let count = left(style::count(false));
    let percent = left(style::text().set_num_format("0.00"));
    let datetime = left(style::datetime());
    let mut r: RowNum = 2;
    for (name, shown) in lines {
        r += 1;
        ws.write_string_with_format(r, 0, name, &label)?;
        match shown {
            Shown::Text(t) => ws.write_string_with_format(r, 1, cell_text(&t), &text)?,
            Shown::Count(n) => ws.write_number_with_format(r, 1, n as f64, &count)?,
            Shown::Percent(Some(p)) => ws.write_number_with_format(r, 1, p, &percent)?,
            Shown::Percent(None) => ws.write_blank(r, 1, &percent)?,
            Shown::Time(t) => match excel_datetime(&t) {
                Some(dt) => ws.write_datetime_with_format(r, 1, &dt, &datetime)?,
                None => ws.write_string_with_format(r, 1, cell_text(&t), &text)?,
            },
        };
    }
    ws.set_portrait();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// The first unit codes, then how many more.
fn listed(units: &[String]) -> String {
    if units.is_empty() {
        return "Không có".to_string();
    }
    let shown = units
        .iter()
        .take(LISTED_UNITS)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    match units.len().saturating_sub(LISTED_UNITS) {
        0 => shown,
        more => format!("{shown} … và {more} đơn vị khác (xem trang «Tình hình gửi báo cáo»)"),
    }
}
