//! `baocao aggregate …`: a regime's period over units, with coverage, subtotals,
//! year to date and the same period last year.

use clap::Args;
use serde_json::{json, Map, Value};

use crate::aggregate::model::AggRow;
use crate::context::Ctx;
use crate::error::{Lang, Msg, Result};
use crate::form::{FormDef, ValueType};
use crate::ops;
use crate::ops::aggregate::{Grouping, Include, Request};
use crate::output::Format;

#[derive(Debug, Args, Clone)]
pub struct AggregateArgs {
    /// The regime code.
    pub regime: String,
    /// The period (202611, 2026Q1, …).
    pub period: String,
    /// Subtotals: `unit` (each unit), `parent` (by parent unit), or a tree depth (2, 3…).
    #[arg(long, conflicts_with_all = ["level", "group_by"])]
    pub by: Option<String>,
    /// Subtotals by the units at this depth of the tree (the same as `--by N`).
    #[arg(long, value_name = "N", conflicts_with = "group_by",
          value_parser = clap::value_parser!(u8).range(1..=10))]
    pub level: Option<u8>,
    /// Subtotals by parent unit (`--group-by parent`, the same as `--by parent`).
    #[arg(long, value_name = "parent", value_parser = ["parent"])]
    pub group_by: Option<String>,
    /// Which reports count: accepted (default) or sent (sent and accepted).
    #[arg(long, value_parser = ["accepted", "sent"], default_value = "accepted")]
    pub include: String,
    /// Add the year to date (lũy kế) by each indicator's time rule.
    #[arg(long)]
    pub ytd: bool,
    /// Add the same period of the previous year and growth rates (previous-year).
    #[arg(long, value_parser = ["previous-year"])]
    pub compare: Option<String>,
    /// Count a merged unit's reports under its successor.
    #[arg(long)]
    pub lineage: bool,
}

impl AggregateArgs {
    /// The request as typed: `--level N` and `--group-by parent` are other spellings
    /// of `--by`.
    pub fn request(&self) -> Result<Request> {
        let level = self.level.map(|n| n.to_string());
        let by = self
            .by
            .as_deref()
            .or(level.as_deref())
            .or(self.group_by.as_deref());
        Ok(Request {
            regime: self.regime.clone(),
            period: self.period.clone(),
            include: Include::parse(&self.include)?,
            grouping: by
                .map(Grouping::parse)
                .transpose()?
                .unwrap_or(Grouping::None),
            ytd: self.ytd,
            previous_year: self.compare.is_some(),
            lineage: self.lineage,
        })
    }
}

/// Rows flattened for tables and CSV: STT, name, unit, then one column per number. For
/// a table (`people` given) the labels are in the reader's language and the numbers as
/// the form prints them; CSV keeps the keys and the exact decimals.
pub fn flat_rows(
    rows: &[AggRow],
    prefix: Option<(&str, &str)>,
    people: Option<(&FormDef, Lang)>,
) -> Vec<Value> {
    flat_rows_as(rows, prefix, people.map(|(form, lang)| (form, lang, false)))
}

/// [`flat_rows`]; `people.2`: every value is a percentage (growth rates).
fn flat_rows_as(
    rows: &[AggRow],
    prefix: Option<(&str, &str)>,
    people: Option<(&FormDef, Lang, bool)>,
) -> Vec<Value> {
    let label = |key| crate::glossary::aggregate_column(key, people.map(|p| p.1));
    rows.iter()
        .map(|r| {
            let mut m = Map::new();
            if let Some((unit, name)) = prefix {
                m.insert(label("group").into(), json!(unit));
                m.insert(label("group_name").into(), json!(name));
            }
            m.insert(label("row").into(), json!(r.row));
            m.insert(label("stt").into(), json!(r.stt));
            m.insert(
                label("name").into(),
                json!(format!(
                    "{}{}",
                    "  ".repeat(r.level.saturating_sub(1) as usize),
                    r.name
                )),
            );
            m.insert(label("unit").into(), json!(r.unit));
            for (k, v) in &r.values {
                let shown = match (people, v) {
                    (Some((form, lang, rates)), Some(text)) => {
                        json!(human_number(form, k, text, lang, rates))
                    }
                    _ => json!(v),
                };
                m.insert(k.clone(), shown);
            }
            Value::Object(m)
        })
        .collect()
}

