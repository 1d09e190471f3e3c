//! The dashboard (SPEC §8, §9): timeliness per unit over a span of periods, as
//! `compliance` counts it, and chosen indicators of a regime's form over the same
//! periods, as `aggregate` computes them. `baocao dashboard` prints it; `export
//! dashboard` draws it as native Excel charts over their data sheets.
//!
//! Only reads, so `--as-of` may set "now" anywhere.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use rusqlite::Connection;
use serde::Serialize;
use serde_json::json;

use crate::audit::data_use::{DataUse, Use};
use crate::auth::permission::Actor;
use crate::clock;
use crate::domain::calendar::WorkCalendar;
use crate::domain::period::{Period, PeriodType, WindowKind};
use crate::error::{Error, Kind, Msg, Result};
use crate::export::{DashboardData, IndicatorSeries, UnitTimeliness};
use crate::form::{ColumnRole, FormDef, RowRole};
use crate::ops::aggregate::collect::{self, Grouping, Options};
use crate::ops::monitor::{self, Compliance, Filter};
use crate::ops::regime;
use crate::store::regime::Regime;

/// The longest span a dashboard covers: ten years of months.
pub const MAX_PERIODS: usize = 120;
/// Indicators charted when none is chosen: the form's first rows that hold numbers.
pub const DEFAULT_INDICATORS: usize = 4;
/// Periods `baocao dashboard` shows for a regime when no span is given.
pub const DEFAULT_PERIODS: usize = 3;

/// What to put on the dashboard.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// A regime: its timeliness and its indicators. None: timeliness over every
    /// active regime the actor may see, no indicators.
    pub regime: Option<String>,
    /// The periods, oldest first, all of one type.
    pub periods: Vec<Period>,
    /// Row choices: indicator code, printed code, row key or STT.
    pub indicators: Vec<String>,
    /// Column number label; default the form's first numeric input column.
    pub column: Option<String>,
}

/// The column the indicator values are read from.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnChoice {
    pub number: String,
    pub header: String,
}

/// One indicator's value in one period, with the aggregate's coverage.
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    pub period: String,
    /// Exact decimal as `aggregate` prints it; null when no counted report has it.
    pub value: Option<String>,
    pub units_included: usize,
    pub units_expected: usize,
}

/// One chosen row of the form over the periods.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub row: String,
    pub code: Option<String>,
    pub name: String,
    pub unit: Option<String>,
    pub points: Vec<Point>,
}

/// The dashboard as `-o json` prints it.
#[derive(Debug, Serialize)]
pub struct Dashboard {
    pub regime: Option<String>,
    pub regime_name: Option<String>,
    pub from: String,
    pub to: String,
    pub periods: Vec<String>,
    /// RFC 3339: what was sent by then counts.
    pub as_of: String,
    /// Per unit, worst first: the reverse of `compliance`'s ranking.
    pub units: Vec<Compliance>,
    pub totals: Compliance,
    /// Unit periods the obligation rule leaves out (assigned after the deadline, nothing
    /// sent): counted nowhere above, named here.
    pub excluded: Vec<monitor::Excluded>,
    /// The column of the indicator values; null without a regime.
    pub column: Option<ColumnChoice>,
    pub indicators: Vec<Series>,
    /// Revision statuses the indicator values count.
    pub statuses: Vec<crate::domain::workflow::RevisionStatus>,
}

fn usage(vi: String, en: String) -> Error {
    Error::new(Kind::Usage, Msg::new(vi, en))
}

