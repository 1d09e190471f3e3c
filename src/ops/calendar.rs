//! The effective working-day calendar of this database: the built-in rules of
//! `domain::calendar` plus the administrator's overrides (the official yearly schedule),
//! each change audited.

use std::path::Path;

use jiff::civil::Date;
use rusqlite::Connection;
use serde::Serialize;
use serde_json::json;

use crate::audit::Recorder;
use crate::auth::permission::Actor;
use crate::domain::calendar::{CalendarDay, CalendarError, Override, OverrideKind, WorkCalendar};
use crate::domain::lunar::{self, LunarDate};
use crate::domain::worktime::Outage;
use crate::error::{Error, Kind, Lang, Msg, Result};
use crate::input;
use crate::store::calendar::{self as sql, OverrideRow};

/// The calendar every deadline computation uses.
pub fn load(conn: &Connection) -> Result<WorkCalendar> {
    let mut list = Vec::new();
    for r in sql::all(conn)? {
        let (Ok(date), Ok(kind)) = (r.date.parse::<Date>(), r.kind.parse::<OverrideKind>()) else {
            continue;
        };
        list.push(Override {
            date,
            kind,
            name: r.name,
        });
    }
    Ok(WorkCalendar::new(list).with_outages(outage_spans(conn)?))
}

/// The outages as the calendar carries them (recorded outages only).
fn outage_spans(conn: &Connection) -> Result<Vec<Outage>> {
    let local =
        |stored: &str| Some(crate::clock::to_local(crate::clock::parse_stored(stored)?).datetime());
    Ok(crate::store::notice::outages(conn)?
        .into_iter()
        .filter_map(|o| {
            Some(Outage {
                id: o.id,
                from: local(&o.starts_at)?,
                to: local(&o.ends_at)?,
                regime: o.regime,
                reason: o.reason,
            })
        })
        .collect())
}

/// Built-in rules only, for commands run without a database.
pub fn builtin() -> WorkCalendar {
    WorkCalendar::new(Vec::new())
}

fn calendar_error(e: CalendarError) -> Error {
    Error::new(
        Kind::Invalid,
        Msg::new(
            format!("Ngày không hợp lệ: {e}"),
            format!("Invalid date: {e}"),
        ),
    )
}

/// A day in both calendars.
#[derive(Debug, Serialize)]
pub struct LunarView {
    pub solar: String,
    pub lunar: LunarDate,
}

/// `calendar lunar`: the Vietnamese lunar date of a solar date.
pub fn lunar(solar: Date) -> Result<LunarView> {
    let l = lunar::solar_to_lunar(solar).map_err(calendar_error)?;
    Ok(LunarView {
        solar: solar.to_string(),
        lunar: l,
    })
}

/// `calendar solar`: the solar date of a lunar date.
pub fn solar(l: LunarDate) -> Result<LunarView> {
    let d = lunar::lunar_to_solar(l).map_err(calendar_error)?;
    Ok(LunarView {
        solar: d.to_string(),
        lunar: l,
    })
}

/// A lunar date as typed: year-month-day (2026-01-01) or day/month/year (01/01/2026);
/// `leap` for the leap (nhuận) month.
pub fn parse_lunar(s: &str, leap: bool) -> Result<LunarDate> {
    let t = s.trim();
    let parts: Vec<&str> = t.split(['-', '/']).collect();
    let nums: Option<Vec<i32>> = parts.iter().map(|p| p.parse::<i32>().ok()).collect();
    match (parts.len(), nums) {
        (3, Some(n)) if parts[0].len() == 4 => Ok(LunarDate {
            year: n[0],
            month: n[1].clamp(0, 99) as u8,
            day: n[2].clamp(0, 99) as u8,
            leap,
        }),
        (3, Some(n)) if parts[2].len() == 4 => Ok(LunarDate {
            year: n[2],
            month: n[1].clamp(0, 99) as u8,
            day: n[0].clamp(0, 99) as u8,
            leap,
        }),
        _ => Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Ngày âm lịch không hợp lệ: «{t}» (năm-tháng-ngày, ví dụ 2026-01-01)"),
                format!("Invalid lunar date «{t}» (year-month-day, e.g. 2026-01-01)"),
            ),
        )),
    }
}

/// Whether a day is a working day, and if not (or if an override made it one), why.
#[derive(Debug, Serialize)]
pub struct DayStatus {
    pub date: String,
    pub workday: bool,
    pub reason: Option<String>,
}

/// `calendar is-workday`.
pub fn is_workday(cal: &WorkCalendar, d: Date) -> DayStatus {
    let (workday, reason) = cal.day_status(d);
    DayStatus {
        date: d.to_string(),
        workday,
        reason,
    }
}

