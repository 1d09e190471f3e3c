//! `baocao aggregate …`: a regime's period over units, with coverage, subtotals,
//! year to date and the same period last year.

use clap::{Args, Subcommand};
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
            // The row key is for programs; people find a row by its STT and name.
            if people.is_none() {
                m.insert(label("row").into(), json!(r.row));
            }
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
                // People read the form's own column headings, CSV keeps the numbers.
                let heading = match people {
                    Some((form, _, _)) => column_heading(form, k),
                    None => k.clone(),
                };
                m.insert(heading, shown);
            }
            Value::Object(m)
        })
        .collect()
}

/// A column as the form heads it: its header path and its number, `Thực hiện tháng
/// báo cáo (3)`; the number alone when the form gives no header.
fn column_heading(form: &FormDef, number: &str) -> String {
    let header = form
        .columns
        .iter()
        .find(|c| c.number == number)
        .map(|c| {
            let mut parts: Vec<&str> = Vec::new();
            for h in &c.header {
                let h = h.trim();
                if !h.is_empty() && !parts.contains(&h) {
                    parts.push(h);
                }
            }
            parts.join(" – ")
        })
        .unwrap_or_default();
    if header.is_empty() {
        number.to_string()
    } else {
        format!("{header} ({number})")
    }
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
    // On a narrow terminal the form's long headings would stand ten lines tall: the
    // table is headed by the column numbers, as printed forms number them, and the
    // headings follow as a legend.
    let short = people.is_some()
        && crate::output::header_lines(&Value::Array(rows.clone()), ctx.lang()) > 4;
    let mut legend = Vec::new();
    let mut show = |rows: Vec<Value>| -> Result<()> {
        let rows = match short {
            true => numbered(rows, &mut legend),
            false => rows,
        };
        ctx.out.emit(&Value::Array(rows), &[])
    };
    show(rows)?;
    if let Some(ytd) = &agg.ytd {
        ctx.out
            .note(Msg::new("Lũy kế từ đầu năm:", "Year to date:"));
        show(flat_rows(ytd, None, people))?;
    }
    if let Some(g) = &agg.growth {
        ctx.out.note(Msg::new(
            "So với cùng kỳ năm trước (%):",
            "Against the same period last year (%):",
        ));
        // Growth rates are percentages whatever the column holds.
        let rates = people.map(|(form, lang)| (form, lang, true));
        show(flat_rows_as(g, None, rates))?;
    }
    if !legend.is_empty() {
        let lines: Vec<String> = legend
            .iter()
            .map(|(number, heading)| crate::output::fit_line(&format!("({number}) {heading}")))
            .collect();
        ctx.out.text(&format!("\n{}\n", lines.join("\n")))?;
    }
    Ok(())
}

/// `rows` headed by their column numbers alone (`(1)`), each heading added to
/// `legend` once.
fn numbered(rows: Vec<Value>, legend: &mut Vec<(String, String)>) -> Vec<Value> {
    rows.into_iter()
        .map(|row| match row {
            Value::Object(m) => Value::Object(
                m.into_iter()
                    .map(|(k, v)| match split_heading(&k) {
                        Some((heading, number)) => {
                            if !legend.iter().any(|(n, _)| n == number) {
                                legend.push((number.to_string(), heading.to_string()));
                            }
                            (format!("({number})"), v)
                        }
                        None => (k, v),
                    })
                    .collect(),
            ),
            other => other,
        })
        .collect()
}

/// `Kế hoạch năm 2026 (1)` → (`Kế hoạch năm 2026`, `1`).
fn split_heading(key: &str) -> Option<(&str, &str)> {
    let (heading, rest) = key.rsplit_once(" (")?;
    let number = rest.strip_suffix(')')?;
    (!number.is_empty() && !number.contains(' ')).then_some((heading, number))
}

/// `aggregate REGIME PERIOD`, or one of the steps that take the lead unit's aggregate
/// upward (`approve`, `send`, `history`).
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct AggregateCmd {
    #[command(flatten)]
    pub args: Option<AggregateArgs>,
    #[command(subcommand)]
    pub step: Option<AggregateStep>,
}

