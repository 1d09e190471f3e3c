//! `baocao period …` and `baocao calendar …`: periods, data windows and deadlines, the
//! lunar calendar and the working-day calendar. Reading needs no sign-in (these are
//! public facts); changing the calendar needs a sysadmin.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use jiff::civil::Date;
use serde_json::{json, Value};

use crate::clock;
use crate::context::Ctx;
use crate::domain::calendar::{OverrideKind, WorkCalendar};
use crate::domain::deadline::{self, DeadlineRule};
use crate::domain::lunar::{self, LunarDate};
use crate::domain::period::{Period, PeriodType, WindowKind};
use crate::error::{Error, Kind, Msg, Result};
use crate::fields;
use crate::ops::calendar;
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
    Show {
        /// The period id: 20261123, 2026W48, 202611H1, 202611, 2026Q1, 2026S1, 2026, 2025Sep.
        id: String,
        #[command(flatten)]
        w: WindowArgs,
        /// Apply this regime's own window and deadline rule (and its reception windows).
        #[arg(long)]
        regime: Option<String>,
    },
    /// Every period of a type in a year.
    List {
        /// The period type: daily, weekly, half_month, monthly, quarterly, six_monthly,
        /// yearly or school_year.
        #[arg(long = "type", value_parser = parse_type)]
        ptype: PeriodType,
        /// The year (1900–2100; a school year is listed under the year it starts).
        #[arg(long)]
        year: i16,
        #[command(flatten)]
        w: WindowArgs,
    },
    /// The period of a type whose data window holds today (or --as-of, or --date).
    Current {
        /// The period type: daily, weekly, half_month, monthly, quarterly, six_monthly,
        /// yearly or school_year.
        #[arg(long = "type", value_parser = parse_type)]
        ptype: PeriodType,
        /// The day to look up (2026-11-23 or 23/11/2026; default: today, or --as-of).
        #[arg(long)]
        date: Option<String>,
        #[command(flatten)]
        w: WindowArgs,
    },
    /// The period after this one.
    Next {
        /// The period id: 20261123, 2026W48, 202611H1, 202611, 2026Q1, 2026S1, 2026, 2025Sep.
        id: String,
        #[command(flatten)]
        w: WindowArgs,
    },
    /// The period before this one.
    Previous {
        /// The period id: 20261123, 2026W48, 202611H1, 202611, 2026Q1, 2026S1, 2026, 2025Sep.
        id: String,
        #[command(flatten)]
        w: WindowArgs,
    },
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

fn parse_period(id: &str) -> Result<Period> {
    Period::parse(id)
        .map_err(|e| Error::new(Kind::Invalid, Msg::new(e.message_vi(), e.message_en())))
}

/// The calendar of the database when there is one, else the built-in rules.
fn effective_calendar(ctx: &Ctx) -> Result<WorkCalendar> {
    if !ctx.db.exists() {
        return Ok(calendar::builtin());
    }
    let mut store = ctx.open()?;
    store.read(|tx| calendar::load(tx))
}

pub fn period_value(
    p: &Period,
    w: &WindowArgs,
    cal: &WorkCalendar,
    lang: crate::error::Lang,
) -> Value {
    let (start, end) = p.window(w.window);
    let rule = w
        .deadline
        .unwrap_or_else(|| deadline::default_rule_for(p.period_type(), w.window));
    let due = deadline::deadline(p, (start, end), &rule, cal);
    json!({
        "id": p.to_string(),
        "type": p.period_type().as_str(),
        "start": start.to_string(),
        "end": end.to_string(),
        "deadline": deadline::to_rfc3339(due),
        "name": if lang == crate::error::Lang::Vi { p.name_vi() } else { p.name_en() },
        "window": w.window.to_string(),
    })
}

