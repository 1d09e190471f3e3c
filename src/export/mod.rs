//! Exports an analyst or a provincial office takes away (SPEC §8): the aggregated
//! workbook forwarded upward as is, its CSV twin, and the dashboard with native
//! Excel charts.
//!
//! Pure file writing: callers gather the aggregate, the per-unit values, the
//! reporting status and the metadata; nothing here reads the database or the clock.
//!
//! The aggregated workbook has four sheets:
//!
//! 1. [`SUMMARY_SHEET`]: the form as printed, with the aggregating unit and the
//!    period in words in the title block, computed cells as Excel formulas whose
//!    cached results are the aggregation engine's exact values (LibreOffice does not
//!    recalculate on open);
//! 2. [`DETAIL_SHEET`]: one row per (unit × indicator row), filterable, values as
//!    numbers, computed cells recomputed from each unit's inputs;
//! 3. [`STATUS_SHEET`]: status, sent at, deadline, timeliness, approver, sender and
//!    signature per unit, with counts below;
//! 4. [`INFO_SHEET`]: regime, period, coverage, statuses counted, who made it when.

mod aggregate_csv;
mod dashboard;
mod detail;
mod info;
pub mod narratives;
mod recompute;
mod status;
mod style;
mod summary;

#[cfg(test)]
mod tests;

use std::path::Path;

use rust_decimal::Decimal;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, XlsxError};

use crate::aggregate::model::Aggregate;
use crate::error::{Error, Kind, Msg, Result};
pub(crate) use crate::files::save_workbook as save_as;
use crate::form::FormDef;

pub use aggregate_csv::aggregate_csv;
pub use dashboard::{
    write_dashboard, write_dashboard_as, CHART_SHEET, SERIES_SHEET, TIMELINESS_SHEET,
};

/// Sheet 1: the form reproduced with the aggregated values.
pub const SUMMARY_SHEET: &str = "Tổng hợp";
/// Sheet 2: per-unit values, one row per (unit × indicator row).
pub const DETAIL_SHEET: &str = "Chi tiết đơn vị";
/// Sheet 3: reporting status per unit.
pub const STATUS_SHEET: &str = "Tình hình gửi báo cáo";
/// Sheet 4: metadata.
pub const INFO_SHEET: &str = "Thông tin";

/// One unit's values for the period, as stored: input cells by slot (row index ×
/// columns + column index); computed cells are recomputed on export.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitDetail {
    pub unit: String,
    pub unit_name: String,
    pub slots: crate::aggregate::Slots,
}

impl UnitDetail {
    /// From values keyed by (row key, column key); keys the form lacks are dropped.
    pub fn from_values(
        form: &FormDef,
        unit: &str,
        unit_name: &str,
        values: &crate::entry::Values,
    ) -> UnitDetail {
        let n_cols = form.columns.len();
        let mut slots = vec![None; form.rows.len() * n_cols];
        for ((row, column), v) in values {
            let i = form.rows.iter().position(|r| &r.key == row);
            let j = form.columns.iter().position(|c| &c.key == column);
            if let (Some(i), Some(j)) = (i, j) {
                if let Some(s) = slots.get_mut(i * n_cols + j) {
                    *s = Some(v.clone());
                }
            }
        }
        UnitDetail {
            unit: unit.into(),
            unit_name: unit_name.into(),
            slots,
        }
    }
}

/// One unit's reporting status for the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRow {
    pub unit: String,
    pub unit_name: String,
    /// Revision status (`accepted`, `sent`, `draft`, `not_started`, ...).
    pub status: crate::domain::workflow::ReportStatus,
    /// RFC 3339 (or a local date-time) of sending.
    pub sent_at: Option<String>,
    /// The unit's effective deadline, RFC 3339 (or a local date-time).
    pub deadline: String,
    /// `on_time` | `extended` | `late` | `missing` | `not_due`.
    pub timeliness: crate::domain::workflow::Timeliness,
    pub approver: Option<String>,
    pub sender: Option<String>,
    /// Whether the sent revision's signature verified; `None` when nothing was signed.
    pub signature_valid: Option<bool>,
}

