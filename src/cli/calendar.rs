//! `baocao calendar …`: the lunar calendar and the working-day calendar. Reading needs
//! no sign-in (these are public facts); changing the calendar needs a sysadmin.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::clock;
use crate::context::Ctx;
use crate::domain::calendar::OverrideKind;
use crate::error::Result;
use crate::fields;
use crate::ops::calendar;
use crate::output::Field;

use super::period::effective_calendar;

#[derive(Debug, Subcommand)]
pub enum CalendarCmd {
    /// Solar date → Vietnamese lunar date: `calendar lunar 2026-02-17`.
    Lunar(LunarArgs),
    /// Lunar date (year-month-day) → solar date: `calendar solar 2026-01-01 [--leap]`.
    Solar(SolarArgs),
    /// Is this a working day, and if not, why.
    IsWorkday(DateArgs),
    /// Days off of a year: holidays, compensatory days and overrides.
    Holidays(HolidaysArgs),
    /// The first working day after a date (or the N-th with --after N).
    NextWorkday(NextWorkdayArgs),
    /// Count working days between two dates, both included.
    Workdays(WorkdaysArgs),
    /// Declare a day off (an announced extra holiday).
    AddOff(AddOffArgs),
    /// Declare a working day (a làm bù Saturday).
    AddWorkday(AddWorkdayArgs),
    /// Remove an override; the built-in rules apply again.
    Remove(RemoveArgs),
    /// Import the official yearly schedule: CSV `date,kind,name`, kind `off|workday`.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct LunarArgs {
    /// The solar date (2026-02-17 or 17/02/2026).
    date: String,
}

#[derive(Debug, Args)]
pub struct SolarArgs {
    /// The lunar date, year-month-day (2026-01-01) or day/month/year (01/01/2026).
    date: String,
    /// The lunar month is the leap (nhuận) month.
    #[arg(long)]
    leap: bool,
}

#[derive(Debug, Args)]
pub struct DateArgs {
    /// The date (2026-11-23 or 23/11/2026).
    date: String,
}

#[derive(Debug, Args)]
pub struct HolidaysArgs {
    /// The year (1900–2100).
    year: i16,
}

#[derive(Debug, Args)]
pub struct NextWorkdayArgs {
    /// The date to count from (2026-11-23 or 23/11/2026).
    date: String,
    /// Count this many working days after the date (1–3660).
    #[arg(long, default_value_t = 1)]
    after: i64,
}

#[derive(Debug, Args)]
pub struct WorkdaysArgs {
    /// The first day (2026-11-23 or 23/11/2026).
    #[arg(long)]
    from: String,
    /// The last day, not before --from.
    #[arg(long)]
    to: String,
}

#[derive(Debug, Args)]
pub struct AddOffArgs {
    /// The date (2026-11-23 or 23/11/2026).
    date: String,
    /// A name for the day off (e.g. `Nghỉ bù Quốc khánh`; default: Ngày nghỉ theo thông báo).
    #[arg(long)]
    name: Option<String>,
}

#[derive(Debug, Args)]
pub struct AddWorkdayArgs {
    /// The date (2026-11-23 or 23/11/2026).
    date: String,
    /// A name for the working day (default: Ngày làm bù).
    #[arg(long)]
    name: Option<String>,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The date of the override (2026-11-23 or 23/11/2026).
    date: String,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV file to read.
    file: PathBuf,
    /// Report created / updated / unchanged / conflicts; write nothing.
    #[arg(long)]
    dry_run: bool,
}

impl CalendarCmd {
    pub fn verb(&self) -> &'static str {
        match self {
            CalendarCmd::Lunar(_) => "lunar",
            CalendarCmd::Solar(_) => "solar",
            CalendarCmd::IsWorkday(_) => "is-workday",
            CalendarCmd::Holidays(_) => "holidays",
            CalendarCmd::NextWorkday(_) => "next-workday",
            CalendarCmd::Workdays(_) => "workdays",
            CalendarCmd::AddOff(_) => "add-off",
            CalendarCmd::AddWorkday(_) => "add-workday",
            CalendarCmd::Remove(_) => "remove",
            CalendarCmd::Import(_) => "import",
        }
    }
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