/// The periods from `from` to `to`, both included. A malformed id is invalid input
/// (exit 5); periods of two types, `to` before `from`, or more than [`MAX_PERIODS`]
/// periods are usage errors (exit 2).
pub fn span(from: &str, to: &str) -> Result<Vec<Period>> {
    let parse = |s: &str| {
        Period::parse(s.trim())
            .map_err(|e| Error::new(Kind::Invalid, Msg::new(e.message_vi(), e.message_en())))
    };
    let (first, last) = (parse(from)?, parse(to)?);
    if first.period_type() != last.period_type() {
        let (a, b) = (first.period_type(), last.period_type());
        return Err(usage(
            format!(
                "--from {first} là kỳ {} còn --to {last} là kỳ {}: hai đầu phải cùng loại kỳ",
                a.name_vi(),
                b.name_vi()
            ),
            format!("--from {first} is a {a} period and --to {last} a {b} period: both ends must be of one type"),
        ));
    }
    if last < first {
        return Err(usage(
            format!("--to {last} đứng trước --from {first}: không có kỳ nào"),
            format!("--to {last} comes before --from {first}: no periods"),
        ));
    }
    let mut out = vec![first];
    let mut p = first;
    while p < last {
        if out.len() >= MAX_PERIODS {
            return Err(usage(
                format!("Từ {first} đến {last} là quá {MAX_PERIODS} kỳ; hãy chọn khoảng ngắn hơn"),
                format!(
                    "{first} to {last} is more than {MAX_PERIODS} periods; choose a shorter span"
                ),
            ));
        }
        p = match p.next() {
            Some(n) => n,
            None => break,
        };
        out.push(p);
    }
    Ok(out)
}

/// The span `baocao dashboard` shows without `--from/--to`: the regime's last
/// [`DEFAULT_PERIODS`] periods up to the one whose calendar days hold `today`, or,
/// without a regime, this month.
pub fn default_span(
    conn: &Connection,
    regime_code: Option<&str>,
    today: jiff::civil::Date,
) -> Result<Vec<Period>> {
    let (ptype, count) = match regime_code {
        Some(code) => {
            let r = regime::find(conn, code)?;
            (periodic(&r)?, DEFAULT_PERIODS)
        }
        None => (PeriodType::Monthly, 1),
    };
    let mut p = Period::containing(ptype, today, WindowKind::Calendar).ok_or_else(|| {
        Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Ngày {today} nằm ngoài các kỳ được hỗ trợ"),
                format!("{today} is outside the supported periods"),
            ),
        )
    })?;
    let mut out = vec![p];
    while out.len() < count {
        match p.prev() {
            Some(q) => {
                out.push(q);
                p = q;
            }
            None => break,
        }
    }
    out.reverse();
    Ok(out)
}

/// A periodic regime's period type; a thematic or ad hoc regime has none.
fn periodic(r: &crate::store::regime::Regime) -> Result<PeriodType> {
    r.frequency
        .as_deref()
        .and_then(|f| f.parse::<PeriodType>().ok())
        .filter(|_| r.period_label.is_none())
        .ok_or_else(|| {
            let c = &r.code;
            Error::new(
                Kind::Invalid,
                Msg::new(
                    format!("Chế độ {c} là báo cáo chuyên đề hoặc đột xuất, không có chuỗi kỳ để theo dõi"),
                    format!("Regime {c} is thematic or ad hoc: it has no series of periods to follow"),
                ),
            )
            .with_hint(Msg::new(
                format!("xem `baocao status {c} KỲ`"),
                format!("see `baocao status {c} PERIOD`"),
            ))
        })
}

/// A regime's dashboard is for those who may aggregate it: an aggregator or a viewer
/// of its lead unit over the whole regime, a unit's leader (approver) or viewer over
/// its own subtree's reports ([`collect::scope`]; the aggregates then count only them).
pub fn may_see(conn: &Connection, actor: &Actor, r: &Regime) -> Result<()> {
    collect::scope(
        conn,
        actor,
        r,
        Msg::new(
            format!("xem bảng theo dõi chế độ {}", r.code),
            format!("see the dashboard of regime {}", r.code),
        ),
    )
    .map(|_| ())
}