/// A value as the form prints it: percentages to two places, decimals to at most six,
/// thousands grouped the reader's way (`821.575,6`, `821,575.6`); text as it is.
fn human_number(form: &FormDef, column: &str, text: &str, lang: Lang, rate: bool) -> String {
    let Ok(d) = text.parse::<rust_decimal::Decimal>() else {
        return text.to_string();
    };
    let kind = match rate {
        true => Some(ValueType::Percent),
        false => form
            .columns
            .iter()
            .find(|c| c.number == column)
            .map(|c| c.value_type),
    };
    let places = match kind {
        Some(ValueType::Percent) => Some(2),
        Some(ValueType::Integer) => None,
        _ => Some(d.normalize().scale().min(6)),
    };
    crate::output::number_in(&d.normalize(), places, lang)
}

pub fn format_name(f: Format) -> &'static str {
    match f {
        Format::Table => "table",
        Format::Json => "json",
        Format::Csv => "csv",
    }
}

pub fn run(ctx: &Ctx, a: AggregateArgs) -> Result<()> {
    let req = a.request()?;
    let done = ctx.read(|tx, actor| ops::aggregate::aggregate(tx, actor, &req))?;
    // Logged before anything is shown: no figures leave unlogged.
    ctx.log_data_use(&done.data_use(
        crate::audit::data_use::Use::Aggregate,
        format_name(ctx.out.format),
    ))?;
    let (form, agg) = (&done.form, &done.aggregate);
    let c = &agg.coverage;
    let statuses = |lang| {
        c.statuses
            .iter()
            .map(|s| crate::output::status_words(s.as_str(), lang))
            .collect::<Vec<_>>()
            .join(", ")
    };
    ctx.out.note(Msg::new(
        format!(
            "{} kỳ {}: tổng hợp {}/{} đơn vị (báo cáo {})",
            agg.regime,
            agg.period,
            c.included,
            c.expected,
            statuses(Lang::Vi)
        ),
        format!(
            "{} {}: {}/{} units aggregated (reports {})",
            agg.regime,
            agg.period,
            c.included,
            c.expected,
            statuses(Lang::En)
        ),
    ));
    // Units the obligation rule leaves out of the expected ones are named, as `status` does.
    crate::cli::monitor::note_excluded(ctx, &agg.excluded);
    if ctx.out.format == Format::Json {
        return ctx.out.emit(&serde_json::to_value(agg)?, &[]);
    }
    let people = (ctx.out.format == Format::Table).then_some((form, ctx.lang()));
    let mut rows = flat_rows(&agg.rows, None, people);
    for s in &agg.subtotals {
        rows.extend(flat_rows(&s.rows, Some((&s.unit, &s.unit_name)), people));
    }
    ctx.out.emit(&Value::Array(rows), &[])?;
    if let Some(ytd) = &agg.ytd {
        ctx.out
            .note(Msg::new("Lũy kế từ đầu năm:", "Year to date:"));
        ctx.out
            .emit(&Value::Array(flat_rows(ytd, None, people)), &[])?;
    }
    if let Some(g) = &agg.growth {
        ctx.out.note(Msg::new(
            "So với cùng kỳ năm trước (%):",
            "Against the same period last year (%):",
        ));
        // Growth rates are percentages whatever the column holds.
        let rates = people.map(|(form, lang)| (form, lang, true));
        ctx.out
            .emit(&Value::Array(flat_rows_as(g, None, rates)), &[])?;
    }
    Ok(())
}