/// The calendar's years, 1900–2100. Checked before the calendar is loaded, so that a
/// bad year is refused as such whatever the database.
pub fn check_year(year: i16) -> Result<()> {
    if !(lunar::MIN_YEAR..=lunar::MAX_YEAR).contains(&year) {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Năm {year} ngoài phạm vi 1900–2100"),
                format!("Year {year} is outside 1900–2100"),
            ),
        ));
    }
    Ok(())
}

/// `calendar holidays`: the days off of a year (1900–2100).
pub fn holidays(cal: &WorkCalendar, year: i16) -> Result<Vec<CalendarDay>> {
    check_year(year)?;
    Ok(cal.holidays(year))
}

/// The `after`-th working day after a date.
#[derive(Debug, Serialize)]
pub struct NextWorkday {
    pub from: String,
    pub after: i64,
    pub date: String,
}

/// A count of working days to step: 1 to 3660 (ten years).
pub fn check_after(after: i64) -> Result<()> {
    if !(1..=3660).contains(&after) {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new("--after phải từ 1 đến 3660", "--after must be 1 to 3660"),
        ));
    }
    Ok(())
}

/// `calendar next-workday`: the `after`-th working day after `d` (1–3660).
pub fn next_workday(cal: &WorkCalendar, d: Date, after: i64) -> Result<NextWorkday> {
    check_after(after)?;
    Ok(NextWorkday {
        from: d.to_string(),
        after,
        date: cal.add_workdays(d, after).to_string(),
    })
}

/// The working days between two dates, both included.
#[derive(Debug, Serialize)]
pub struct Workdays {
    pub from: String,
    pub to: String,
    pub workdays: i64,
}

/// A span of days: `from` not after `to`.
pub fn check_span(from: Date, to: Date) -> Result<()> {
    if from > to {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                "--from phải trước hoặc bằng --to",
                "--from must not be after --to",
            ),
        ));
    }
    Ok(())
}

/// `calendar workdays`: working days from `from` to `to`, both included.
pub fn workdays(cal: &WorkCalendar, from: Date, to: Date) -> Result<Workdays> {
    check_span(from, to)?;
    Ok(Workdays {
        from: from.to_string(),
        to: to.to_string(),
        workdays: cal.workdays_between(from, to),
    })
}

fn can_write(actor: &Actor) -> Result<()> {
    actor.require_sysadmin(Msg::new(
        "sửa lịch làm việc (chỉ quản trị hệ thống)",
        "change the working calendar (sysadmin only)",
    ))
}

fn default_name(kind: OverrideKind) -> &'static str {
    match kind {
        OverrideKind::Off => "Ngày nghỉ theo thông báo",
        OverrideKind::Workday => "Ngày làm bù",
    }
}

pub fn set(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    date: Date,
    kind: OverrideKind,
    name: Option<&str>,
) -> Result<OverrideRow> {
    can_write(actor)?;
    let name = match input::optional_name("Tên ngày", "Day name", name, 200)? {
        Some(n) => n,
        None => default_name(kind).to_string(),
    };
    let row = OverrideRow {
        date: date.to_string(),
        kind: kind.to_string(),
        name,
    };
    if sql::get(conn, &row.date)?.as_ref() == Some(&row) {
        return Ok(row);
    }
    sql::upsert(conn, &row)?;
    rec.change(
        conn,
        "calendar",
        &row.date,
        json!({"kind": row.kind, "name": row.name}),
    )?;
    Ok(row)
}

pub fn remove(conn: &Connection, actor: &Actor, rec: &Recorder, date: Date) -> Result<OverrideRow> {
    can_write(actor)?;
    let d = date.to_string();
    let Some(row) = sql::get(conn, &d)? else {
        return Err(Error::new(
            Kind::NotFound,
            Msg::new(
                format!("Không có ngày điều chỉnh {d}"),
                format!("No calendar override on {d}"),
            ),
        ));
    };
    sql::remove(conn, &d)?;
    rec.change(conn, "calendar", &d, json!({"removed": row}))?;
    Ok(row)
}

/// Reads the official schedule: CSV `date,kind,name`, kind `off` or `workday`.
pub fn read_file(path: &Path) -> Result<Vec<(usize, Override)>> {
    parse(&crate::files::read_text(path)?)
}