/// Builds the dashboard as `actor` may see it at `now`. `progress` hears each period
/// as its aggregate is done (a terminal shows a bar: a national span takes seconds).
pub fn build(
    conn: &Connection,
    actor: &Actor,
    req: &Request,
    now: Timestamp,
    cal: &WorkCalendar,
    progress: &dyn Fn(&str),
) -> Result<Dashboard> {
    let (Some(first), Some(last)) = (req.periods.first(), req.periods.last()) else {
        return Err(usage("Không có kỳ nào".into(), "No periods".into()));
    };
    let periods: Vec<String> = req.periods.iter().map(Period::to_string).collect();
    let statuses = vec![crate::domain::workflow::RevisionStatus::Accepted];
    let mut out = Dashboard {
        regime: None,
        regime_name: None,
        from: first.to_string(),
        to: last.to_string(),
        periods: periods.clone(),
        as_of: clock::rfc3339(now),
        units: Vec::new(),
        totals: monitor::totals(&[]),
        excluded: Vec::new(),
        column: None,
        indicators: Vec::new(),
        statuses: statuses.clone(),
    };
    // The indicator rows and column are checked first: a typo fails before any work.
    let mut chosen = None;
    if let Some(code) = &req.regime {
        let r = regime::find(conn, code)?;
        periodic(&r)?;
        // Each period by its own rules: the lead unit in force then decides who sees it.
        for p in &periods {
            regime::parse_period(&r, p)?;
            may_see(conn, actor, &regime::rules_for(&r, p))?;
        }
        // The indicators are the rows of the form of the span's last period.
        let form = regime::form_for(conn, &r, &last.to_string())?;
        let column = column(&form, req.column.as_deref())?;
        let rows: Vec<crate::form::Row> =
            rows(&form, &req.indicators)?.into_iter().cloned().collect();
        out.regime = Some(r.code.clone());
        out.regime_name = Some(r.name.clone());
        let column_key = form
            .columns
            .iter()
            .find(|c| c.number == column.number)
            .map(|c| c.key.clone())
            .unwrap_or_default();
        chosen = Some((r, column, column_key, rows));
    }

    // Timeliness exactly as `compliance --from FIRST --to LAST [--regime R]` counts it.
    let (start, _) = first.window(WindowKind::Calendar);
    let (_, end) = last.window(WindowKind::Calendar);
    let f = Filter {
        regime: out.regime.as_deref(),
        unit: None,
    };
    let list = monitor::over_span(conn, actor, &f, start, end, now, cal)?;
    let mut ranked = monitor::rank(&list.obligations, false);
    out.excluded = list.excluded;
    out.totals = monitor::totals(&ranked);
    ranked.reverse();
    out.units = ranked;

    if let Some((r, column, column_key, rows)) = chosen {
        // Only the chosen indicators in the chosen column: a few rows read of a hundred.
        let o = Options {
            statuses,
            grouping: Grouping::None,
            ytd: false,
            previous_year: false,
            lineage: false,
            within: None,
            cells: Some(
                rows.iter()
                    .map(|row| (row.key.clone(), column_key.clone()))
                    .collect(),
            ),
        };
        let mut series: Vec<Series> = rows
            .iter()
            .map(|row| Series {
                row: row.key.clone(),
                code: row.indicator.clone().or_else(|| row.code.clone()),
                name: row.name.clone(),
                unit: row.unit.clone(),
                points: Vec::new(),
            })
            .collect();
        for p in &periods {
            let agg = collect::aggregate(conn, actor, &r.code, p, &o, collect::Need::Aggregate)?
                .aggregate;
            progress(p);
            for s in series.iter_mut() {
                let value = agg
                    .rows
                    .iter()
                    .find(|a| a.row == s.row)
                    .and_then(|a| a.values.get(&column.number).cloned().flatten());
                s.points.push(Point {
                    period: p.clone(),
                    value,
                    units_included: agg.coverage.included,
                    units_expected: agg.coverage.expected,
                });
            }
        }
        out.column = Some(column);
        out.indicators = series;
    }
    Ok(out)
}

