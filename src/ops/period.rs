//! Periods (kỳ báo cáo): a period's data window and deadline under Decree 09's rules, a
//! regime's own rules, or a rule given on the command line. Public facts: no sign-in.

use jiff::civil::Date;
use rusqlite::Connection;
use serde::Serialize;

use crate::domain::calendar::WorkCalendar;
use crate::domain::deadline::{self, DeadlineRule};
use crate::domain::period::{Period, PeriodType, WindowKind};
use crate::error::{Error, Kind, Lang, Msg, Result};
use crate::ops::regime::{self, Extension, OutageExtension};

/// The rules a period is read under: its data window and, instead of the period type's
/// default, a deadline rule.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rules {
    pub window: WindowKind,
    pub deadline: Option<DeadlineRule>,
}

/// A period with its data window and deadline, its name in both languages.
#[derive(Debug, Clone)]
pub struct PeriodFacts {
    pub period: Period,
    pub start: Date,
    pub end: Date,
    /// RFC 3339, local time.
    pub deadline: String,
    pub name: Msg,
    pub window: WindowKind,
}

/// A period as `period show`, `list`, `current`, `next` and `previous` print it.
#[derive(Debug, Serialize)]
pub struct PeriodView {
    pub id: String,
    #[serde(rename = "type")]
    pub ptype: &'static str,
    pub start: String,
    pub end: String,
    pub deadline: String,
    pub name: String,
    pub window: String,
}

impl PeriodFacts {
    /// The view with the period's name in one language.
    pub fn in_lang(&self, lang: Lang) -> PeriodView {
        PeriodView {
            id: self.period.to_string(),
            ptype: self.period.period_type().as_str(),
            start: self.start.to_string(),
            end: self.end.to_string(),
            deadline: self.deadline.clone(),
            name: self.name.get(lang).to_string(),
            window: self.window.to_string(),
        }
    }
}

/// A period id (20261123, 2026W48, 202611H1, 202611, 2026Q1, 2026S1, 2026, 2025Sep).
pub fn parse(id: &str) -> Result<Period> {
    Period::parse(id)
        .map_err(|e| Error::new(Kind::Invalid, Msg::new(e.message_vi(), e.message_en())))
}

/// A period's data window and deadline.
pub fn facts(p: &Period, rules: Rules, cal: &WorkCalendar) -> PeriodFacts {
    let (start, end) = p.window(rules.window);
    let rule = rules
        .deadline
        .unwrap_or_else(|| deadline::default_rule_for(p.period_type(), rules.window));
    let due = deadline::deadline(p, (start, end), &rule, cal);
    PeriodFacts {
        period: *p,
        start,
        end,
        deadline: deadline::to_rfc3339(due),
        name: Msg::new(p.name_vi(), p.name_en()),
        window: rules.window,
    }
}

/// `period list`: every period of a type in a year (1900–2100).
pub fn list(ptype: PeriodType, year: i16) -> Result<Vec<Period>> {
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
    Ok(list)
}

/// `period current`: the period of a type whose data window holds `day`.
pub fn containing(ptype: PeriodType, day: Date, window: WindowKind) -> Result<Period> {
    Period::containing(ptype, day, window).ok_or_else(|| {
        let d = day.to_string();
        Error::new(
            Kind::NotFound,
            Msg::new(format!("Ngày {d} không thuộc kỳ {} nào theo khung thời gian này (nghỉ hè của năm học?)", ptype.name_vi()), format!("{d} lies in no {ptype} period under this window (school summer break?)")),
        )
    })
}

/// `period next`: the period after `id`.
pub fn next_of(id: &str) -> Result<Period> {
    parse(id)?.next().ok_or_else(out_of_range)
}

