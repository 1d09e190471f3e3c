//! `dashboard` (a compact summary in the terminal) and `export dashboard` (native Excel
//! charts over their data sheets). Both only read; `--as-of` sets "now". Both log a
//! data use (`data_use:REGIME/FROM..TO`) when they show a regime's figures.

use std::path::PathBuf;

use clap::Args;
use comfy_table::{CellAlignment, Table};
use serde_json::json;

use crate::context::Ctx;
use crate::error::{Lang, Msg, Result};
use crate::fields;
use crate::ops::dashboard::{self, Dashboard, Request};
use crate::output::Format;

/// Units shown in the terminal before "… N more".
const SHOWN_UNITS: usize = 15;

/// What both commands show: a regime (or every regime), indicators, a column.
#[derive(Debug, Args, Clone)]
pub struct Choice {
    /// The regime: its timeliness and its indicators. Without it: timeliness over every
    /// active regime you may see, and no indicator charts (indicators belong to a form).
    #[arg(long)]
    pub regime: Option<String>,
    /// An indicator to follow over the periods: its indicator code, printed code, row
    /// key or row number (STT). Repeat for several. Default: the form's first 4 rows
    /// that hold numbers.
    #[arg(long = "indicator", value_name = "CODE", requires = "regime")]
    pub indicators: Vec<String>,
    /// The form column the indicator values come from, by its number (1, 2, …).
    /// Default: the first numeric input column.
    #[arg(long, value_name = "N", requires = "regime")]
    pub column: Option<String>,
}

impl Choice {
    fn request(&self, periods: Vec<crate::domain::period::Period>) -> Request {
        Request {
            regime: self.regime.clone(),
            periods,
            indicators: self.indicators.clone(),
            column: self.column.clone(),
        }
    }
}

#[derive(Debug, Args)]
pub struct DashboardArgs {
    #[command(flatten)]
    pub choice: Choice,
    /// First period (202609). Default: the regime's last 3 periods up to today's
    /// (--as-of), or this month without a regime.
    #[arg(long, value_name = "PERIOD", requires = "to")]
    pub from: Option<String>,
    /// Last period (202611), of the same type as --from.
    #[arg(long, value_name = "PERIOD", requires = "from")]
    pub to: Option<String>,
}

