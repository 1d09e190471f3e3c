//! `dashboard`: a compact summary in the terminal, and the choice of regime, indicators
//! and column it shares with `export dashboard` (`cli/export.rs`). Only reads;
//! `--as-of` sets "now"; a regime's figures shown are a logged data use.

use clap::Args;
use comfy_table::{CellAlignment, Table};

use super::aggregate::format_name;
use crate::context::Ctx;
use crate::error::{Lang, Result};
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
    pub fn request(&self, periods: Vec<crate::domain::period::Period>) -> Request {
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

/// A progress bar over the periods aggregated, on a terminal only; cleared once the
/// dashboard is built or has failed, before anything else is written.
pub struct Bar<'a> {
    out: &'a crate::output::Output,
    bar: std::cell::RefCell<Option<indicatif::ProgressBar>>,
}

impl<'a> Bar<'a> {
    pub fn new(out: &'a crate::output::Output) -> Self {
        Bar {
            out,
            bar: Default::default(),
        }
    }
}

impl dashboard::Progress for Bar<'_> {
    fn periods(&self, total: usize) {
        *self.bar.borrow_mut() = self.out.progress(total);
    }

    fn aggregated(&self, period: &str) {
        if let Some(b) = self.bar.borrow().as_ref() {
            b.set_message(period.to_string());
            b.inc(1);
        }
    }

    fn finished(&self) {
        if let Some(b) = self.bar.borrow_mut().take() {
            b.finish_and_clear();
        }
    }
}

pub fn show(ctx: &Ctx, a: DashboardArgs) -> Result<()> {
    let periods = match (&a.from, &a.to) {
        (Some(f), Some(t)) => dashboard::span(f, t)?,
        _ => Vec::new(),
    };
    let (now, today) = (ctx.clock.now(), ctx.clock.today());
    let bar = Bar::new(&ctx.out);
    let d = ctx.read(|tx, actor| {
        dashboard::show(tx, actor, &a.choice.request(periods), now, today, &bar)
    })?;
    // With a regime the view shows its indicator figures: logged before anything is
    // shown, like the exports.
    if let Some(usage) = d.data_use(format_name(ctx.out.format)) {
        ctx.log_data_use(&usage)?;
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
