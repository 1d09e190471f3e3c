//! `baocao aggregate …`: a regime's period over units, with coverage, subtotals,
//! year to date and the same period last year.

use clap::Args;
use serde_json::{json, Map, Value};

use crate::aggregate::model::AggRow;
use crate::audit::data_use::DataUse;
use crate::context::Ctx;
use crate::error::{Error, Kind, Lang, Msg, Result};
use crate::fields;
use crate::form::{FormDef, ValueType};
use crate::ops::aggregate::collect::{self, Grouping, Options};
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
    pub fn options(&self) -> Result<Options> {
        let level = self.level.map(|n| n.to_string());
        let by = self
            .by
            .as_deref()
            .or(level.as_deref())
            .or(self.group_by.as_deref());
        let grouping = match by {
            None => Grouping::None,
            Some("unit") => Grouping::ByUnit,
            Some("parent") => Grouping::ByParent,
            Some(n) => match n.parse::<usize>() {
                Ok(d) if (1..=10).contains(&d) => Grouping::Level(d),
                _ => {
                    return Err(Error::new(
                        Kind::Usage,
                        Msg::new(
                            format!("--by «{n}»: unit, parent hoặc một cấp 1–10"),
                            format!("--by «{n}»: unit, parent or a level 1–10"),
                        ),
                    ))
                }
            },
        };
        let statuses = if self.include == "sent" {
            vec![
                crate::domain::workflow::RevisionStatus::Sent,
                crate::domain::workflow::RevisionStatus::Accepted,
            ]
        } else {
            vec![crate::domain::workflow::RevisionStatus::Accepted]
        };
        Ok(Options {
            statuses,
            grouping,
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
    let vn = crate::domain::number::format_vn(&d.normalize(), places);
    match lang {
        Lang::Vi => vn,
        Lang::En => vn
            .chars()
            .map(|c| match c {
                '.' => ',',
                ',' => '.',
                c => c,
            })
            .collect(),
    }
}

/// The audit entry of one aggregate taken out (`crate::audit::data_use`).
fn data_use(
    what: &'static str,
    a: &AggregateArgs,
    agg: &crate::aggregate::model::Aggregate,
    format: &'static str,
) -> DataUse {
    let c = &agg.coverage;
    DataUse::new(what, Some(&agg.regime), &agg.period)
        .format(format)
        .with("include", json!(a.include))
        .with("units_included", json!(c.included))
        .with("units_expected", json!(c.expected))
}

pub fn format_name(f: Format) -> &'static str {
    match f {
        Format::Table => "table",
        Format::Json => "json",
        Format::Csv => "csv",
    }
}

pub fn run(ctx: &Ctx, a: AggregateArgs) -> Result<()> {
    let o = a.options()?;
    let (form, agg, _) =
        ctx.read(|tx, actor| collect::aggregate(tx, actor, &a.regime, &a.period, &o))?;
    // Logged before anything is shown: no figures leave unlogged.
    ctx.log_data_use(&data_use(
        "aggregate",
        &a,
        &agg,
        format_name(ctx.out.format),
    ))?;
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
        return ctx.out.emit(&serde_json::to_value(&agg)?, &[]);
    }
    let people = (ctx.out.format == Format::Table).then_some((&form, ctx.lang()));
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

/// `export aggregate`: the workbook a provincial office forwards as is (SPEC §8), or its
/// CSV/JSON with `-o csv|json` and no `--out`.
#[derive(Debug, Args)]
pub struct ExportAggregateArgs {
    #[command(flatten)]
    pub agg: AggregateArgs,
    /// The .xlsx to write (written beside it, then put in place).
    #[arg(long)]
    pub out: Option<std::path::PathBuf>,
    /// Replace --out if it exists.
    #[arg(long, requires = "out")]
    pub force: bool,
}

pub fn export(ctx: &Ctx, a: ExportAggregateArgs) -> Result<()> {
    let o = a.agg.options()?;
    let now = ctx.clock.now();
    if let Some(path) = &a.out {
        let spinner = ctx.out.spinner(Msg::new(
            format!("Đang tổng hợp và ghi {}…", path.display()),
            format!("Aggregating and writing {}…", path.display()),
        ));
        let written = ctx.read(|tx, actor| {
            crate::ops::aggregate::workbook::write(
                tx,
                actor,
                &a.agg.regime,
                &a.agg.period,
                &o,
                now,
                path,
                a.force,
            )
        });
        if let Some(s) = spinner {
            s.finish_and_clear();
        }
        let (_, agg) = written?;
        let usage = data_use("export_aggregate", &a.agg, &agg, "xlsx").to_file(path);
        if let Err(e) = ctx.log_data_use(&usage) {
            // Not logged, not handed out.
            let _ = std::fs::remove_file(path);
            return Err(e);
        }
        let p = path.display();
        ctx.out.note(Msg::new(
            format!("Đã ghi bảng tổng hợp {p}"),
            format!("Wrote the aggregated workbook {p}"),
        ));
        crate::cli::monitor::note_excluded(ctx, &agg.excluded);
        let mut written = json!({"out": path, "regime": agg.regime, "period": agg.period, "coverage": agg.coverage, "excluded": agg.excluded});
        if ctx.out.format == Format::Table {
            // A person reads the coverage as a count and the units left out.
            let c = &agg.coverage;
            let missing = match c.units_missing.len() {
                0 => String::new(),
                n if n <= 10 => format!(" ({})", c.units_missing.join(", ")),
                n => format!(" ({}, … +{})", c.units_missing[..10].join(", "), n - 10),
            };
            written["coverage"] = json!(format!("{}/{}{missing}", c.included, c.expected));
            // Named in the note above; the table shows the fields below.
            if let Some(o) = written.as_object_mut() {
                o.remove("excluded");
            }
        }
        return ctx.out.emit(
            &written,
            fields![
                ("out", "Tệp", "File"),
                ("regime", "Chế độ", "Regime"),
                ("period", "Kỳ", "Period"),
                (
                    "coverage",
                    "Đơn vị được tổng hợp (thiếu)",
                    "Units aggregated (missing)"
                )
            ],
        );
    }
    let (form, agg, _) =
        ctx.read(|tx, actor| collect::aggregate(tx, actor, &a.agg.regime, &a.agg.period, &o))?;
    if ctx.out.format != Format::Table {
        ctx.log_data_use(&data_use(
            "export_aggregate",
            &a.agg,
            &agg,
            format_name(ctx.out.format),
        ))?;
    }
    if ctx.out.format != Format::Table {
        crate::cli::monitor::note_excluded(ctx, &agg.excluded);
    }
    match ctx.out.format {
        Format::Csv => ctx.out.text(&crate::export::aggregate_csv(&form, &agg)),
        Format::Json => ctx.out.emit(&serde_json::to_value(&agg)?, &[]),
        Format::Table => Err(Error::new(
            Kind::Usage,
            Msg::new(
                "Cần --out FILE.xlsx, hoặc -o csv / -o json",
                "Give --out FILE.xlsx, or -o csv / -o json",
            ),
        )),
    }
}