/// [`dashboard::build`] with a progress bar over the periods aggregated.
fn build(
    ctx: &Ctx,
    conn: &rusqlite::Connection,
    actor: &crate::auth::permission::Actor,
    req: &Request,
    now: jiff::Timestamp,
    cal: &crate::domain::calendar::WorkCalendar,
) -> Result<Dashboard> {
    let bar = match req.regime {
        Some(_) => ctx.out.progress(req.periods.len()),
        None => None,
    };
    let d = dashboard::build(conn, actor, req, now, cal, &|p| {
        if let Some(b) = &bar {
            b.set_message(p.to_string());
            b.inc(1);
        }
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    d
}

pub fn show(ctx: &Ctx, a: DashboardArgs) -> Result<()> {
    let explicit = match (&a.from, &a.to) {
        (Some(f), Some(t)) => Some(dashboard::span(f, t)?),
        _ => None,
    };
    let now = ctx.clock.now();
    let today = ctx.clock.today();
    let d = ctx.read(|tx, actor| {
        let periods = match explicit {
            Some(p) => p,
            None => dashboard::default_span(tx, a.choice.regime.as_deref(), today)?,
        };
        let cal = crate::ops::calendar::load(tx)?;
        build(ctx, tx, actor, &a.choice.request(periods), now, &cal)
    })?;
    // With a regime the view shows its indicator figures: logged before anything is
    // shown, like the exports. Without one it shows timeliness only, no report data.
    if d.regime.is_some() {
        ctx.log_data_use(
            &crate::audit::data_use::DataUse::new(
                "dashboard",
                d.regime.as_deref(),
                &format!("{}..{}", d.from, d.to),
            )
            .format(crate::cli::aggregate::format_name(ctx.out.format))
            .with("units", json!(d.units.len()))
            .with(
                "indicators",
                json!(d.indicators.iter().map(|i| &i.name).collect::<Vec<_>>()),
            ),
        )?;
    }
    match ctx.out.format {
        Format::Json => ctx.out.emit(&serde_json::to_value(&d)?, &[]),
        Format::Csv => {
            crate::cli::monitor::note_excluded(ctx, &d.excluded);
            ctx.out.emit(
                &serde_json::to_value(&d.units)?,
                crate::glossary::DASHBOARD_FIELDS,
            )
        }
        Format::Table => ctx.out.text(&render(&d, ctx.lang())),
    }
}

fn table() -> Table {
    crate::output::new_table()
}

/// The terminal summary: a heading, units worst first (at most [`SHOWN_UNITS`]), the
/// totals, and the indicators over the periods.
fn render(d: &Dashboard, lang: Lang) -> String {
    let vi = lang == Lang::Vi;
    let pick = |v: &'static str, e: &'static str| if vi { v } else { e };
    let mut s = String::new();
    let what = match (&d.regime, &d.regime_name) {
        (Some(c), Some(n)) => format!("{c} — {n}"),
        _ => pick("Mọi chế độ báo cáo", "All regimes").to_string(),
    };
    let span = match (d.periods.len(), vi) {
        (1, true) => format!("kỳ {}", d.from),
        (1, false) => format!("period {}", d.from),
        (n, true) => format!("kỳ {} → {} ({n} kỳ)", d.from, d.to),
        (n, false) => format!("periods {} → {} ({n})", d.from, d.to),
    };
    let as_of = crate::output::human_date(&d.as_of).unwrap_or_else(|| d.as_of.clone());
    s.push_str(&format!(
        "{what}, {span}, {} {as_of}\n",
        pick("tính đến", "as of")
    ));
    if d.units.is_empty() {
        s.push_str(pick(
            "(không có đơn vị nào phải báo cáo trong khoảng này)\n",
            "(no unit had a report due in this span)\n",
        ));
    } else {
        let mut t = table();
        t.set_header(crate::glossary::dashboard_headings(lang));
        let row = |key: &str, name: &str, c: &crate::ops::monitor::Compliance| {
            vec![
                key.to_string(),
                name.to_string(),
                c.due.to_string(),
                c.on_time.to_string(),
                c.extended.to_string(),
                c.late.to_string(),
                c.missing.to_string(),
                c.returned.to_string(),
                c.on_time_rate.clone(),
            ]
        };
        for u in d.units.iter().take(SHOWN_UNITS) {
            t.add_row(row(&u.key, &u.name, u));
        }
        let more = d.units.len().saturating_sub(SHOWN_UNITS);
        if more > 0 {
            let text = if vi {
                format!("… {more} đơn vị khác")
            } else {
                format!("… {more} more units")
            };
            t.add_row(vec![String::new(), text]);
        }
        t.add_row(row("", pick("Tổng cộng", "Total"), &d.totals));
        for c in 2..9 {
            if let Some(col) = t.column_mut(c) {
                col.set_cell_alignment(CellAlignment::Right);
            }
        }
        s.push_str(&format!("{t}\n"));
    }
    if let Some(m) = crate::ops::monitor::excluded_note(&d.excluded) {
        s.push_str(&format!("{}\n", m.get(lang)));
    }
    if let Some(col) = &d.column {
        if d.indicators.is_empty() {
            s.push_str(pick(
                "(biểu không có chỉ tiêu nào)\n",
                "(the form has no indicators)\n",
            ));
        } else {
            s.push_str(&format!(
                "{} {} ({}), {}\n",
                pick("Chỉ tiêu, cột", "Indicators, column"),
                col.number,
                col.header,
                pick("báo cáo đã tiếp nhận", "accepted reports"),
            ));
            let mut t = table();
            let mut header = vec![
                pick("Chỉ tiêu", "Indicator").to_string(),
                pick("ĐVT", "Unit").to_string(),
            ];
            header.extend(d.periods.iter().cloned());
            t.set_header(header);
            for i in &d.indicators {
                let mut r = vec![i.name.clone(), i.unit.clone().unwrap_or_default()];
                r.extend(
                    i.points
                        .iter()
                        .map(|p| p.value.clone().unwrap_or_else(|| "—".into())),
                );
                t.add_row(r);
            }
            let mut cover = vec![
                pick("Đơn vị được tổng hợp", "Units aggregated").to_string(),
                String::new(),
            ];
            if let Some(first) = d.indicators.first() {
                cover.extend(
                    first
                        .points
                        .iter()
                        .map(|p| format!("{}/{}", p.units_included, p.units_expected)),
                );
            }
            t.add_row(cover);
            for c in 2..2 + d.periods.len() {
                if let Some(col) = t.column_mut(c) {
                    col.set_cell_alignment(CellAlignment::Right);
                }
            }
            s.push_str(&format!("{t}\n"));
        }
    }
    s
}

#[derive(Debug, Args)]
pub struct ExportDashboardArgs {
    #[command(flatten)]
    pub choice: Choice,
    /// First period (202601).
    #[arg(long, value_name = "PERIOD")]
    pub from: String,
    /// Last period (202612), of the same type as --from; at most 120 periods in all.
    #[arg(long, value_name = "PERIOD")]
    pub to: String,
    /// The .xlsx to write (written beside it, then renamed into place).
    #[arg(long, value_name = "FILE.xlsx")]
    pub out: PathBuf,
    /// Replace --out if it exists.
    #[arg(long)]
    pub force: bool,
}

pub fn export(ctx: &Ctx, a: ExportDashboardArgs) -> Result<()> {
    let periods = dashboard::span(&a.from, &a.to)?;
    let now = ctx.clock.now();
    let (d, by) = ctx.read(|tx, actor| {
        // Who may see it first, then whether the file may be written, then the work.
        if let Some(code) = &a.choice.regime {
            dashboard::may_see(tx, actor, &crate::ops::regime::find(tx, code)?)?;
        }
        crate::files::check_output(&a.out, a.force)?;
        let cal = crate::ops::calendar::load(tx)?;
        let d = build(ctx, tx, actor, &a.choice.request(periods), now, &cal)?;
        Ok((d, actor.username.clone()))
    })?;
    let written = crate::export::write_dashboard_as(&d.workbook(&by), &a.out, a.force)?;
    let usage = crate::audit::data_use::DataUse::new(
        "export_dashboard",
        d.regime.as_deref(),
        &format!("{}..{}", d.from, d.to),
    )
    .format("xlsx")
    .to_file(&a.out)
    .with("units", json!(d.units.len()))
    .with(
        "indicators",
        json!(d.indicators.iter().map(|i| &i.name).collect::<Vec<_>>()),
    );
    if let Err(e) = ctx.log_data_use(&usage) {
        // Not logged, not handed out.
        let _ = std::fs::remove_file(&a.out);
        return Err(e);
    }
    let p = a.out.display();
    ctx.out.note(Msg::new(
        format!("Đã ghi bảng theo dõi {p}"),
        format!("Wrote the dashboard {p}"),
    ));
    let summary = json!({
        "out": a.out,
        "regime": d.regime,
        "from": d.from,
        "to": d.to,
        "periods": d.periods,
        "units": d.units.len(),
        "indicators": d.indicators.iter().map(|i| &i.name).collect::<Vec<_>>(),
        "column": d.column.as_ref().map(|c| &c.number),
        "sheets": written.sheets,
        "charts": written.charts,
        "as_of": d.as_of,
    });
    ctx.out.emit(
        &summary,
        fields![
            ("out", "Tệp", "File"),
            ("regime", "Chế độ", "Regime"),
            ("from", "Từ kỳ", "From"),
            ("to", "Đến kỳ", "To"),
            ("periods", "Các kỳ", "Periods"),
            ("units", "Số đơn vị", "Units"),
            ("indicators", "Chỉ tiêu", "Indicators"),
            ("column", "Cột", "Column"),
            ("sheets", "Trang tính", "Sheets"),
            ("charts", "Số biểu đồ", "Charts"),
            ("as_of", "Tính đến", "As of"),
        ],
    )
}