/// The column of `--column N` (its number label or key), else the actuals: the first
/// numeric input headed "Thực hiện" (the month's figures, not the annual plan), else
/// the first numeric input.
fn column(form: &FormDef, chosen: Option<&str>) -> Result<ColumnChoice> {
    let header = |c: &crate::form::Column| c.header.join(" / ");
    let found = match chosen.map(str::trim) {
        Some(n) => form
            .columns
            .iter()
            .find(|c| c.number == n || c.key == n)
            .ok_or_else(|| {
                let numbers = form
                    .columns
                    .iter()
                    .filter(|c| c.value_type.is_numeric())
                    .map(|c| c.number.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                Error::new(
                    Kind::NotFound,
                    Msg::new(
                        format!("Biểu {} không có cột số {n}", form.code),
                        format!("Form {} has no column number {n}", form.code),
                    ),
                )
                .with_hint(Msg::new(
                    format!("các cột số liệu: {numbers}"),
                    format!("numeric columns: {numbers}"),
                ))
            })?,
        None => {
            let inputs = || {
                form.columns
                    .iter()
                    .filter(|c| c.role == ColumnRole::Input && c.value_type.is_numeric())
            };
            let actual = |c: &&crate::form::Column| {
                crate::text::fold_key(&c.header.join(" ")).contains("thực hiện")
            };
            inputs().find(actual).or_else(|| inputs().next())
        }
        .ok_or_else(|| {
            Error::new(
                Kind::Invalid,
                Msg::new(
                    format!("Biểu {} không có cột nhập số liệu dạng số", form.code),
                    format!("Form {} has no numeric input column", form.code),
                ),
            )
        })?,
    };
    if !found.value_type.is_numeric() {
        let n = &found.number;
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!(
                    "Cột {n} ({}) là cột chữ, không vẽ được biểu đồ",
                    header(found)
                ),
                format!(
                    "Column {n} ({}) holds text, not numbers to chart",
                    header(found)
                ),
            ),
        ));
    }
    Ok(ColumnChoice {
        number: found.number.clone(),
        header: header(found),
    })
}

/// The rows of `--indicator` choices (indicator code, printed code, row key, then STT),
/// else the form's first [`DEFAULT_INDICATORS`] rows that hold numbers.
fn rows<'f>(form: &'f FormDef, chosen: &[String]) -> Result<Vec<&'f crate::form::Row>> {
    let numeric = |r: &&crate::form::Row| r.role != RowRole::Heading;
    if chosen.is_empty() {
        return Ok(form
            .rows
            .iter()
            .filter(numeric)
            .take(DEFAULT_INDICATORS)
            .collect());
    }
    let mut out: Vec<&crate::form::Row> = Vec::new();
    for c in chosen {
        let c = c.trim();
        let same = |s: &Option<String>| s.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(c));
        let by = |pick: &dyn Fn(&crate::form::Row) -> bool| -> Vec<&crate::form::Row> {
            form.rows
                .iter()
                .filter(numeric)
                .filter(|r| pick(r))
                .collect()
        };
        let mut hits = by(&|r| same(&r.indicator));
        if hits.is_empty() {
            hits = by(&|r| same(&r.code));
        }
        if hits.is_empty() {
            hits = by(&|r| r.key == c);
        }
        if hits.is_empty() {
            hits = by(&|r| same(&r.stt));
        }
        match hits.as_slice() {
            [one] => {
                if !out.iter().any(|r| r.key == one.key) {
                    out.push(one);
                }
            }
            [] => {
                return Err(Error::new(
                    Kind::NotFound,
                    Msg::new(
                        format!("Biểu {} không có chỉ tiêu «{c}»", form.code),
                        format!("Form {} has no indicator «{c}»", form.code),
                    ),
                )
                .with_hint(Msg::new(
                    format!(
                        "xem mã chỉ tiêu và số thứ tự bằng `baocao form show {}`",
                        form.code
                    ),
                    format!(
                        "see indicator codes and row numbers with `baocao form show {}`",
                        form.code
                    ),
                )))
            }
            many => {
                let keys = many
                    .iter()
                    .map(|r| r.key.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                return Err(Error::new(
                    Kind::Usage,
                    Msg::new(
                        format!("«{c}» chỉ nhiều dòng của biểu {} ({keys}): hãy dùng mã chỉ tiêu hoặc khóa dòng", form.code),
                        format!("«{c}» names several rows of form {} ({keys}): use an indicator code or a row key", form.code),
                    ),
                ));
            }
        }
    }
    Ok(out)
}