/// Who made the workbook, of what, when.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Meta {
    pub regime_name: String,
    /// The period in words, e.g. `Tháng 11 năm 2026`.
    pub period_words: String,
    /// The aggregating unit's name, printed after `Đơn vị báo cáo:`.
    pub aggregating_unit: String,
    /// RFC 3339.
    pub generated_at: String,
    /// The account (or full name) that exported.
    pub generated_by: String,
    /// RFC 3339: the data reflect reports received up to this time.
    pub data_as_of: String,
    /// Revision statuses counted in the aggregate (`accepted`, ...).
    pub statuses: Vec<crate::domain::workflow::RevisionStatus>,
    /// Decimals of each form row (by row key), from its indicator in the catalogue.
    pub row_decimals: std::collections::HashMap<String, u32>,
    /// Which approved (and signed, sent) aggregate this is, in words (`aggregate
    /// approve|send`); `None` when the lead unit approved none of this period.
    pub approval: Option<String>,
}

/// Timeliness counts of one unit over a span, for the dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitTimeliness {
    pub unit: String,
    pub unit_name: String,
    pub on_time: usize,
    /// Sent within an extension granted after the deadline (neither on time nor late).
    pub extended: usize,
    pub late: usize,
    pub missing: usize,
    /// Returned revisions (trả lại) over the span.
    pub returned: usize,
}

/// One indicator over periods, for a dashboard line chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorSeries {
    pub name: String,
    /// Unit of measure (đơn vị tính).
    pub unit: Option<String>,
    /// (period, exact decimal); `None` leaves a gap in the line.
    pub points: Vec<(String, Option<String>)>,
}

/// What the dashboard shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DashboardData {
    pub title: String,
    pub units: Vec<UnitTimeliness>,
    pub indicators: Vec<IndicatorSeries>,
    /// (label, value) lines of a metadata sheet ([`INFO_SHEET`]): regime, span, as of,
    /// who made it when. No sheet when empty.
    pub info: Vec<(String, String)>,
}

/// What a dashboard workbook holds once written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashboardWritten {
    /// Sheet names in order.
    pub sheets: Vec<String>,
    /// Native charts drawn.
    pub charts: usize,
}

/// Writes the aggregated workbook of `agg` (aggregated over the units of `detail`)
/// to `path`: the form, the per-unit detail, the reporting status and the metadata.
pub fn write_aggregate_workbook(
    form: &FormDef,
    agg: &Aggregate,
    detail: &[UnitDetail],
    status: &[StatusRow],
    meta: &Meta,
    path: &Path,
) -> Result<()> {
    write_aggregate_workbook_with(form, agg, detail, || Ok(status.to_vec()), meta, path, true)
}

/// [`write_aggregate_workbook`] with the reporting status asked for only when its sheet
/// is due, after the form and the per-unit detail are written: a caller on another
/// thread can work the status out meanwhile.
pub fn write_aggregate_workbook_with(
    form: &FormDef,
    agg: &Aggregate,
    detail: &[UnitDetail],
    status: impl FnOnce() -> Result<Vec<StatusRow>>,
    meta: &Meta,
    path: &Path,
    replace: bool,
) -> Result<()> {
    same_form(form, agg)?;
    let mut book = new_book(form, meta)?;
    let mut ws = detail_worksheet(&mut book)?;
    detail::write(&mut ws, form, detail, meta).map_err(|e| detail_error(e, detail.len(), form))?;
    finish(book, form, agg, ws, status, meta, path, replace)
}