#[derive(Debug, Subcommand)]
pub enum AggregateStep {
    /// Approve the lead unit's aggregate of a period as it is now (the lead unit's
    /// leader, approver): its content is pinned for sending. Again while unsent when it
    /// has changed; after sending, a correction (the next revision).
    ///
    /// Exit status: 4 unless approver of the regime's lead unit; 6 for an unknown
    /// regime; 5 for a malformed period; 7 when no report is accepted yet.
    Approve(StepArgs),
    /// Sign and send the approved aggregate upward as an aggregate document (the lead
    /// unit's sender, with a signing key): the document is printed or written to --out,
    /// for the receiving system's `exchange import`.
    ///
    /// Exit status: 4 unless sender of the regime's lead unit; 7 when nothing is
    /// approved, it was sent, the aggregate changed since it was approved (approve it
    /// again), or the account has no signing key here.
    Send(SendArgs),
    /// The revisions of the aggregate sent upward and every step, with actor and time.
    History(WhichArgs),
}

impl AggregateStep {
    pub fn verb(&self) -> &'static str {
        match self {
            AggregateStep::Approve(_) => "approve",
            AggregateStep::Send(_) => "send",
            AggregateStep::History(_) => "history",
        }
    }
}

#[derive(Debug, Args, Clone)]
pub struct WhichArgs {
    /// The regime code.
    pub regime: String,
    /// The period (202611, 2026Q1, …).
    pub period: String,
}

#[derive(Debug, Args, Clone)]
pub struct StepArgs {
    #[command(flatten)]
    pub which: WhichArgs,
    /// A comment recorded with the step.
    #[arg(long)]
    pub comment: Option<String>,
}