impl Dashboard {
    /// What the workbook draws: timeliness per unit, the series, and the metadata.
    pub fn workbook(&self, generated_by: &str) -> DashboardData {
        let span = if self.from == self.to {
            format!("KỲ {}", words(&self.from).to_uppercase())
        } else {
            format!(
                "TỪ {} ĐẾN {}",
                words(&self.from).to_uppercase(),
                words(&self.to).to_uppercase()
            )
        };
        let title = match &self.regime_name {
            Some(name) => format!("TÌNH HÌNH BÁO CÁO: {} — {span}", name.to_uppercase()),
            None => format!("TÌNH HÌNH GỬI BÁO CÁO — {span}"),
        };
        let column = self
            .column
            .as_ref()
            .map(|c| format!("Cột {} ({})", c.number, c.header));
        let mut info = vec![
            (
                "Chế độ báo cáo",
                match (&self.regime, &self.regime_name) {
                    (Some(c), Some(n)) => format!("{n} ({c})"),
                    _ => "Mọi chế độ báo cáo đang áp dụng mà người lập được xem".into(),
                },
            ),
            ("Từ kỳ", format!("{} ({})", words(&self.from), self.from)),
            ("Đến kỳ", format!("{} ({})", words(&self.to), self.to)),
            ("Số kỳ", self.periods.len().to_string()),
            ("Số đơn vị", self.units.len().to_string()),
            ("Số liệu tính đến", self.as_of.clone()),
        ];
        if let Some(c) = column {
            info.push(("Cột số liệu của chỉ tiêu", c));
            let counted: Vec<String> = self
                .statuses
                .iter()
                .map(|s| crate::glossary::status_label(s.as_str()))
                .collect();
            info.push(("Trạng thái báo cáo được tính", counted.join(", ")));
        }
        info.push(("Thời điểm lập", self.as_of.clone()));
        info.push(("Người lập", generated_by.to_string()));
        info.push(("Phần mềm", format!("baocao {}", env!("CARGO_PKG_VERSION"))));
        DashboardData {
            title,
            units: self
                .units
                .iter()
                .map(|u| UnitTimeliness {
                    unit: u.key.clone(),
                    unit_name: u.name.clone(),
                    on_time: u.on_time,
                    extended: u.extended,
                    late: u.late,
                    missing: u.missing,
                    returned: u.returned,
                })
                .collect(),
            indicators: self
                .indicators
                .iter()
                .map(|s| IndicatorSeries {
                    name: s.name.clone(),
                    unit: s.unit.clone(),
                    points: s
                        .points
                        .iter()
                        .map(|p| (p.period.clone(), p.value.clone()))
                        .collect(),
                })
                .collect(),
            info: info.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        }
    }
}

/// Hears how far a dashboard has got, so a terminal can show a bar: a national span
/// takes seconds.
pub trait Progress {
    /// A regime's periods are about to be aggregated, `total` of them.
    fn periods(&self, _total: usize) {}
    /// One period's aggregate is done.
    fn aggregated(&self, _period: &str) {}
    /// The dashboard is built, or failed: what comes after (a workbook) is no period.
    fn finished(&self) {}
}

/// Nobody listening.
impl Progress for () {}

impl Dashboard {
    /// The audit entry of the figures shown in `format`; none without a regime, whose
    /// view shows timeliness only, no report data.
    pub fn data_use(&self, format: &'static str) -> Option<DataUse> {
        self.regime.as_ref()?;
        Some(self.usage(Use::Dashboard).format(format))
    }

    fn usage(&self, what: Use) -> DataUse {
        DataUse::new(
            what,
            self.regime.as_deref(),
            &format!("{}..{}", self.from, self.to),
        )
        .with("units", json!(self.units.len()))
        .with("indicators", json!(self.indicator_names()))
    }

    fn indicator_names(&self) -> Vec<String> {
        self.indicators.iter().map(|i| i.name.clone()).collect()
    }
}

/// `baocao dashboard`: `req.periods`, or when it is empty the [`default_span`] up to
/// `today`.
pub fn show(
    conn: &Connection,
    actor: &Actor,
    req: &Request,
    now: Timestamp,
    today: jiff::civil::Date,
    progress: &dyn Progress,
) -> Result<Dashboard> {
    let periods = match req.periods.is_empty() {
        true => default_span(conn, req.regime.as_deref(), today)?,
        false => req.periods.clone(),
    };
    let cal = crate::ops::calendar::load(conn)?;
    let req = Request {
        periods,
        ..req.clone()
    };
    build_with(conn, actor, &req, now, &cal, progress)
}