/// [`write_aggregate_workbook_with`] for a national period: the per-unit detail is
/// written as the units arrive on `units` (from the aggregation's reading on another
/// thread, so reading and writing overlap and no unit is held longer than its rows
/// take to write); once `units` closes, `aggregate` gives the aggregate they made.
pub fn write_aggregate_workbook_streamed(
    form: &FormDef,
    units: std::sync::mpsc::Receiver<UnitDetail>,
    aggregate: impl FnOnce() -> Result<Aggregate>,
    status: impl FnOnce() -> Result<Vec<StatusRow>>,
    meta: &Meta,
    path: &Path,
    replace: bool,
) -> Result<Aggregate> {
    let mut book = new_book(form, meta)?;
    let mut ws = detail_worksheet(&mut book)?;
    let formulas = recompute::Formulas::of(form);
    let mut sheet =
        detail::DetailSheet::begin(&mut ws, form, &formulas, meta).map_err(xlsx_error)?;
    for unit in units {
        sheet
            .unit(&mut ws, &unit)
            .map_err(|e| detail_error(e, sheet.units + 1, form))?;
    }
    let agg = aggregate()?;
    same_form(form, &agg)?;
    sheet.end(&mut ws).map_err(xlsx_error)?;
    finish(book, form, &agg, ws, status, meta, path, replace)?;
    Ok(agg)
}

fn same_form(form: &FormDef, agg: &Aggregate) -> Result<()> {
    if agg.form_code != form.code
        || (agg.form_version != 0 && form.version != 0 && agg.form_version != form.version)
    {
        let (a, av, f, fv) = (&agg.form_code, agg.form_version, &form.code, form.version);
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Số liệu tổng hợp thuộc biểu {a} phiên bản {av}, không phải biểu {f} phiên bản {fv}"),
                format!("The aggregate is of form {a} version {av}, not form {f} version {fv}"),
            ),
        ));
    }
    Ok(())
}

fn new_book(form: &FormDef, meta: &Meta) -> Result<Workbook> {
    let mut book = Workbook::new();
    book.set_default_format(&style::default_format(), 20, 64)
        .map_err(xlsx_error)?;
    // Level 2: a 3.6-million-cell detail saves in a third of the time of the default
    // 6, and in two thirds of level 3's, for a file 7 % larger than level 3's (26.4
    // against 24.6 MB); level 1 is no faster and 46 % larger.
    book.set_zip_compression_level(2);
    book.set_properties(
        &DocProperties::new()
            .set_title(&form.title)
            .set_subject(format!("{} — {}", meta.regime_name, meta.period_words))
            .set_author(&meta.generated_by)
            .set_company(&meta.aggregating_unit),
    );
    Ok(book)
}

/// The detail's worksheet in low-memory mode, set up with the workbook's defaults and
/// held apart so it can be written before the form's sheet that comes first.
fn detail_worksheet(book: &mut Workbook) -> Result<rust_xlsxwriter::Worksheet> {
    book.add_worksheet_with_low_memory().map_err(xlsx_error)?;
    book.worksheets_mut().pop().ok_or_else(|| {
        Error::new(
            Kind::Failure,
            Msg::new("Không ghi được bảng tính", "Cannot write the workbook"),
        )
    })
}

fn detail_error(e: XlsxError, units: usize, form: &FormDef) -> Error {
    match e {
        XlsxError::RowColumnLimitError => Error::new(
            Kind::Invalid,
            Msg::new(
                format!(
                    "Bảng chi tiết quá lớn cho một trang tính ({} đơn vị × {} dòng)",
                    units,
                    form.rows.len()
                ),
                format!(
                    "The detail is too large for one worksheet ({} units × {} rows)",
                    units,
                    form.rows.len()
                ),
            ),
        )
        .with_hint(Msg::new(
            "Một trang tính Excel có tối đa 1.048.576 dòng: hãy xuất theo từng nhóm đơn vị",
            "An Excel sheet holds at most 1,048,576 rows: export per group of units",
        )),
        other => xlsx_error(other),
    }
}