pub fn period(ctx: &Ctx, cmd: PeriodCmd) -> Result<()> {
    let lang = ctx.lang();
    match cmd {
        PeriodCmd::Show {
            id,
            regime: Some(code),
            ..
        } => {
            let v = ctx.read(|tx, _| {
                let r = crate::ops::regime::find(tx, &code)?;
                let pid = crate::ops::regime::parse_period(&r, &id)?;
                let cal = calendar::load(tx)?;
                let events = crate::ops::regime::window_events(tx, &code, Some(&id))?;
                let info = crate::ops::regime::period_info(&r, &pid, None, &cal, &events)?;
                let kind = r.frequency.clone().unwrap_or_else(|| r.kind.clone());
                let mut v = json!({"id": info.period, "type": kind, "start": info.start, "end": info.end, "deadline": info.effective_deadline, "name": info.name, "window": r.window, "regime": r.code, "rule_deadline": info.deadline, "reception_open": info.reception_open});
                // Why the deadline moved: the outages it fell in, the lead unit's extension.
                v["outage_extension"] = serde_json::to_value(&info.outage_extension)?;
                v["extension"] = serde_json::to_value(&info.extension)?;
                Ok(v)
            })?;
            ctx.out.emit(&v, PERIOD_FIELDS)
        }
        PeriodCmd::Show {
            id,
            w,
            regime: None,
        } => {
            let p = parse_period(&id)?;
            let cal = effective_calendar(ctx)?;
            ctx.out
                .emit(&period_value(&p, &w, &cal, lang), PERIOD_FIELDS)
        }
        PeriodCmd::List { ptype, year, w } => {
            let cal = effective_calendar(ctx)?;
            let list = Period::list(ptype, year);
            if list.is_empty() {
                return Err(Error::new(
                    Kind::Invalid,
                    Msg::new(
                        format!("Năm {year} ngoài phạm vi 1900–2100"),
                        format!("Year {year} is outside 1900–2100"),
                    ),
                ));
            }
            ctx.out.emit(
                &Value::Array(
                    list.iter()
                        .map(|p| period_value(p, &w, &cal, lang))
                        .collect(),
                ),
                PERIOD_FIELDS,
            )
        }
        PeriodCmd::Current { ptype, date, w } => {
            let day = match date {
                Some(d) => clock::parse_date(&d)?,
                None => ctx.clock.today(),
            };
            let Some(p) = Period::containing(ptype, day, w.window) else {
                let d = day.to_string();
                return Err(Error::new(
                    Kind::NotFound,
                    Msg::new(format!("Ngày {d} không thuộc kỳ {} nào theo khung thời gian này (nghỉ hè của năm học?)", ptype.name_vi()), format!("{d} lies in no {ptype} period under this window (school summer break?)")),
                ));
            };
            let cal = effective_calendar(ctx)?;
            ctx.out
                .emit(&period_value(&p, &w, &cal, lang), PERIOD_FIELDS)
        }
        PeriodCmd::Next { id, w } => {
            let p = parse_period(&id)?;
            let n = p.next().ok_or_else(out_of_range)?;
            let cal = effective_calendar(ctx)?;
            ctx.out
                .emit(&period_value(&n, &w, &cal, lang), PERIOD_FIELDS)
        }
        PeriodCmd::Previous { id, w } => {
            let p = parse_period(&id)?;
            let n = p.prev().ok_or_else(out_of_range)?;
            let cal = effective_calendar(ctx)?;
            ctx.out
                .emit(&period_value(&n, &w, &cal, lang), PERIOD_FIELDS)
        }
    }
}

fn out_of_range() -> Error {
    Error::new(
        Kind::Invalid,
        Msg::new(
            "Kỳ ngoài phạm vi 1900–2100",
            "The period is outside 1900–2100",
        ),
    )
}