fn build_with(
    conn: &Connection,
    actor: &Actor,
    req: &Request,
    now: Timestamp,
    cal: &WorkCalendar,
    progress: &dyn Progress,
) -> Result<Dashboard> {
    if req.regime.is_some() {
        progress.periods(req.periods.len());
    }
    let d = build(conn, actor, req, now, cal, &|p| progress.aggregated(p));
    progress.finished();
    d
}

/// The dashboard workbook once written, as `export dashboard` prints it.
#[derive(Debug, Serialize)]
pub struct Exported {
    pub out: PathBuf,
    pub regime: Option<String>,
    pub from: String,
    pub to: String,
    pub periods: Vec<String>,
    /// How many units the timeliness sheet holds.
    pub units: usize,
    /// The names of the indicators charted.
    pub indicators: Vec<String>,
    /// The number of the column the indicator values come from.
    pub column: Option<String>,
    pub sheets: Vec<String>,
    pub charts: usize,
    pub as_of: String,
}

impl Exported {
    /// The audit entry of the workbook handed out.
    pub fn data_use(&self) -> DataUse {
        DataUse::new(
            Use::ExportDashboard,
            self.regime.as_deref(),
            &format!("{}..{}", self.from, self.to),
        )
        .format("xlsx")
        .to_file(&self.out)
        .with("units", json!(self.units))
        .with("indicators", json!(self.indicators))
    }
}

/// `export dashboard`: who may see it first, then whether `out` may be written
/// (`replace` an existing file), then the work and the workbook.
pub fn export(
    conn: &Connection,
    actor: &Actor,
    req: &Request,
    now: Timestamp,
    out: &Path,
    replace: bool,
    progress: &dyn Progress,
) -> Result<Exported> {
    if let Some(code) = &req.regime {
        let r = regime::find(conn, code)?;
        for p in &req.periods {
            may_see(conn, actor, &regime::rules_for(&r, &p.to_string()))?;
        }
    }
    crate::files::check_output(out, replace)?;
    let cal = crate::ops::calendar::load(conn)?;
    let d = build_with(conn, actor, req, now, &cal, progress)?;
    let written = crate::export::write_dashboard_as(&d.workbook(&actor.username), out, replace)?;
    Ok(Exported {
        out: out.to_path_buf(),
        indicators: d.indicator_names(),
        column: d.column.map(|c| c.number),
        units: d.units.len(),
        regime: d.regime,
        from: d.from,
        to: d.to,
        periods: d.periods,
        sheets: written.sheets,
        charts: written.charts,
        as_of: d.as_of,
    })
}