pub fn parse(text: &str) -> Result<Vec<(usize, Override)>> {
    crate::files::read_csv(text, &["date", "kind"], &["name"], |line, r| {
        let date = crate::clock::parse_date(&r["date"])?;
        let kind = r["kind"].parse::<OverrideKind>().map_err(|_| {
            let k = &r["kind"];
            Error::new(
                Kind::Invalid,
                Msg::new(
                    format!("loại ngày «{k}» không hợp lệ (off hoặc workday)"),
                    format!("day kind «{k}» is invalid (off or workday)"),
                ),
            )
        })?;
        let name = match input::optional_name(
            "Tên ngày",
            "Day name",
            r.get("name").map(String::as_str),
            200,
        )? {
            Some(n) => n,
            None => default_name(kind).to_string(),
        };
        Ok((line, Override { date, kind, name }))
    })
}

/// What `calendar import` found, its conflicts in both languages.
#[derive(Debug)]
pub struct Imported {
    pub dry_run: bool,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub conflicts: Vec<DateConflict>,
}

/// A date the file gives twice with two kinds.
#[derive(Debug, Clone)]
pub struct DateConflict {
    pub line: usize,
    pub date: Date,
    pub msg: Msg,
}

/// What `calendar import` reports, its conflicts in the reader's language.
#[derive(Debug, Serialize)]
pub struct ImportReport {
    pub dry_run: bool,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub conflicts: Vec<crate::ops::unit::Conflict>,
}

impl Imported {
    pub fn in_lang(&self, lang: Lang) -> ImportReport {
        ImportReport {
            dry_run: self.dry_run,
            created: self.created,
            updated: self.updated,
            unchanged: self.unchanged,
            conflicts: self
                .conflicts
                .iter()
                .map(|c| crate::ops::unit::Conflict {
                    line: c.line,
                    code: c.date.to_string(),
                    reason: c.msg.get(lang).to_string(),
                    msg: c.msg.clone(),
                })
                .collect(),
        }
    }
}

