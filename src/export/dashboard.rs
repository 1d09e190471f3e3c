//! The dashboard workbook (SPEC §8): native Excel charts over data sheets, so the
//! charts stay live when someone edits or extends the numbers.
//!
//! - [`CHART_SHEET`]: a stacked bar chart of timeliness by unit (on time, within an
//!   extension, late,
//!   missing), then one line chart per indicator over its periods;
//! - [`TIMELINESS_SHEET`]: the counts behind the bar chart, with totals and the
//!   on-time rate as formulas carrying their results;
//! - [`SERIES_SHEET`]: one two-column block (period, value) per indicator;
//! - [`INFO_SHEET`](super::INFO_SHEET), when there is metadata: what the dashboard
//!   covers and who made it when.

use std::path::Path;

use rust_xlsxwriter::{
    Chart, ChartFont, ChartFormat, ChartLegendPosition, ChartMarker, ChartMarkerType,
    ChartSolidFill, ChartType, ColNum, Formula, RowNum, Workbook, Worksheet, XlsxError,
};

use super::style::{self, FONT};
use super::{
    cell_text, nearest_f64, parse_decimal, save_as, xlsx_error, DashboardData, DashboardWritten,
    IndicatorSeries, UnitTimeliness, INFO_SHEET,
};
use crate::domain::workflow::Timeliness;
use crate::error::{Error, Kind, Lang, Msg, Result};
use crate::glossary;

pub const CHART_SHEET: &str = "Biểu đồ";
pub const TIMELINESS_SHEET: &str = "Số liệu đúng hạn";
pub const SERIES_SHEET: &str = "Số liệu chỉ tiêu";

/// Pixels per default row (the default format is set to 20-pixel rows).
const ROW_PIXELS: u32 = 20;
const BAR_WIDTH: u32 = 760;
const LINE_WIDTH: u32 = 500;
const LINE_HEIGHT: u32 = 300;
/// The bar chart grows 22 pixels per unit up to this height (about 900 units);
/// beyond it the bars get thinner.
const MAX_CHART_HEIGHT: u32 = 20_000;

/// Writes the dashboard of `series` to `path` (replacing a file there, atomically).
pub fn write_dashboard(series: &DashboardData, path: &Path) -> Result<DashboardWritten> {
    write_dashboard_as(series, path, true)
}

/// [`write_dashboard`]; with `replace` false an existing `path` is kept and the
/// export fails with [`Kind::State`].
pub fn write_dashboard_as(
    series: &DashboardData,
    path: &Path,
    replace: bool,
) -> Result<DashboardWritten> {
    let points = parsed_points(&series.indicators)?;
    let mut book = Workbook::new();
    book.set_default_format(&style::default_format(), ROW_PIXELS, 64)
        .map_err(xlsx_error)?;
    // The chart sheet comes first, so the workbook opens on the charts.
    let charts = book.add_worksheet();
    charts.set_name(CHART_SHEET).map_err(xlsx_error)?;
    let timeliness = book.add_worksheet();
    timeliness.set_name(TIMELINESS_SHEET).map_err(xlsx_error)?;
    write_timeliness(timeliness, &series.units).map_err(xlsx_error)?;
    let data = book.add_worksheet();
    data.set_name(SERIES_SHEET).map_err(xlsx_error)?;
    write_series(data, &series.indicators, &points).map_err(xlsx_error)?;
    let mut sheets = vec![
        CHART_SHEET.to_string(),
        TIMELINESS_SHEET.to_string(),
        SERIES_SHEET.to_string(),
    ];
    if !series.info.is_empty() {
        let info = book.add_worksheet();
        info.set_name(INFO_SHEET).map_err(xlsx_error)?;
        write_info(info, &series.info).map_err(xlsx_error)?;
        sheets.push(INFO_SHEET.to_string());
    }

    let charts = book.worksheet_from_name(CHART_SHEET).map_err(xlsx_error)?;
    let charts = draw_charts(charts, series, &points).map_err(xlsx_error)?;
    save_as(&mut book, path, replace)?;
    Ok(DashboardWritten { sheets, charts })
}