/// The form's sheet first, then the detail written before it (low-memory mode,
/// rust_xlsxwriter's `constant_memory` feature: each row goes to a temporary file
/// once the next begins, so 3,321 units × 100 rows cost a third less time and
/// ~450 MB less memory), the reporting status and the metadata; then saved.
#[allow(clippy::too_many_arguments)]
fn finish(
    mut book: Workbook,
    form: &FormDef,
    agg: &Aggregate,
    mut detail_sheet: rust_xlsxwriter::Worksheet,
    status: impl FnOnce() -> Result<Vec<StatusRow>>,
    meta: &Meta,
    path: &Path,
    replace: bool,
) -> Result<()> {
    let values = summary::AggregateValues::of(form, agg)?;
    // The status first: the form's sheet names the units missing from it.
    let status = status()?;
    let ws = book.add_worksheet();
    ws.set_name(SUMMARY_SHEET).map_err(xlsx_error)?;
    let notes = summary::coverage_notes(agg, &status);
    summary::write(ws, form, &values, meta, notes).map_err(xlsx_error)?;

    detail_sheet.set_name(DETAIL_SHEET).map_err(xlsx_error)?;
    book.push_worksheet(detail_sheet);

    let ws = book.add_worksheet();
    ws.set_name(STATUS_SHEET).map_err(xlsx_error)?;
    // The units the obligation rule leaves out are on no row: the sheet says so.
    let left_out = crate::domain::exclusion::excluded_note(&agg.excluded).map(|m| m.vi);
    status::write(ws, &status, left_out.as_deref(), meta).map_err(xlsx_error)?;

    let ws = book.add_worksheet();
    ws.set_name(INFO_SHEET).map_err(xlsx_error)?;
    info::write(ws, form, agg, meta).map_err(xlsx_error)?;

    save_as(&mut book, path, replace)
}

fn xlsx_error(e: XlsxError) -> Error {
    Error::failure(
        Msg::new("Không ghi được bảng tính", "Cannot write the workbook"),
        e,
    )
}

/// Reads an exact decimal as the aggregation engine writes it (`-1234.50`; an
/// exponent is tolerated).
fn parse_decimal(s: &str) -> Option<Decimal> {
    let t = s.trim();
    t.parse::<Decimal>()
        .ok()
        .or_else(|| Decimal::from_scientific(t).ok())
}

/// The double nearest to `d`: exact division when both parts are exact doubles,
/// otherwise the standard library's correctly rounded parse of its digits.
fn nearest_f64(d: Decimal) -> f64 {
    const EXACT: i128 = 1 << 53;
    // Powers of ten that are exact doubles.
    const POWERS: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    let (m, scale) = (d.mantissa(), d.scale());
    if m.abs() < EXACT && scale <= 22 {
        // Both operands are exact, so IEEE division rounds once: the nearest double.
        (m as f64) / POWERS[scale as usize]
    } else {
        d.to_string().parse::<f64>().unwrap_or(0.0)
    }
}

/// A cell's text cut to Excel's limit of 32,767 UTF-16 code units.
fn cell_text(s: &str) -> std::borrow::Cow<'_, str> {
    const MAX: usize = 32_767;
    // A UTF-16 unit is at least one UTF-8 byte: short strings need no counting.
    if s.len() <= MAX || s.encode_utf16().count() <= MAX {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::new();
    let mut units = 0;
    for c in s.chars() {
        units += c.len_utf16();
        if units > MAX - 1 {
            break;
        }
        out.push(c);
    }
    out.push('…');
    std::borrow::Cow::Owned(out)
}

/// A stored time (RFC 3339, or a local date-time as users type it) as an Excel
/// date-time in Vietnam's time; `None` when it cannot be read.
fn excel_datetime(s: &str) -> Option<ExcelDateTime> {
    let local = crate::clock::to_local(crate::clock::parse_instant(s).ok()?);
    let part = |v: i8| u8::try_from(v).ok();
    ExcelDateTime::from_ymd(
        u16::try_from(local.year()).ok()?,
        part(local.month())?,
        part(local.day())?,
    )
    .ok()?
    .and_hms(
        u16::from(part(local.hour())?),
        part(local.minute())?,
        part(local.second())?,
    )
    .ok()
}