#[derive(Debug, Subcommand)]
pub enum CalendarCmd {
    /// Solar date → Vietnamese lunar date: `calendar lunar 2026-02-17`.
    Lunar {
        /// The solar date (2026-02-17 or 17/02/2026).
        date: String,
    },
    /// Lunar date (year-month-day) → solar date: `calendar solar 2026-01-01 [--leap]`.
    Solar {
        /// The lunar date, year-month-day (2026-01-01) or day/month/year (01/01/2026).
        date: String,
        /// The lunar month is the leap (nhuận) month.
        #[arg(long)]
        leap: bool,
    },
    /// Is this a working day, and if not, why.
    IsWorkday {
        /// The date (2026-11-23 or 23/11/2026).
        date: String,
    },
    /// Days off of a year: holidays, compensatory days and overrides.
    Holidays {
        /// The year (1900–2100).
        year: i16,
    },
    /// The first working day after a date (or the N-th with --after N).
    NextWorkday {
        /// The date to count from (2026-11-23 or 23/11/2026).
        date: String,
        /// Count this many working days after the date (1–3660).
        #[arg(long, default_value_t = 1)]
        after: i64,
    },
    /// Count working days between two dates, both included.
    Workdays {
        /// The first day (2026-11-23 or 23/11/2026).
        #[arg(long)]
        from: String,
        /// The last day, not before --from.
        #[arg(long)]
        to: String,
    },
    /// Declare a day off (an announced extra holiday).
    AddOff {
        /// The date (2026-11-23 or 23/11/2026).
        date: String,
        /// A name for the day off (e.g. `Nghỉ bù Quốc khánh`; default: Ngày nghỉ theo thông báo).
        #[arg(long)]
        name: Option<String>,
    },
    /// Declare a working day (a làm bù Saturday).
    AddWorkday {
        /// The date (2026-11-23 or 23/11/2026).
        date: String,
        /// A name for the working day (default: Ngày làm bù).
        #[arg(long)]
        name: Option<String>,
    },
    /// Remove an override; the built-in rules apply again.
    Remove {
        /// The date of the override (2026-11-23 or 23/11/2026).
        date: String,
    },
    /// Import the official yearly schedule: CSV `date,kind,name`, kind `off|workday`.
    Import {
        /// The CSV file to read.
        file: PathBuf,
        /// Report created / updated / unchanged / conflicts; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

impl CalendarCmd {
    pub fn verb(&self) -> &'static str {
        match self {
            CalendarCmd::Lunar { .. } => "lunar",
            CalendarCmd::Solar { .. } => "solar",
            CalendarCmd::IsWorkday { .. } => "is-workday",
            CalendarCmd::Holidays { .. } => "holidays",
            CalendarCmd::NextWorkday { .. } => "next-workday",
            CalendarCmd::Workdays { .. } => "workdays",
            CalendarCmd::AddOff { .. } => "add-off",
            CalendarCmd::AddWorkday { .. } => "add-workday",
            CalendarCmd::Remove { .. } => "remove",
            CalendarCmd::Import { .. } => "import",
        }
    }
}

fn calendar_error(e: crate::domain::calendar::CalendarError) -> Error {
    Error::new(
        Kind::Invalid,
        Msg::new(
            format!("Ngày không hợp lệ: {e}"),
            format!("Invalid date: {e}"),
        ),
    )
}

fn lunar_value(solar: Date, l: LunarDate) -> Value {
    json!({"solar": solar.to_string(), "lunar": {"year": l.year, "month": l.month, "day": l.day, "leap": l.leap}})
}

const LUNAR_FIELDS: &[Field] = fields![
    ("solar", "Dương lịch", "Solar"),
    ("lunar", "Âm lịch", "Lunar")
];
const DAY_FIELDS: &[Field] = fields![
    ("date", "Ngày", "Date"),
    ("name", "Tên", "Name"),
    ("kind", "Loại", "Kind")
];

pub fn calendar_cmd(ctx: &Ctx, cmd: CalendarCmd) -> Result<()> {
    match cmd {
        CalendarCmd::Lunar { date } => {
            let d = clock::parse_date(&date)?;
            let l = lunar::solar_to_lunar(d).map_err(calendar_error)?;
            ctx.out.emit(&lunar_value(d, l), LUNAR_FIELDS)
        }
        CalendarCmd::Solar { date, leap } => {
            let t = date.trim();
            let parts: Vec<&str> = t.split(['-', '/']).collect();
            let nums: Option<Vec<i32>> = parts.iter().map(|p| p.parse::<i32>().ok()).collect();
            let l = match (parts.len(), nums) {
                (3, Some(n)) if parts[0].len() == 4 => LunarDate {
                    year: n[0],
                    month: n[1].clamp(0, 99) as u8,
                    day: n[2].clamp(0, 99) as u8,
                    leap,
                },
                (3, Some(n)) if parts[2].len() == 4 => LunarDate {
                    year: n[2],
                    month: n[1].clamp(0, 99) as u8,
                    day: n[0].clamp(0, 99) as u8,
                    leap,
                },
                _ => {
                    return Err(Error::new(
                        Kind::Invalid,
                        Msg::new(
                            format!(
                            "Ngày âm lịch không hợp lệ: «{t}» (năm-tháng-ngày, ví dụ 2026-01-01)"
                        ),
                            format!("Invalid lunar date «{t}» (year-month-day, e.g. 2026-01-01)"),
                        ),
                    ))
                }
            };
            let d = lunar::lunar_to_solar(l).map_err(calendar_error)?;
            ctx.out.emit(&lunar_value(d, l), LUNAR_FIELDS)
        }
        CalendarCmd::IsWorkday { date } => {
            let d = clock::parse_date(&date)?;
            let cal = effective_calendar(ctx)?;
            let (workday, reason) = cal.day_status(d);
            ctx.out.emit(
                &json!({"date": d.to_string(), "workday": workday, "reason": reason}),
                fields![
                    ("date", "Ngày", "Date"),
                    ("workday", "Ngày làm việc", "Working day"),
                    ("reason", "Lý do", "Reason")
                ],
            )
        }
        CalendarCmd::Holidays { year } => {
            if !(lunar::MIN_YEAR..=lunar::MAX_YEAR).contains(&year) {
                return Err(Error::new(
                    Kind::Invalid,
                    Msg::new(
                        format!("Năm {year} ngoài phạm vi 1900–2100"),
                        format!("Year {year} is outside 1900–2100"),
                    ),
                ));
            }
            let cal = effective_calendar(ctx)?;
            ctx.out
                .emit(&serde_json::to_value(cal.holidays(year))?, DAY_FIELDS)
        }
        CalendarCmd::NextWorkday { date, after } => {
            let d = clock::parse_date(&date)?;
            if !(1..=3660).contains(&after) {
                return Err(Error::new(
                    Kind::Invalid,
                    Msg::new("--after phải từ 1 đến 3660", "--after must be 1 to 3660"),
                ));
            }
            let cal = effective_calendar(ctx)?;
            let next = cal.add_workdays(d, after);
            ctx.out.emit(
                &json!({"from": d.to_string(), "after": after, "date": next.to_string()}),
                fields![
                    ("from", "Từ ngày", "From"),
                    ("after", "Sau số ngày làm việc", "Working days after"),
                    ("date", "Ngày", "Date")
                ],
            )
        }
        CalendarCmd::Workdays { from, to } => {
            let (f, t) = (clock::parse_date(&from)?, clock::parse_date(&to)?);
            if f > t {
                return Err(Error::new(
                    Kind::Invalid,
                    Msg::new(
                        "--from phải trước hoặc bằng --to",
                        "--from must not be after --to",
                    ),
                ));
            }
            let cal = effective_calendar(ctx)?;
            ctx.out.emit(&json!({"from": f.to_string(), "to": t.to_string(), "workdays": cal.workdays_between(f, t)}), fields![("from", "Từ ngày", "From"), ("to", "Đến ngày", "To"), ("workdays", "Số ngày làm việc", "Working days")])
        }
        CalendarCmd::AddOff { date, name } => set(ctx, &date, OverrideKind::Off, name),
        CalendarCmd::AddWorkday { date, name } => set(ctx, &date, OverrideKind::Workday, name),
        CalendarCmd::Remove { date } => {
            let d = clock::parse_date(&date)?;
            let row = ctx.write(|tx, actor, rec| calendar::remove(tx, actor, rec, d))?;
            ctx.out.emit(&serde_json::to_value(row)?, DAY_FIELDS)
        }
        CalendarCmd::Import { file, dry_run } => {
            let rows = calendar::read_file(&file)?;
            let lang = ctx.lang();
            let report =
                ctx.write(|tx, actor, rec| calendar::import(tx, actor, rec, &rows, dry_run, lang))?;
            let verdict = crate::ops::unit::dry_run_verdict(report.dry_run, report.conflicts.len());
            ctx.out.emit(
                &serde_json::to_value(report)?,
                fields![
                    ("dry_run", "Chạy thử", "Dry run"),
                    ("created", "Tạo mới", "Created"),
                    ("updated", "Cập nhật", "Updated"),
                    ("unchanged", "Không đổi", "Unchanged"),
                    ("conflicts", "Xung đột", "Conflicts")
                ],
            )?;
            verdict
        }
    }
}

fn set(ctx: &Ctx, date: &str, kind: OverrideKind, name: Option<String>) -> Result<()> {
    let d = clock::parse_date(date)?;
    let row =
        ctx.write(|tx, actor, rec| calendar::set(tx, actor, rec, d, kind, name.as_deref()))?;
    ctx.out.emit(&serde_json::to_value(row)?, DAY_FIELDS)
}