#[derive(Debug, Args, Clone)]
pub struct SendArgs {
    #[command(flatten)]
    pub step: StepArgs,
    /// The receiving unit's code (default: the lead unit's parent, else the system itself).
    #[arg(long, value_name = "UNIT")]
    pub to: Option<String>,
    /// The receiving system's code (default: `VN`, the national system).
    #[arg(long, value_name = "SYSTEM")]
    pub to_system: Option<String>,
    /// Write the signed document to this file instead of standard output.
    #[arg(long)]
    pub out: Option<std::path::PathBuf>,
    /// Replace --out if it exists.
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Return the document to sign, unsigned (the remote CLI's own step).
    #[arg(long, hide = true, conflicts_with = "document")]
    pub unsigned: bool,
    /// The document signed on the sender's machine (the remote CLI's own step).
    #[arg(long, hide = true)]
    pub document: Option<String>,
}

const UPWARD_FIELDS: &[crate::output::Field] = crate::fields![
    ("regime", "Chế độ", "Regime"),
    ("period", "Kỳ", "Period"),
    ("revision", "Bản", "Revision"),
    ("state", "Trạng thái", "State"),
    ("approved_by", "Người duyệt", "Approved by"),
    ("approved_at", "Duyệt lúc", "Approved at"),
    ("sent_by", "Người gửi", "Sent by"),
    ("sent_at", "Gửi lúc", "Sent at"),
    ("content_digest", "Mã băm nội dung", "Content digest")
];

fn show_upward(ctx: &Ctx, u: &ops::exchange::upward::Upward) -> Result<()> {
    if ctx.out.format == Format::Json {
        return ctx.out.emit(&serde_json::to_value(u)?, &[]);
    }
    let mut row = serde_json::to_value(&u.revision)?;
    if let Value::Object(m) = &mut row {
        m.insert("regime".into(), json!(u.regime));
        m.insert("period".into(), json!(u.period));
    }
    ctx.out.emit(&row, UPWARD_FIELDS)
}

pub fn cmd(ctx: &Ctx, c: AggregateCmd) -> Result<()> {
    match (c.step, c.args) {
        (Some(step), _) => upward(ctx, step),
        (None, Some(a)) => run(ctx, a),
        (None, None) => Err(crate::error::Error::new(
            crate::error::Kind::Usage,
            Msg::new(
                "Cần REGIME PERIOD, hoặc approve / send / history",
                "Give REGIME PERIOD, or approve / send / history",
            ),
        )),
    }
}

fn upward(ctx: &Ctx, step: AggregateStep) -> Result<()> {
    use ops::exchange::upward as approval;
    match step {
        AggregateStep::Approve(a) => {
            let done = ctx.write(|tx, actor, rec| {
                approval::approve(
                    tx,
                    actor,
                    rec,
                    &a.which.regime,
                    &a.which.period,
                    a.comment.as_deref(),
                )
            })?;
            show_upward(ctx, &done)
        }
        AggregateStep::History(w) => {
            let h = ctx.read(|tx, actor| approval::history(tx, actor, &w.regime, &w.period))?;
            if ctx.out.format == Format::Json {
                return ctx.out.emit(&serde_json::to_value(&h)?, &[]);
            }
            ctx.out.emit(
                &serde_json::to_value(&h.history)?,
                crate::fields![
                    ("revision", "Bản", "Revision"),
                    ("action", "Bước", "Step"),
                    ("actor", "Người làm", "Actor"),
                    ("at", "Lúc", "At"),
                    ("comment", "Ghi chú", "Comment")
                ],
            )
        }
        AggregateStep::Send(a) => send(ctx, a),
    }
}

fn send(ctx: &Ctx, a: SendArgs) -> Result<()> {
    use crate::ops::exchange::document::Document;
    use ops::exchange::upward as approval;
    let req = crate::ops::exchange::ExportRequest {
        kind: crate::ops::exchange::document::DocumentType::Aggregate,
        regime: Some(a.step.which.regime.clone()),
        period: Some(a.step.which.period.clone()),
        unit: None,
        to: a.to.clone(),
        to_system: a.to_system.clone(),
    };
    if let Some(path) = &a.out {
        crate::files::check_output(path, a.force)?;
    }
    // The document signed elsewhere, or the one to sign (handed out, or signed here).
    let doc = match (&a.document, a.unsigned) {
        (Some(text), _) => {
            let mut docs = Document::parse_all(text, "--document")?;
            match (docs.pop(), docs.is_empty()) {
                (Some(d), true) => d,
                _ => {
                    return Err(crate::error::Error::new(
                        crate::error::Kind::Invalid,
                        Msg::new(
                            "--document: cần đúng một tài liệu",
                            "--document: exactly one document expected",
                        ),
                    ))
                }
            }
        }
        (None, unsigned) => {
            if ctx.served.is_some() && !unsigned {
                return Err(crate::error::Error::new(
                    crate::error::Kind::Usage,
                    Msg::new(
                        "Bản tổng hợp được ký trên máy của người gửi, không ký trên máy chủ",
                        "The aggregate is signed on the sender's machine, not on the server",
                    ),
                ));
            }
            let (to_sign, username) = ctx.read(|tx, actor| {
                let at = crate::clock::rfc3339(ctx.record_time(tx)?);
                Ok((
                    approval::to_send(tx, actor, &at, &req)?,
                    actor.username.clone(),
                ))
            })?;
            if unsigned {
                return ctx.out.emit(&serde_json::to_value(&to_sign)?, &[]);
            }
            let (key_id, key) = crate::sign::load(&ctx.db, &username)?;
            to_sign.seal(key_id, &key)
        }
    };
    let done = ctx
        .write(|tx, actor, rec| approval::send(tx, actor, rec, &doc, a.step.comment.as_deref()))?;
    let mut text = serde_json::to_string_pretty(&doc)?;
    text.push('\n');
    match &a.out {
        Some(path) => {
            std::fs::write(path, &text)?;
            let p = path.display();
            ctx.out.note(Msg::new(
                format!(
                    "Đã gửi bản tổng hợp {}/{} (bản {}); tài liệu đã ký: {p}",
                    done.regime,
                    done.period,
                    done.revision.as_ref().map_or(0, |r| r.number)
                ),
                format!(
                    "Sent the aggregate {}/{} (revision {}); the signed document: {p}",
                    done.regime,
                    done.period,
                    done.revision.as_ref().map_or(0, |r| r.number)
                ),
            ));
            show_upward(ctx, &done)
        }
        None if a.document.is_some() => show_upward(ctx, &done),
        None => ctx.out.text(&text),
    }
}