fn write_info(ws: &mut Worksheet, lines: &[(String, String)]) -> Result<(), XlsxError> {
    ws.write_string_with_format(0, 0, "THÔNG TIN VỀ BẢNG THEO DÕI", &style::title())?;
    let header = style::header();
    ws.write_string_with_format(2, 0, "Mục", &header)?;
    ws.write_string_with_format(2, 1, "Nội dung", &header)?;
    ws.set_column_width(0, 34.0)?;
    ws.set_column_width(1, 80.0)?;
    let (label, text) = (style::strong(), style::text().set_text_wrap());
    for (i, (name, value)) in lines.iter().enumerate() {
        let r = RowNum::try_from(i + 3).map_err(|_| XlsxError::RowColumnLimitError)?;
        ws.write_string_with_format(r, 0, cell_text(name), &label)?;
        ws.write_string_with_format(r, 1, cell_text(value), &text)?;
    }
    ws.set_portrait();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// Each indicator's values as numbers; a value that is not a decimal is refused.
fn parsed_points(indicators: &[IndicatorSeries]) -> Result<Vec<Vec<Option<f64>>>> {
    let mut bad = Vec::new();
    let parsed = indicators
        .iter()
        .map(|ind| {
            ind.points
                .iter()
                .map(|(period, value)| {
                    let v = value.as_deref()?;
                    let parsed = parse_decimal(v).map(nearest_f64);
                    if parsed.is_none() {
                        let name = &ind.name;
                        bad.push(Msg::new(
                            format!("{name}, kỳ {period}: «{v}» không phải là số"),
                            format!("{name}, period {period}: «{v}» is not a number"),
                        ));
                    }
                    parsed
                })
                .collect()
        })
        .collect();
    if bad.is_empty() {
        Ok(parsed)
    } else {
        Err(Error::new(
            Kind::Invalid,
            Msg::new(
                "Chuỗi số liệu có giá trị không đọc được",
                "The series hold values that cannot be read",
            ),
        )
        .with_details(bad))
    }
}

fn write_timeliness(ws: &mut Worksheet, units: &[UnitTimeliness]) -> Result<(), XlsxError> {
    let headers = [
        (glossary::sheet::UNIT_CODE, 16.0),
        (glossary::sheet::UNIT_NAME, 40.0),
        (glossary::timeliness(Timeliness::OnTime, Lang::Vi), 12.0),
        (glossary::timeliness(Timeliness::Extended, Lang::Vi), 12.0),
        (glossary::timeliness(Timeliness::Late, Lang::Vi), 12.0),
        (glossary::timeliness(Timeliness::Missing, Lang::Vi), 12.0),
        ("Tổng số", 12.0),
        ("Tỷ lệ đúng hạn (%)", 14.0),
        ("Số lần bị trả lại", 12.0),
    ];
    let header = style::header();
    for (x, (text, width)) in headers.iter().enumerate() {
        ws.write_string_with_format(0, x as ColNum, *text, &header)?;
        ws.set_column_width(x as ColNum, *width)?;
    }
    let (text, centered, count) = (style::text(), style::centered(), style::count(false));
    let rate = style::text().set_num_format("0.00");
    for (i, u) in units.iter().enumerate() {
        let r = RowNum::try_from(i + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        ws.write_string_with_format(r, 0, cell_text(&u.unit), &centered)?;
        ws.write_string_with_format(r, 1, cell_text(&u.unit_name), &text)?;
        for (col, n) in [(2, u.on_time), (3, u.extended), (4, u.late), (5, u.missing)] {
            ws.write_number_with_format(r, col, n as f64, &count)?;
        }
        let total = u.on_time + u.extended + u.late + u.missing;
        let row = r + 1;
        ws.write_formula_with_format(
            r,
            6,
            Formula::new(format!("=SUM(C{row}:F{row})")).set_result(total.to_string()),
            &count,
        )?;
        let share = if total == 0 {
            String::new()
        } else {
            (u.on_time as f64 * 100.0 / total as f64).to_string()
        };
        ws.write_formula_with_format(
            r,
            7,
            Formula::new(format!("=IFERROR(C{row}/G{row}*100,\"\")")).set_result(share),
            &rate,
        )?;
        ws.write_number_with_format(r, 8, u.returned as f64, &count)?;
    }
    let last = units.len() as RowNum;
    ws.autofilter(0, 0, last, (headers.len() - 1) as ColNum)?;
    ws.set_freeze_panes(1, 2)?;
    Ok(())
}

/// The sheet column of indicator `k`'s period column; its values are one to the right.
fn block_col(k: usize) -> Option<ColNum> {
    ColNum::try_from(k.checked_mul(3)?)
        .ok()
        .filter(|c| *c < 16_380)
}

fn write_series(
    ws: &mut Worksheet,
    indicators: &[IndicatorSeries],
    points: &[Vec<Option<f64>>],
) -> Result<(), XlsxError> {
    let (header, centered) = (style::header(), style::centered());
    for (k, (ind, values)) in indicators.iter().zip(points).enumerate() {
        let number = style::text().set_num_format(number_format(ind));
        let c = block_col(k).ok_or(XlsxError::RowColumnLimitError)?;
        ws.write_string_with_format(0, c, "Kỳ", &header)?;
        ws.write_string_with_format(0, c + 1, cell_text(&series_name(ind)), &header)?;
        ws.set_column_width(c, 12.0)?;
        ws.set_column_width(c + 1, 24.0)?;
        for (i, ((period, _), value)) in ind.points.iter().zip(values).enumerate() {
            let r = RowNum::try_from(i + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
            ws.write_string_with_format(r, c, cell_text(&period_label(period)), &centered)?;
            match value {
                Some(v) => ws.write_number_with_format(r, c + 1, *v, &number)?,
                None => ws.write_blank(r, c + 1, &number)?,
            };
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// `T11/2026` for `202611`: the axis reads as people name periods.
fn period_label(id: &str) -> String {
    crate::domain::period::Period::parse(id)
        .map(|p| p.short_vi())
        .unwrap_or_else(|_| id.to_string())
}

/// One format for all of an indicator's numbers, with the most places any has (at
/// most 2): a line's labels and axis never mix `1.234` and `1.234,5`.
fn number_format(ind: &IndicatorSeries) -> String {
    let places = ind
        .points
        .iter()
        .filter_map(|(_, v)| v.as_deref())
        .filter_map(|v| {
            v.split_once('.')
                .map(|(_, d)| d.trim_end_matches('0').len())
        })
        .max()
        .unwrap_or(0)
        .min(2);
    if places == 0 {
        "#,##0".into()
    } else {
        format!("#,##0.{}", "0".repeat(places))
    }
}

fn series_name(ind: &IndicatorSeries) -> String {
    match ind.unit.as_deref().filter(|u| !u.trim().is_empty()) {
        Some(unit) => format!("{} ({unit})", ind.name),
        None => ind.name.clone(),
    }
}

fn draw_charts(
    ws: &mut Worksheet,
    data: &DashboardData,
    points: &[Vec<Option<f64>>],
) -> Result<usize, XlsxError> {
    let title = if data.title.trim().is_empty() {
        "TÌNH HÌNH BÁO CÁO"
    } else {
        data.title.as_str()
    };
    ws.write_string_with_format(0, 0, cell_text(title), &style::title())?;
    let mut font = ChartFont::new();
    font.set_name(FONT);
    let mut next_row: RowNum = 2;
    let mut drawn_bar = 0usize;

    if data.units.is_empty() {
        ws.write_string_with_format(
            next_row,
            1,
            "Không có đơn vị nào để thống kê tình hình gửi báo cáo.",
            &style::subtitle(),
        )?;
        next_row += 2;
    } else {
        let n = RowNum::try_from(data.units.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
        let mut chart = Chart::new(ChartType::BarStacked);
        for (col, color) in [(2, 0x70AD47), (3, 0x5B9BD5), (4, 0xFFC000), (5, 0xC00000)] {
            chart
                .add_series()
                .set_name((TIMELINESS_SHEET, 0, col))
                .set_categories((TIMELINESS_SHEET, 1, 1, n, 1))
                .set_values((TIMELINESS_SHEET, 1, col, n, col))
                .set_format(
                    ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(color)),
                )
                .set_gap(50)
                .set_overlap(100);
        }
        chart
            .title()
            .set_name("Tình hình gửi báo cáo theo đơn vị")
            .set_font(&font);
        // In a bar chart the y axis holds the categories: units top to bottom in
        // the table's order.
        chart.y_axis().set_reverse().set_font(&font);
        // Counts of reports: whole numbers from zero, not 0.2 steps to 1.2.
        let most = data
            .units
            .iter()
            .map(|u| u.on_time + u.extended + u.late + u.missing)
            .max()
            .unwrap_or(0);
        chart
            .x_axis()
            .set_name("Số báo cáo")
            .set_name_font(&font)
            .set_font(&font)
            .set_min(0.0)
            .set_num_format("0");
        if most <= 12 {
            chart
                .x_axis()
                .set_max(most.max(1) as f64)
                .set_major_unit(1.0);
        }
        chart
            .legend()
            .set_position(ChartLegendPosition::Bottom)
            .set_font(&font);
        let height = (n.saturating_mul(22).saturating_add(160)).clamp(320, MAX_CHART_HEIGHT);
        chart.set_width(BAR_WIDTH).set_height(height);
        ws.insert_chart(next_row, 1, &chart)?;
        drawn_bar = 1;
        next_row = next_row.saturating_add(height / ROW_PIXELS + 2);
    }

    let mut drawn = 0usize;
    for (k, (ind, values)) in data.indicators.iter().zip(points).enumerate() {
        let (Some(c), Ok(n)) = (block_col(k), RowNum::try_from(ind.points.len())) else {
            continue;
        };
        if n == 0 || values.iter().all(Option::is_none) {
            continue;
        }
        let mut chart = Chart::new(ChartType::Line);
        chart
            .add_series()
            .set_name((SERIES_SHEET, 0, c + 1))
            .set_categories((SERIES_SHEET, 1, c, n, c))
            .set_values((SERIES_SHEET, 1, c + 1, n, c + 1))
            .set_marker(
                ChartMarker::new()
                    .set_type(ChartMarkerType::Circle)
                    .set_size(6),
            );
        chart.title().set_name(&series_name(ind)).set_font(&font);
        chart
            .x_axis()
            .set_name("Kỳ")
            .set_name_font(&font)
            .set_font(&font);
        let y = chart.y_axis();
        if let Some(unit) = ind.unit.as_deref().filter(|u| !u.trim().is_empty()) {
            y.set_name(unit).set_name_font(&font);
        }
        y.set_font(&font).set_num_format(number_format(ind));
        chart.legend().set_hidden();
        chart.set_width(LINE_WIDTH).set_height(LINE_HEIGHT);
        let rows_per_chart = LINE_HEIGHT / ROW_PIXELS + 1;
        let row = next_row.saturating_add((drawn / 2) as RowNum * rows_per_chart);
        let col = 1 + (drawn % 2) as ColNum * 8;
        ws.insert_chart(row, col, &chart)?;
        drawn += 1;
    }
    ws.set_landscape();
    ws.set_paper_size(9);
    // One printed page: charts are never cut by a page break.
    ws.set_print_fit_to_pages(1, 1);
    Ok(drawn_bar + drawn)
}
