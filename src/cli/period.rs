//! `baocao period …`: periods, data windows and deadlines. Reading needs no sign-in
//! (these are public facts).

use clap::{Args, Subcommand};

use crate::clock;
use crate::context::Ctx;
use crate::domain::calendar::WorkCalendar;
use crate::domain::deadline::DeadlineRule;
use crate::domain::period::{PeriodType, WindowKind};
use crate::error::Result;
use crate::fields;
use crate::ops::calendar;
use crate::ops::period::{self, PeriodFacts, Rules};
use crate::output::Field;

#[derive(Debug, Args)]
pub struct WindowArgs {
    /// Data window: Decree 09's cutoff windows (nd09), calendar months, or school_start
    /// (a school year's start-of-year data, 1–15 September).
    #[arg(long, default_value = "nd09", value_parser = parse_window)]
    pub window: WindowKind,
    /// A deadline rule instead of the period type's default, e.g. `day:20:last@23:59:59`,
    /// `workdays:3@16:30`, `day:5:next,roll=none`, `day:20:before` (before the 20th: due
    /// the 19th).
    #[arg(long, value_parser = parse_rule)]
    pub deadline: Option<DeadlineRule>,
}

fn parse_window(s: &str) -> std::result::Result<WindowKind, String> {
    s.parse::<WindowKind>()
        .map_err(|_| format!("«{s}»: nd09 | calendar | school_start"))
}

fn parse_rule(s: &str) -> std::result::Result<DeadlineRule, String> {
    s.parse::<DeadlineRule>().map_err(|e| e.message_en())
}

fn parse_type(s: &str) -> std::result::Result<PeriodType, String> {
    s.parse::<PeriodType>().map_err(|_| format!("«{s}»: daily | weekly | half_month | monthly | quarterly | six_monthly | yearly | school_year"))
}

#[derive(Debug, Subcommand)]
pub enum PeriodCmd {
    /// A period's data window and deadline: `period show 2026Q1`.
    Show(ShowArgs),
    /// Every period of a type in a year.
    List(ListArgs),
    /// The period of a type whose data window holds today (or --as-of, or --date).
    Current(CurrentArgs),
    /// The period after this one.
    Next(StepArgs),
    /// The period before this one.
    Previous(StepArgs),
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The period id: 20261123, 2026W48, 202611H1, 202611, 2026Q1, 2026S1, 2026, 2025Sep.
    id: String,
    #[command(flatten)]
    w: WindowArgs,
    /// Apply this regime's own window and deadline rule (and its reception windows).
    #[arg(long)]
    regime: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// The period type: daily, weekly, half_month, monthly, quarterly, six_monthly,
    /// yearly or school_year.
    #[arg(long = "type", value_parser = parse_type)]
    ptype: PeriodType,
    /// The year (1900–2100; a school year is listed under the year it starts).
    #[arg(long)]
    year: i16,
    #[command(flatten)]
    w: WindowArgs,
}

#[derive(Debug, Args)]
pub struct CurrentArgs {
    /// The period type: daily, weekly, half_month, monthly, quarterly, six_monthly,
    /// yearly or school_year.
    #[arg(long = "type", value_parser = parse_type)]
    ptype: PeriodType,
    /// The day to look up (2026-11-23 or 23/11/2026; default: today, or --as-of).
    #[arg(long)]
    date: Option<String>,
    #[command(flatten)]
    w: WindowArgs,
}

#[derive(Debug, Args)]
pub struct StepArgs {
    /// The period id: 20261123, 2026W48, 202611H1, 202611, 2026Q1, 2026S1, 2026, 2025Sep.
    id: String,
    #[command(flatten)]
    w: WindowArgs,
}

pub const PERIOD_FIELDS: &[Field] = fields![
    ("id", "Kỳ", "Period"),
    ("name", "Tên kỳ", "Name"),
    ("type", "Loại kỳ", "Type"),
    ("start", "Từ ngày", "From"),
    ("end", "Đến ngày", "To"),
    ("deadline", "Hạn gửi", "Deadline"),
    ("window", "Khung thời gian", "Window"),
];

impl WindowArgs {
    fn rules(&self) -> Rules {
        Rules {
            window: self.window,
            deadline: self.deadline,
        }
    }
}

/// The calendar of the database when there is one, else the built-in rules.
pub fn effective_calendar(ctx: &Ctx) -> Result<WorkCalendar> {
    if !ctx.db.exists() {
        return Ok(calendar::builtin());
    }
    let mut db = ctx.open()?;
    db.read(|tx| calendar::load(tx))
}

fn emit(ctx: &Ctx, p: &PeriodFacts) -> Result<()> {
    ctx.out
        .emit(&serde_json::to_value(p.in_lang(ctx.lang()))?, PERIOD_FIELDS)
}

pub fn period(ctx: &Ctx, cmd: PeriodCmd) -> Result<()> {
    match cmd {
        PeriodCmd::Show(ShowArgs {
            id,
            regime: Some(code),
            ..
        }) => {
            let v = ctx.read(|tx, _| period::show_for_regime(tx, &code, &id))?;
            ctx.out.emit(&serde_json::to_value(v)?, PERIOD_FIELDS)
        }
        PeriodCmd::Show(a) => {
            let p = period::parse(&a.id)?;
            let cal = effective_calendar(ctx)?;
            emit(ctx, &period::facts(&p, a.w.rules(), &cal))
        }
        PeriodCmd::List(a) => {
            let cal = effective_calendar(ctx)?;
            let list: Vec<_> = period::list(a.ptype, a.year)?
                .iter()
                .map(|p| period::facts(p, a.w.rules(), &cal).in_lang(ctx.lang()))
                .collect();
            ctx.out.emit(&serde_json::to_value(list)?, PERIOD_FIELDS)
        }
        PeriodCmd::Current(a) => {
            let day = match a.date {
                Some(d) => clock::parse_date(&d)?,
                None => ctx.clock.today(),
            };
            let p = period::containing(a.ptype, day, a.w.window)?;
            let cal = effective_calendar(ctx)?;
            emit(ctx, &period::facts(&p, a.w.rules(), &cal))
        }
        PeriodCmd::Next(a) => {
            let p = period::next_of(&a.id)?;
            let cal = effective_calendar(ctx)?;
            emit(ctx, &period::facts(&p, a.w.rules(), &cal))
        }
        PeriodCmd::Previous(a) => {
            let p = period::previous_of(&a.id)?;
            let cal = effective_calendar(ctx)?;
            emit(ctx, &period::facts(&p, a.w.rules(), &cal))
        }
    }
}