/// `calendar import`: the official schedule's days, each set as `add-off` or
/// `add-workday` would; nothing is written in a dry run or when a date repeats with
/// another kind.
pub fn import_days(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    rows: &[(usize, Override)],
    dry_run: bool,
) -> Result<Imported> {
    can_write(actor)?;
    let mut report = Imported {
        dry_run,
        created: 0,
        updated: 0,
        unchanged: 0,
        conflicts: Vec::new(),
    };
    let mut seen = std::collections::HashMap::new();
    for (line, o) in rows {
        if let Some((first, kind)) = seen.insert(o.date, (*line, o.kind)) {
            if kind != o.kind {
                report.conflicts.push(DateConflict {
                    line: *line,
                    date: o.date,
                    msg: Msg::new(
                        format!("ngày trùng với dòng {first} nhưng khác loại"),
                        format!("date repeats line {first} with another kind"),
                    ),
                });
            }
            continue;
        }
        match sql::get(conn, &o.date.to_string())? {
            None => report.created += 1,
            Some(r) if r.kind == o.kind.to_string() && r.name == o.name => report.unchanged += 1,
            Some(_) => report.updated += 1,
        }
    }
    if dry_run {
        return Ok(report);
    }
    if !report.conflicts.is_empty() {
        let details = report
            .conflicts
            .iter()
            .map(|c| {
                Msg::new(
                    format!("dòng {}: {}", c.line, c.msg.vi),
                    format!("line {}: {}", c.line, c.msg.en),
                )
            })
            .collect();
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                "Tệp lịch có xung đột; không ghi gì",
                "The schedule has conflicts; nothing was written",
            ),
        )
        .with_details(details));
    }
    for (_, o) in rows {
        set(conn, actor, rec, o.date, o.kind, Some(&o.name))?;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::testing::{who, Province};
    use jiff::civil::date;

    #[test]
    fn tet_2026_is_the_first_day_of_the_first_lunar_month_both_ways() {
        let v = lunar(date(2026, 2, 17)).unwrap();
        assert_eq!((v.lunar.year, v.lunar.month, v.lunar.day), (2026, 1, 1));
        assert!(!v.lunar.leap);
        let back = solar(parse_lunar("01/01/2026", false).unwrap()).unwrap();
        assert_eq!(back.solar, "2026-02-17");
        assert_eq!(
            parse_lunar("mồng một Tết", false).unwrap_err().kind,
            Kind::Invalid
        );
    }

    #[test]
    fn the_demo_calendar_knows_tet_and_counts_november() {
        let p = Province::new();
        let cal = p.read(who::VIEWER, |tx, _| load(tx)).unwrap();
        let tet = is_workday(&cal, date(2026, 2, 17));
        assert!(!tet.workday);
        assert_eq!(tet.reason.as_deref(), Some("Tết Nguyên đán"));
        assert_eq!(
            workdays(&cal, date(2026, 11, 1), date(2026, 11, 30))
                .unwrap()
                .workdays,
            21
        );
        let next = next_workday(&cal, date(2026, 2, 13), 1).unwrap();
        assert_eq!(next.date, "2026-02-23");
        assert!(holidays(&cal, 2026)
            .unwrap()
            .iter()
            .any(|d| d.name == "Tết Nguyên đán"));
    }

    #[test]
    fn out_of_range_counts_and_spans_are_invalid() {
        let cal = builtin();
        assert_eq!(holidays(&cal, 1800).unwrap_err().kind, Kind::Invalid);
        assert_eq!(
            next_workday(&cal, date(2026, 1, 1), 0).unwrap_err().kind,
            Kind::Invalid
        );
        let e = workdays(&cal, date(2026, 2, 1), date(2026, 1, 1)).unwrap_err();
        assert_eq!(e.kind, Kind::Invalid);
    }

    #[test]
    fn a_sysadmin_declares_and_removes_a_day_off() {
        let p = Province::new();
        let eve = date(2026, 12, 31);
        let row = p
            .write(who::SYSADMIN, "calendar add-off", |tx, a, rec| {
                set(tx, a, rec, eve, OverrideKind::Off, Some("Nghỉ cuối năm"))
            })
            .unwrap();
        assert_eq!(row.name, "Nghỉ cuối năm");
        let cal = p.read(who::VIEWER, |tx, _| load(tx)).unwrap();
        assert!(!cal.is_workday(eve));
        p.write(who::SYSADMIN, "calendar remove", |tx, a, rec| {
            remove(tx, a, rec, eve)
        })
        .unwrap();
        let cal = p.read(who::VIEWER, |tx, _| load(tx)).unwrap();
        assert!(cal.is_workday(eve));
        assert!(p.audit_ok());
    }

    #[test]
    fn only_a_sysadmin_changes_the_calendar() {
        let p = Province::new();
        let eve = date(2026, 12, 31);
        let e = p
            .write(
                who::PROVINCE_AGGREGATOR,
                "calendar add-off",
                |tx, a, rec| set(tx, a, rec, eve, OverrideKind::Off, None),
            )
            .unwrap_err();
        assert_eq!(e.kind, Kind::Denied);
        let cal = p.read(who::VIEWER, |tx, _| load(tx)).unwrap();
        assert!(cal.is_workday(eve));
    }

    #[test]
    fn removing_a_day_that_was_never_overridden_is_not_found() {
        let p = Province::new();
        let e = p
            .write(who::SYSADMIN, "calendar remove", |tx, a, rec| {
                remove(tx, a, rec, date(2026, 12, 30))
            })
            .unwrap_err();
        assert_eq!(e.kind, Kind::NotFound);
    }

    #[test]
    fn a_schedule_giving_a_date_two_kinds_writes_nothing() {
        let p = Province::new();
        let rows =
            parse("date,kind,name\n2026-12-31,off,Nghỉ cuối năm\n2026-12-31,workday,Làm bù\n")
                .unwrap();
        let dry = p
            .write(who::SYSADMIN, "calendar import", |tx, a, rec| {
                import_days(tx, a, rec, &rows, true)
            })
            .unwrap();
        assert_eq!(dry.conflicts.len(), 1);
        assert_eq!(dry.conflicts[0].line, 3);
        assert_eq!(dry.in_lang(Lang::En).conflicts[0].code, "2026-12-31");
        let e = p
            .write(who::SYSADMIN, "calendar import", |tx, a, rec| {
                import_days(tx, a, rec, &rows, false)
            })
            .unwrap_err();
        assert_eq!(e.kind, Kind::Invalid);
        let cal = p.read(who::VIEWER, |tx, _| load(tx)).unwrap();
        assert!(cal.is_workday(date(2026, 12, 31)));
        let bad = parse("date,kind\n2026-12-31,maybe\n").unwrap_err();
        assert_eq!(bad.kind, Kind::Invalid);
    }

    #[test]
    fn the_official_schedule_imports_once_then_is_unchanged() {
        let p = Province::new();
        let rows =
            parse("date,kind,name\n2026-12-31,off,Nghỉ cuối năm\n2026-02-17,off,Tết Nguyên đán\n")
                .unwrap();
        let r = p
            .write(who::SYSADMIN, "calendar import", |tx, a, rec| {
                import_days(tx, a, rec, &rows, false)
            })
            .unwrap();
        assert_eq!((r.created, r.unchanged), (1, 1));
        assert!(p.audit_ok());
    }
}