/// A period id in Vietnamese words (`Tháng 11 năm 2026`), or the id itself.
fn words(id: &str) -> String {
    Period::parse(id)
        .map(|p| p.name_vi())
        .unwrap_or_else(|_| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(e: Error) -> u8 {
        e.kind.exit_code()
    }

    #[test]
    fn a_span_runs_from_the_first_to_the_last_period_included() {
        let s = span("202610", "202602").map(|_| ()).unwrap_err();
        assert_eq!(code(s), 2);
        let s: Vec<String> = span("202611", "2027-01")
            .unwrap()
            .iter()
            .map(Period::to_string)
            .collect();
        assert_eq!(s, ["202611", "202612", "202701"]);
        assert_eq!(span("2026Q4", "2026Q4").unwrap().len(), 1);
    }

    fn form() -> FormDef {
        let json = serde_json::json!({
            "code": "LUA", "version": 1, "title": "BÁO CÁO SẢN XUẤT LÚA", "kind": "numeric",
            "columns": [
                {"key": "c1", "number": "1", "header": ["Kế hoạch"], "type": "decimal", "role": "input", "formula": null},
                {"key": "c2", "number": "2", "header": ["Ghi chú"], "type": "text", "role": "input", "formula": null}
            ],
            "rows": [
                {"key": "h", "stt": "I", "name": "Trồng trọt", "level": 1, "role": "heading"},
                {"key": "r1", "stt": "1", "name": "Diện tích lúa", "unit": "ha", "level": 2, "role": "input", "indicator": "DT_LUA"},
                {"key": "r2", "stt": "2", "name": "Năng suất lúa", "unit": "tạ/ha", "level": 2, "role": "input", "indicator": "NS_LUA"},
                {"key": "h2", "stt": "II", "name": "Chăn nuôi", "level": 1, "role": "heading"},
                {"key": "r3", "stt": "1", "name": "Đàn trâu", "unit": "con", "level": 2, "role": "input", "code": "TRAU"}
            ],
            "not_applicable": []
        });
        FormDef::from_json(&json.to_string()).expect("form")
    }

    #[test]
    fn indicators_are_chosen_by_code_key_or_unambiguous_number() {
        let f = form();
        let keys = |chosen: &[&str]| -> Result<Vec<String>> {
            let chosen: Vec<String> = chosen.iter().map(|s| s.to_string()).collect();
            Ok(rows(&f, &chosen)?.iter().map(|r| r.key.clone()).collect())
        };
        assert_eq!(
            keys(&[]).unwrap(),
            ["r1", "r2", "r3"],
            "headings are not charted"
        );
        assert_eq!(
            keys(&["ns_lua", "TRAU", "r1", "2"]).unwrap(),
            ["r2", "r3", "r1"]
        );
        assert_eq!(
            code(keys(&["1"]).unwrap_err()),
            2,
            "two rows are numbered 1"
        );
        assert_eq!(code(keys(&["NOPE"]).unwrap_err()), 6);
    }

    #[test]
    fn the_actuals_are_charted_before_the_plan() {
        let json = serde_json::json!({
            "code": "KT", "version": 1, "title": "KT", "kind": "numeric",
            "columns": [
                {"key": "c1", "number": "1", "header": ["Kế hoạch năm"], "type": "decimal", "role": "input", "formula": null},
                {"key": "c2", "number": "2", "header": ["Thực hiện", "Tháng báo cáo"], "type": "decimal", "role": "input", "formula": null},
                {"key": "c3", "number": "3", "header": ["Thực hiện", "Lũy kế"], "type": "decimal", "role": "input", "formula": null}
            ],
            "rows": [{"key": "r1", "stt": "1", "name": "Lúa", "unit": "ha", "level": 1, "role": "input"}],
            "not_applicable": []
        });
        let f = FormDef::from_json(&json.to_string()).expect("form");
        assert_eq!(column(&f, None).unwrap().number, "2");
        assert_eq!(column(&f, Some("1")).unwrap().number, "1");
    }

    #[test]
    fn the_column_is_the_first_numeric_input_unless_chosen() {
        let f = form();
        assert_eq!(column(&f, None).unwrap().number, "1");
        assert_eq!(
            code(column(&f, Some("2")).unwrap_err()),
            5,
            "text is not charted"
        );
        assert_eq!(code(column(&f, Some("7")).unwrap_err()), 6);
    }

    #[test]
    fn mixed_types_long_spans_and_bad_ids_are_refused() {
        assert_eq!(code(span("202601", "2026Q2").unwrap_err()), 2);
        assert_eq!(code(span("201601", "202701").unwrap_err()), 2);
        assert_eq!(span("201701", "202612").unwrap().len(), 120);
        assert_eq!(code(span("202613", "202701").unwrap_err()), 5);
    }

    use crate::ops::testing::{who, Province};

    fn ktxh(periods: Vec<Period>) -> Request {
        Request {
            regime: Some("KTXH-THANG".into()),
            periods,
            ..Request::default()
        }
    }

    fn today() -> jiff::civil::Date {
        clock::to_local(Province::now()).date()
    }

    #[test]
    fn a_regimes_dashboard_defaults_to_its_last_three_months_and_is_a_data_use() {
        let p = Province::new();
        let d = p
            .read(who::PROVINCE_AGGREGATOR, |tx, actor| {
                show(tx, actor, &ktxh(Vec::new()), Province::now(), today(), &())
            })
            .unwrap();
        assert_eq!(d.periods, ["202609", "202610", "202611"]);
        assert_eq!(d.indicators.len(), DEFAULT_INDICATORS);
        assert!(d.indicators.iter().all(|i| i.points.len() == 3));
        assert!(d.units.len() > 1);
        assert!(d.totals.missing >= 1, "one commune never sends");
        let usage = d
            .data_use("table")
            .expect("a regime's figures are a data use");
        assert_eq!(usage.object(), "data_use:KTXH-THANG/202609..202611");
        assert_eq!(usage.detail()["units"], d.units.len());
    }

    #[test]
    fn without_a_regime_it_shows_timeliness_only_and_is_no_data_use() {
        let p = Province::new();
        let d = p
            .read(who::COMMUNE_CLERK, |tx, actor| {
                show(
                    tx,
                    actor,
                    &Request::default(),
                    Province::now(),
                    today(),
                    &(),
                )
            })
            .unwrap();
        assert_eq!(d.periods, ["202611"]);
        assert!(d.indicators.is_empty() && d.column.is_none());
        assert!(d.units.iter().all(|u| u.key == "99001"));
        assert!(d.data_use("json").is_none());
    }

    #[test]
    fn a_commune_clerk_may_not_see_a_regimes_dashboard_nor_export_it() {
        let p = Province::new();
        let err = p
            .read(who::COMMUNE_CLERK, |tx, actor| {
                show(tx, actor, &ktxh(Vec::new()), Province::now(), today(), &())
            })
            .unwrap_err();
        assert_eq!(err.kind, Kind::Denied);
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("bang-theo-doi.xlsx");
        let err = p
            .read(who::COMMUNE_CLERK, |tx, actor| {
                let req = ktxh(span("202611", "202611")?);
                export(tx, actor, &req, Province::now(), &out, false, &())
            })
            .unwrap_err();
        assert_eq!(err.kind, Kind::Denied);
        assert!(!out.exists());
    }

    #[test]
    fn unknown_regimes_and_indicators_are_not_found() {
        let p = Province::new();
        let kind = |req: Request| {
            p.read(who::PROVINCE_AGGREGATOR, |tx, actor| {
                show(tx, actor, &req, Province::now(), today(), &())
            })
            .unwrap_err()
            .kind
        };
        let unknown = Request {
            regime: Some("KHONG-CO".into()),
            ..Request::default()
        };
        assert_eq!(kind(unknown), Kind::NotFound);
        let no_such_row = Request {
            indicators: vec!["KHONG_CO_CHI_TIEU".into()],
            ..ktxh(Vec::new())
        };
        assert_eq!(kind(no_such_row), Kind::NotFound);
    }

    /// Counts the progress a terminal would show.
    #[derive(Default)]
    struct Heard {
        total: std::cell::Cell<usize>,
        done: std::cell::RefCell<Vec<String>>,
    }

    impl Progress for Heard {
        fn periods(&self, total: usize) {
            self.total.set(total);
        }
        fn aggregated(&self, period: &str) {
            self.done.borrow_mut().push(period.to_string());
        }
    }

    #[test]
    fn the_workbook_is_written_with_its_charts_and_never_over_a_file_without_force() {
        let p = Province::new();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("bang-theo-doi-KTXH-THANG.xlsx");
        let heard = Heard::default();
        let write = |replace: bool, heard: &dyn Progress| {
            p.read(who::VIEWER, |tx, actor| {
                let req = ktxh(span("202610", "202611")?);
                export(tx, actor, &req, Province::now(), &out, replace, heard)
            })
        };
        let written = write(false, &heard).unwrap();
        assert!(out.is_file());
        assert!(written.charts > 0 && !written.sheets.is_empty());
        assert_eq!(written.periods, ["202610", "202611"]);
        assert_eq!((heard.total.get(), heard.done.borrow().len()), (2, 2));
        let usage = written.data_use();
        assert_eq!(usage.format, "xlsx");
        assert_eq!(
            usage.detail()["indicators"],
            serde_json::json!(written.indicators)
        );
        assert_eq!(write(false, &()).unwrap_err().kind, Kind::State);
        assert!(write(true, &()).is_ok());
    }
}