/// `period previous`: the period before `id`.
pub fn previous_of(id: &str) -> Result<Period> {
    parse(id)?.prev().ok_or_else(out_of_range)
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

/// A regime's period under its own window and deadline rule, its reception windows and
/// the outages that moved its deadline (`period show ID --regime CODE`).
#[derive(Debug, Serialize)]
pub struct RegimePeriod {
    pub id: String,
    /// The regime's frequency, or its kind for a thematic or ad hoc regime.
    #[serde(rename = "type")]
    pub ptype: String,
    pub start: String,
    pub end: String,
    /// The deadline that counts (an outage or an extension moves it).
    pub deadline: String,
    pub name: String,
    pub window: String,
    pub regime: String,
    /// The deadline by the regime's rule.
    pub rule_deadline: String,
    pub reception_open: bool,
    /// Why the deadline moved: the outages it fell in, the lead unit's extension.
    pub outage_extension: Option<OutageExtension>,
    pub extension: Option<Extension>,
}

/// `period show ID --regime CODE`.
pub fn show_for_regime(conn: &Connection, code: &str, id: &str) -> Result<RegimePeriod> {
    let r = regime::find(conn, code)?;
    let pid = regime::parse_period(&r, id)?;
    // The regime as it stood for the period (its window then).
    let r = regime::rules_for(&r, &pid);
    let cal = crate::ops::calendar::load(conn)?;
    let events = regime::window_events(conn, code, Some(id))?;
    let info = regime::period_info(&r, &pid, None, &cal, &events)?;
    Ok(RegimePeriod {
        id: info.period,
        ptype: r.frequency.clone().unwrap_or_else(|| r.kind.clone()),
        start: info.start,
        end: info.end,
        deadline: info.effective_deadline,
        name: info.name,
        window: r.window,
        regime: r.code,
        rule_deadline: info.deadline,
        reception_open: info.reception_open,
        outage_extension: info.outage_extension,
        extension: info.extension,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::testing::{who, Province};

    fn plain() -> WorkCalendar {
        crate::ops::calendar::builtin()
    }

    #[test]
    fn a_quarter_runs_from_the_15th_of_december_and_is_due_on_the_20th() {
        let p = facts(&parse("2026Q1").unwrap(), Rules::default(), &plain());
        let v = p.in_lang(Lang::Vi);
        assert_eq!(
            (v.start.as_str(), v.end.as_str()),
            ("2025-12-15", "2026-03-14")
        );
        assert_eq!(v.deadline, "2026-03-20T23:59:59+07:00");
        assert_eq!(v.name, "Quý I năm 2026");
        assert_eq!(p.in_lang(Lang::En).ptype, "quarterly");
    }

    #[test]
    fn stepping_crosses_the_year() {
        assert_eq!(next_of("2026Q4").unwrap().to_string(), "2027Q1");
        assert_eq!(previous_of("202601").unwrap().to_string(), "202512");
    }

    #[test]
    fn malformed_ids_and_years_out_of_range_are_invalid() {
        assert_eq!(parse("quý một").unwrap_err().kind, Kind::Invalid);
        assert_eq!(next_of("2100").unwrap_err().kind, Kind::Invalid);
        assert_eq!(
            list(PeriodType::Monthly, 1800).unwrap_err().kind,
            Kind::Invalid
        );
        assert_eq!(list(PeriodType::Monthly, 2026).unwrap().len(), 12);
    }

    #[test]
    fn a_day_of_the_summer_break_lies_in_no_school_year() {
        let july = jiff::civil::date(2026, 7, 20);
        let e = containing(PeriodType::SchoolYear, july, WindowKind::SchoolStart).unwrap_err();
        assert_eq!(e.kind, Kind::NotFound);
        let nov = jiff::civil::date(2026, 11, 23);
        let p = containing(PeriodType::Monthly, nov, WindowKind::Calendar).unwrap();
        assert_eq!(p.to_string(), "202611");
    }

    #[test]
    fn a_regimes_period_follows_its_own_rule() {
        let p = Province::new();
        let v = p
            .read(who::VIEWER, |tx, _| {
                show_for_regime(tx, "KTXH-THANG", "202611")
            })
            .unwrap();
        assert_eq!(v.regime, "KTXH-THANG");
        assert_eq!(v.ptype, "monthly");
        assert_eq!(v.name, "Tháng 11 năm 2026");
        assert!(v.reception_open);
        let e = p
            .read(who::VIEWER, |tx, _| {
                show_for_regime(tx, "KTXH-THANG", "2026Q1")
            })
            .unwrap_err();
        assert_eq!(e.kind, Kind::Invalid);
        let e = p
            .read(who::VIEWER, |tx, _| {
                show_for_regime(tx, "KHONG-CO", "202611")
            })
            .unwrap_err();
        assert_eq!(e.kind, Kind::NotFound);
    }
}