pub fn run(ctx: &Ctx, cmd: CalendarCmd) -> Result<()> {
    match cmd {
        CalendarCmd::Lunar(a) => {
            let v = calendar::lunar(clock::parse_date(&a.date)?)?;
            emit_lunar(ctx, serde_json::to_value(v)?)
        }
        CalendarCmd::Solar(a) => {
            let v = calendar::solar(calendar::parse_lunar(&a.date, a.leap)?)?;
            emit_lunar(ctx, serde_json::to_value(v)?)
        }
        CalendarCmd::IsWorkday(a) => {
            let d = clock::parse_date(&a.date)?;
            let cal = effective_calendar(ctx)?;
            ctx.out.emit(
                &serde_json::to_value(calendar::is_workday(&cal, d))?,
                fields![
                    ("date", "Ngày", "Date"),
                    ("workday", "Ngày làm việc", "Working day"),
                    ("reason", "Lý do", "Reason")
                ],
            )
        }
        CalendarCmd::Holidays(a) => {
            calendar::check_year(a.year)?;
            let cal = effective_calendar(ctx)?;
            ctx.out.emit(
                &serde_json::to_value(calendar::holidays(&cal, a.year)?)?,
                DAY_FIELDS,
            )
        }
        CalendarCmd::NextWorkday(a) => {
            let d = clock::parse_date(&a.date)?;
            calendar::check_after(a.after)?;
            let cal = effective_calendar(ctx)?;
            ctx.out.emit(
                &serde_json::to_value(calendar::next_workday(&cal, d, a.after)?)?,
                fields![
                    ("from", "Từ ngày", "From"),
                    ("after", "Sau số ngày làm việc", "Working days after"),
                    ("date", "Ngày", "Date")
                ],
            )
        }
        CalendarCmd::Workdays(a) => {
            let (f, t) = (clock::parse_date(&a.from)?, clock::parse_date(&a.to)?);
            calendar::check_span(f, t)?;
            let cal = effective_calendar(ctx)?;
            ctx.out.emit(
                &serde_json::to_value(calendar::workdays(&cal, f, t)?)?,
                fields![
                    ("from", "Từ ngày", "From"),
                    ("to", "Đến ngày", "To"),
                    ("workdays", "Số ngày làm việc", "Working days")
                ],
            )
        }
        CalendarCmd::AddOff(a) => set(ctx, &a.date, OverrideKind::Off, a.name),
        CalendarCmd::AddWorkday(a) => set(ctx, &a.date, OverrideKind::Workday, a.name),
        CalendarCmd::Remove(a) => {
            let d = clock::parse_date(&a.date)?;
            let row = ctx.write(|tx, actor, rec| calendar::remove(tx, actor, rec, d))?;
            ctx.out.emit(&serde_json::to_value(row)?, DAY_FIELDS)
        }
        CalendarCmd::Import(a) => {
            let rows = calendar::read_file(&a.file)?;
            let found = ctx
                .write(|tx, actor, rec| calendar::import_days(tx, actor, rec, &rows, a.dry_run))?;
            let report = found.in_lang(ctx.lang());
            let verdict = crate::ops::unit::dry_run_verdict(report.dry_run, report.conflicts.len());
            ctx.out.emit(
                &serde_json::to_value(report)?,
                crate::glossary::IMPORT_FIELDS,
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

/// A solar date and its lunar date: JSON and CSV as they are, a table with the lunar
/// date in words ("mùng 1 tháng Giêng năm Bính Ngọ").
fn emit_lunar(ctx: &Ctx, mut v: serde_json::Value) -> Result<()> {
    if ctx.out.format == crate::output::Format::Table {
        let l = &v["lunar"];
        let n = |k: &str| l[k].as_u64().unwrap_or(0);
        let words = lunar_words(
            n("year") as i64,
            n("month") as usize,
            n("day"),
            l["leap"].as_bool().unwrap_or(false),
            ctx.lang(),
        );
        v["lunar"] = words.into();
    }
    ctx.out.emit(&v, LUNAR_FIELDS)
}

/// A lunar date as it is said: "mùng 1 tháng Giêng năm Bính Ngọ", "ngày 15 tháng Tám
/// nhuận năm Bính Ngọ"; in English "day 1 of month 1 (Giêng), Bính Ngọ year (2026)".
fn lunar_words(year: i64, month: usize, day: u64, leap: bool, lang: crate::error::Lang) -> String {
    const MONTHS: [&str; 12] = [
        "Giêng",
        "Hai",
        "Ba",
        "Tư",
        "Năm",
        "Sáu",
        "Bảy",
        "Tám",
        "Chín",
        "Mười",
        "Mười một",
        "Chạp",
    ];
    const STEMS: [&str; 10] = [
        "Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý",
    ];
    const BRANCHES: [&str; 12] = [
        "Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi",
    ];
    let stem = STEMS[(year + 6).rem_euclid(10) as usize];
    let branch = BRANCHES[(year + 8).rem_euclid(12) as usize];
    let name = MONTHS.get(month.wrapping_sub(1)).copied().unwrap_or("");
    match lang {
        crate::error::Lang::Vi => format!(
            "{} {day} tháng {name}{} năm {stem} {branch} ({year})",
            if day <= 10 { "mùng" } else { "ngày" },
            if leap { " nhuận" } else { "" }
        ),
        crate::error::Lang::En => format!(
            "day {day} of {}month {month} ({name}), {stem} {branch} year ({year})",
            if leap { "leap " } else { "" }
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::lunar_words;
    use crate::error::Lang;

    #[test]
    fn lunar_dates_read_as_they_are_said() {
        assert_eq!(
            lunar_words(2026, 1, 1, false, Lang::Vi),
            "mùng 1 tháng Giêng năm Bính Ngọ (2026)"
        );
        assert_eq!(
            lunar_words(2025, 6, 15, true, Lang::Vi),
            "ngày 15 tháng Sáu nhuận năm Ất Tỵ (2025)"
        );
        assert_eq!(
            lunar_words(2024, 12, 30, false, Lang::Vi),
            "ngày 30 tháng Chạp năm Giáp Thìn (2024)"
        );
        assert_eq!(
            lunar_words(2026, 1, 1, false, Lang::En),
            "day 1 of month 1 (Giêng), Bính Ngọ year (2026)"
        );
    }
}
