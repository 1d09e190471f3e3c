//! Deadline rules as data (SPEC §3): an anchor, a time of day and a roll, so that a
//! regime stores its rule as JSON and the CLI takes it as a compact flag.
//!
//! Text form (case-insensitive, for CLI flags; [`DeadlineRule`]'s `Display` writes it
//! back canonically):
//!
//! ```text
//! rule   = anchor [ "@" time ] [ ",roll=" roll ]
//! anchor = "day:" D [ ":" ( "first" | "last" | "next" ) ] [ ":before" ]
//!                                                          day D (1..=31) of the period's
//!                                                          first / last (default) / next month
//!        | "days:" K                                       K (0..=366) days after the window's end
//!        | "workdays:" K                                   K (0..=366) working days after it
//!        | "half:" D1 ":" D2 [ ":before" ]                 half-month: H1 → day D1 of its month,
//!                                                          H2 → day D2 of the next month
//! time   = HH:MM | HH:MM:SS                                default 23:59:59
//! roll   = "next_workday" (default) | "none" | "previous_workday"   ("next", "prev" too)
//! ```
//!
//! Examples: `day:20:last@23:59:59`, `days:5`, `workdays:1@16:30`,
//! `day:20,roll=none`, `half:20:5`, `day:20:before`, `day:20:first:before`.
//!
//! `:before` says "before day D" (Thanh Hóa Art. 7: "gửi trước ngày 20"), as against
//! "at the latest on day D" (Ninh Bình Art. 14: "chậm nhất vào ngày 20"): the last
//! allowed day is the day before D, and the roll for rest days and holidays starts from
//! that last allowed day. So `day:20:before` is due on the 19th at 23:59:59, or, when
//! the 19th is a Saturday, on the next working day (`roll=prev` keeps it on the Friday).
//!
//! Months are those the period id names ([`Period::first_month`], [`Period::last_month`]):
//! for 2026Q1 First = Jan 2026, Last = Mar 2026, Next = Apr 2026; for a school year
//! `2025Sep` First = Sep 2025, Last = Jun 2026. A day beyond the month's end is clamped to
//! its last day.
//!
//! Deadlines are local wall time in Asia/Ho_Chi_Minh (UTC+7, no daylight saving time).

use std::fmt;
use std::str::FromStr;

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::Offset;
use serde::{Deserialize, Serialize};

use super::calendar::WorkCalendar;
use super::lunar::{date_from_julian_day, julian_day_number};
use super::period::{Period, PeriodType, WindowKind};

/// Vietnam's UTC offset; the country has had no daylight saving time since 1975.
pub const VN_OFFSET: Offset = jiff::tz::offset(7);

/// Largest day count honoured by `days:` / `workdays:` anchors. Longer ones are clamped
/// (a rule read from a database could hold anything; no deadline is years away).
pub const MAX_DAYS_AFTER_END: u32 = 366;

/// A month relative to the months the period id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MonthRef {
    First,
    Last,
    Next,
}

/// Where the deadline falls before rolling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    /// Day `day` of a month of the period (clamped to the month's end).
    DayOfMonth { month: MonthRef, day: u8 },
    /// K calendar days after the last day of the data window.
    DaysAfterEnd(u32),
    /// K working days after the last day of the data window.
    WorkdaysAfterEnd(u32),
    /// Decree 09's half-month deadline, which one rule per regime must cover for both
    /// halves: H1 → day `h1_day` of its month, H2 → day `h2_day` of the next month.
    /// Any other period type uses `h2_day` of the month after its last month.
    HalfMonth { h1_day: u8, h2_day: u8 },
}

/// What happens to a deadline on a weekly rest day or public holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Roll {
    /// Moves to the next working day (the regulations' rule).
    #[default]
    NextWorkday,
    /// Stays where it is.
    None,
    /// Moves to the previous working day.
    PreviousWorkday,
}

impl Roll {
    fn as_str(self) -> &'static str {
        match self {
            Roll::NextWorkday => "next_workday",
            Roll::None => "none",
            Roll::PreviousWorkday => "previous_workday",
        }
    }
}

/// A deadline rule. JSON: `{"anchor":{"day_of_month":{"month":"last","day":20}},
/// "time":"23:59:59","roll":"next_workday"}` (`roll` may be omitted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DeadlineRule {
    pub anchor: Anchor,
    #[serde(with = "time_serde")]
    pub time: Time,
    #[serde(default)]
    pub roll: Roll,
    /// "Before day D" (`:before`): the last allowed day is the day before the anchor's
    /// day; only day-of-month and half-month anchors take it. Omitted from JSON when
    /// false.
    #[serde(default, skip_serializing_if = "is_false")]
    pub before: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

const END_OF_DAY: Time = Time::constant(23, 59, 59, 0);
const AFTERNOON: Time = Time::constant(16, 30, 0, 0);

/// The default rule of a period type (SPEC §3 table, Decree 09/2019 Art. 12):
///
/// | type | rule | gives |
/// |---|---|---|
/// | daily | `days:1@16:30` | next day 16:30 |
/// | weekly | `workdays:1@16:30` | first working day after the week, 16:30 |
/// | half-month | `half:20:5` | H1: day 20 same month; H2: day 5 next month |
/// | monthly | `day:20:last` | day 20 of the month |
/// | quarterly | `day:20:last` | day 20 of the quarter's last month |
/// | six-monthly | `day:20:last` | 20 Jun (S1), 20 Dec (S2) |
/// | yearly | `day:20:last` | 20 Dec |
/// | school year | `day:20:last` | 20 Jun, end-of-year data ([`school_year_start_rule`] for 20 Sep) |
///
/// All roll to the next working day; monthly and longer ones end at 23:59:59.
pub fn default_rule(pt: PeriodType) -> DeadlineRule {
    let (anchor, time) = match pt {
        PeriodType::Daily => (Anchor::DaysAfterEnd(1), AFTERNOON),
        PeriodType::Weekly => (Anchor::WorkdaysAfterEnd(1), AFTERNOON),
        PeriodType::HalfMonth => (
            Anchor::HalfMonth {
                h1_day: 20,
                h2_day: 5,
            },
            END_OF_DAY,
        ),
        PeriodType::Monthly
        | PeriodType::Quarterly
        | PeriodType::SixMonthly
        | PeriodType::Yearly
        | PeriodType::SchoolYear => (
            Anchor::DayOfMonth {
                month: MonthRef::Last,
                day: 20,
            },
            END_OF_DAY,
        ),
    };
    DeadlineRule {
        anchor,
        time,
        roll: Roll::NextWorkday,
        before: false,
    }
}

/// The default rule of a period type read through a window kind: a school year's
/// start-of-year window (`school_start`) is due on 20 September
/// ([`school_year_start_rule`]), everything else by [`default_rule`].
pub fn default_rule_for(pt: PeriodType, window: WindowKind) -> DeadlineRule {
    if pt == PeriodType::SchoolYear && window == WindowKind::SchoolStart {
        school_year_start_rule()
    } else {
        default_rule(pt)
    }
}

/// School-year start-of-year data: 20 September (`day:20:first`).
pub fn school_year_start_rule() -> DeadlineRule {
    DeadlineRule {
        anchor: Anchor::DayOfMonth {
            month: MonthRef::First,
            day: 20,
        },
        time: END_OF_DAY,
        roll: Roll::NextWorkday,
        before: false,
    }
}

/// Decree 09 Art. 13: the province's aggregated report goes to the Government by day 25
/// of the period's last month (`day:25:last`), the default for a regime's upward report.
pub fn upward_report_rule() -> DeadlineRule {
    DeadlineRule {
        anchor: Anchor::DayOfMonth {
            month: MonthRef::Last,
            day: 25,
        },
        time: END_OF_DAY,
        roll: Roll::NextWorkday,
        before: false,
    }
}

/// Whether Decree 09 Art. 8(5)'s gap applies: periodic regimes of a month or longer.
pub fn gap_required(pt: PeriodType) -> bool {
    matches!(
        pt,
        PeriodType::Monthly
            | PeriodType::Quarterly
            | PeriodType::SixMonthly
            | PeriodType::Yearly
            | PeriodType::SchoolYear
    )
}

impl DeadlineRule {
    /// Whether the anchor names a day of a month, which `:before` may qualify.
    pub fn takes_before(&self) -> bool {
        matches!(
            self.anchor,
            Anchor::DayOfMonth { .. } | Anchor::HalfMonth { .. }
        )
    }
}

/// The deadline of `period` whose data window is `window` (inclusive), in local
/// Vietnamese wall time, after rolling off rest days and holidays of `cal`.
pub fn deadline(
    period: &Period,
    window: (Date, Date),
    rule: &DeadlineRule,
    cal: &WorkCalendar,
) -> DateTime {
    let day = match rule.anchor {
        Anchor::DayOfMonth { month, day } => day_of(month_of(period, month), day),
        Anchor::DaysAfterEnd(k) => add_days(window.1, i64::from(k.min(MAX_DAYS_AFTER_END))),
        Anchor::WorkdaysAfterEnd(k) => {
            cal.add_workdays(window.1, i64::from(k.min(MAX_DAYS_AFTER_END)))
        }
        Anchor::HalfMonth { h1_day, h2_day } => {
            if period.period_type() == PeriodType::HalfMonth && period.half() == Some(1) {
                day_of(period.first_month(), h1_day)
            } else {
                day_of(month_of(period, MonthRef::Next), h2_day)
            }
        }
    };
    // "Before day D": the last allowed day is D - 1, and the roll starts from there.
    let day = if rule.before && rule.takes_before() {
        add_days(day, -1)
    } else {
        day
    };
    let day = match rule.roll {
        Roll::NextWorkday if !cal.is_workday(day) => cal.next_workday(day),
        Roll::PreviousWorkday if !cal.is_workday(day) => cal.previous_workday(day),
        _ => day,
    };
    day.to_datetime(rule.time)
}

/// RFC 3339 with Vietnam's offset, e.g. `2026-03-20T23:59:59+07:00` (fractions of a
/// second, never used by rules, are dropped).
pub fn to_rfc3339(dt: DateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+07:00",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

/// The instant of a Vietnamese wall time, for comparing with submission times.
pub fn to_timestamp(dt: DateTime) -> Option<jiff::Timestamp> {
    VN_OFFSET.to_timestamp(dt).ok()
}

/// Decree 09 Art. 8(5): at least one working day lies strictly between the end of the
/// data window and the deadline day.
pub fn gap_ok(window_end: Date, deadline: Date, cal: &WorkCalendar) -> bool {
    cal.next_workday(window_end) < deadline
}

/// First day of the month `r` refers to.
fn month_of(period: &Period, r: MonthRef) -> Date {
    match r {
        MonthRef::First => period.first_month(),
        MonthRef::Last => period.last_month(),
        MonthRef::Next => period
            .last_month()
            .last_of_month()
            .tomorrow()
            .unwrap_or(Date::MAX),
    }
}

/// Day `day` of the month starting `first`, clamped into the month.
fn day_of(first: Date, day: u8) -> Date {
    let day = i8::try_from(day)
        .unwrap_or(i8::MAX)
        .clamp(1, first.days_in_month());
    Date::new(first.year(), first.month(), day).unwrap_or(first)
}

fn add_days(d: Date, n: i64) -> Date {
    date_from_julian_day(julian_day_number(d) + n).unwrap_or(Date::MAX)
}

/// A rule in text form that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleParseError {
    input: String,
    reason: &'static str,
}

const GRAMMAR_EN: &str = "expected ANCHOR[@HH:MM[:SS]][,roll=next_workday|none|previous_workday] \
    where ANCHOR is day:D[:first|last|next][:before], days:K, workdays:K or \
    half:D1:D2[:before] (:before = before day D, so the day before it is the last allowed \
    day) (e.g. day:20:last@23:59:59, day:20:before, workdays:1@16:30)";

const GRAMMAR_VI: &str = "dạng đúng: MỐC[@GG:PP[:GG]][,roll=next_workday|none|previous_workday] \
    với MỐC là day:N[:first|last|next][:before] (ngày N của tháng đầu/cuối/sau kỳ), days:K \
    (K ngày sau kỳ), workdays:K (K ngày làm việc sau kỳ) hoặc half:N1:N2[:before] (nửa \
    tháng); :before nghĩa là «trước ngày N», ngày cuối cùng được gửi là ngày N-1 \
    (ví dụ day:20:last@23:59:59, day:20:before, workdays:1@16:30)";

impl RuleParseError {
    fn new(input: &str, reason: &'static str) -> Self {
        Self {
            input: input.to_string(),
            reason,
        }
    }

    /// English message with the grammar.
    pub fn message_en(&self) -> String {
        format!(
            "invalid deadline rule {:?}: {}; {GRAMMAR_EN}",
            self.input, self.reason
        )
    }

    /// Vietnamese message with the grammar.
    pub fn message_vi(&self) -> String {
        format!(
            "Quy tắc hạn báo cáo \"{}\" không hợp lệ ({}); {GRAMMAR_VI}",
            self.input, self.reason
        )
    }
}

impl fmt::Display for RuleParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en())
    }
}

impl std::error::Error for RuleParseError {}

impl FromStr for DeadlineRule {
    type Err = RuleParseError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let err = |reason| RuleParseError::new(input.trim(), reason);
        let text = input.trim().to_ascii_lowercase();
        let mut parts = text.split(',');
        let head = parts.next().unwrap_or_default().trim();
        let mut roll = Roll::NextWorkday;
        for option in parts {
            let Some(value) = option.trim().strip_prefix("roll=") else {
                return Err(err("unknown option"));
            };
            roll = match value.trim() {
                "next_workday" | "next" => Roll::NextWorkday,
                "none" => Roll::None,
                "previous_workday" | "previous" | "prev" => Roll::PreviousWorkday,
                _ => return Err(err("unknown roll")),
            };
        }
        let (anchor_text, time) = match head.split_once('@') {
            Some((a, t)) => (
                a.trim(),
                parse_time(t.trim()).ok_or_else(|| err("bad time"))?,
            ),
            None => (head, END_OF_DAY),
        };
        let mut fields: Vec<&str> = anchor_text.split(':').map(str::trim).collect();
        let before = fields.len() > 2 && fields.last() == Some(&"before");
        if before {
            fields.pop();
        }
        let number = |s: &str, max: u32| s.parse::<u32>().ok().filter(|n| *n <= max);
        let day = |s: &str| number(s, 31).filter(|d| *d >= 1).map(|d| d as u8);
        let anchor = match fields.as_slice() {
            ["day", d] | ["day", d, "last"] => Anchor::DayOfMonth {
                month: MonthRef::Last,
                day: day(d).ok_or_else(|| err("day must be 1 to 31"))?,
            },
            ["day", d, m] => Anchor::DayOfMonth {
                month: match *m {
                    "first" => MonthRef::First,
                    "next" => MonthRef::Next,
                    _ => return Err(err("month must be first, last or next")),
                },
                day: day(d).ok_or_else(|| err("day must be 1 to 31"))?,
            },
            ["days", k] => Anchor::DaysAfterEnd(
                number(k, MAX_DAYS_AFTER_END).ok_or_else(|| err("K must be 0 to 366"))?,
            ),
            ["workdays", k] => Anchor::WorkdaysAfterEnd(
                number(k, MAX_DAYS_AFTER_END).ok_or_else(|| err("K must be 0 to 366"))?,
            ),
            ["half", d1, d2] => Anchor::HalfMonth {
                h1_day: day(d1).ok_or_else(|| err("day must be 1 to 31"))?,
                h2_day: day(d2).ok_or_else(|| err("day must be 1 to 31"))?,
            },
            _ => return Err(err("unknown anchor")),
        };
        let rule = DeadlineRule {
            anchor,
            time,
            roll,
            before,
        };
        if before && !rule.takes_before() {
            return Err(err(":before goes with day: and half: anchors only"));
        }
        Ok(rule)
    }
}

impl fmt::Display for DeadlineRule {
    /// The canonical text form: the time always, the roll only when not the default.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.anchor {
            Anchor::DayOfMonth { month, day } => {
                let m = match month {
                    MonthRef::First => "first",
                    MonthRef::Last => "last",
                    MonthRef::Next => "next",
                };
                write!(f, "day:{day}:{m}")?;
            }
            Anchor::DaysAfterEnd(k) => write!(f, "days:{k}")?,
            Anchor::WorkdaysAfterEnd(k) => write!(f, "workdays:{k}")?,
            Anchor::HalfMonth { h1_day, h2_day } => write!(f, "half:{h1_day}:{h2_day}")?,
        }
        if self.before {
            f.write_str(":before")?;
        }
        write!(f, "@{}", format_time(self.time))?;
        if self.roll != Roll::NextWorkday {
            write!(f, ",roll={}", self.roll.as_str())?;
        }
        Ok(())
    }
}

/// `HH:MM`, or `HH:MM:SS` when there are seconds.
fn format_time(t: Time) -> String {
    if t.second() == 0 {
        format!("{:02}:{:02}", t.hour(), t.minute())
    } else {
        format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
    }
}

/// `H:MM`, `HH:MM` or `HH:MM:SS`.
fn parse_time(s: &str) -> Option<Time> {
    let parts: Vec<&str> = s.split(':').collect();
    let num = |p: &str| -> Option<i8> {
        (!p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let (h, m, sec) = match parts.as_slice() {
        [h, m] if m.len() == 2 => (num(h)?, num(m)?, 0),
        [h, m, sec] if m.len() == 2 && sec.len() == 2 => (num(h)?, num(m)?, num(sec)?),
        _ => return None,
    };
    Time::new(h, m, sec, 0).ok()
}

/// Serde for [`Time`] as `HH:MM:SS`, independent of jiff's optional serde feature.
mod time_serde {
    use jiff::civil::Time;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &Time, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!(
            "{:02}:{:02}:{:02}",
            t.hour(),
            t.minute(),
            t.second()
        ))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(de: D) -> Result<Time, D::Error> {
        let text = String::deserialize(de)?;
        super::parse_time(text.trim()).ok_or_else(|| {
            serde::de::Error::custom(format!("invalid time {text:?}, expected HH:MM:SS"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::calendar::{Override, OverrideKind};
    use super::super::period::WindowKind;
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    fn official_2026() -> WorkCalendar {
        let mut list = vec![
            (date(2026, 1, 1), OverrideKind::Off, "Tết Dương lịch"),
            (
                date(2026, 1, 2),
                OverrideKind::Off,
                "Nghỉ hoán đổi Tết Dương lịch",
            ),
            (
                date(2026, 1, 10),
                OverrideKind::Workday,
                "Làm bù ngày 02/01/2026",
            ),
        ];
        for day in 16..=20 {
            list.push((date(2026, 2, day), OverrideKind::Off, "Tết Nguyên đán"));
        }
        WorkCalendar::new(list.into_iter().map(|(date, kind, name)| Override {
            date,
            kind,
            name: name.to_string(),
        }))
    }

    /// The default deadline of an id under Nd09 windows, as RFC 3339.
    fn default_deadline(id: &str, cal: &WorkCalendar) -> String {
        let period = p(id);
        let window = period.window(WindowKind::Nd09);
        to_rfc3339(deadline(
            &period,
            window,
            &default_rule(period.period_type()),
            cal,
        ))
    }

    #[test]
    fn quarter_1_2026_is_due_20_march() {
        let cal = WorkCalendar::default();
        let q1 = p("2026Q1");
        let window = q1.window(WindowKind::Nd09);
        assert_eq!(window, (date(2025, 12, 15), date(2026, 3, 14)));
        let due = deadline(&q1, window, &default_rule(PeriodType::Quarterly), &cal);
        assert_eq!(to_rfc3339(due), "2026-03-20T23:59:59+07:00");
        assert!(gap_ok(window.1, due.date(), &cal));
    }

    #[test]
    fn deadline_on_tet_moves_to_next_workday() {
        // 20 Feb 2026 is mùng 4 Tết (Tết is 17 Feb): the built-in rules and the official
        // schedule both move February's monthly deadline to Monday 23 Feb.
        assert_eq!(
            super::super::lunar::solar_to_lunar(date(2026, 2, 17)).map(|l| (l.month, l.day)),
            Ok((1, 1))
        );
        for cal in [WorkCalendar::default(), official_2026()] {
            assert_eq!(
                default_deadline("202602", &cal),
                "2026-02-23T23:59:59+07:00"
            );
        }
    }

    #[test]
    fn deadline_on_saturday_moves_to_monday() {
        let cal = WorkCalendar::default();
        assert_eq!(
            default_deadline("2026S1", &cal),
            "2026-06-22T23:59:59+07:00"
        );
        assert_eq!(
            default_deadline("2026S2", &cal),
            "2026-12-21T23:59:59+07:00"
        ); // 20 Dec is a Sunday
        assert_eq!(default_deadline("2026", &cal), "2026-12-21T23:59:59+07:00");
    }

    #[test]
    fn roll_none_and_previous_workday() {
        let cal = WorkCalendar::default();
        let period = p("2026S1");
        let window = period.window(WindowKind::Nd09);
        let mut rule = default_rule(PeriodType::SixMonthly);
        rule.roll = Roll::None;
        assert_eq!(
            deadline(&period, window, &rule, &cal).date(),
            date(2026, 6, 20)
        );
        rule.roll = Roll::PreviousWorkday;
        assert_eq!(
            deadline(&period, window, &rule, &cal).date(),
            date(2026, 6, 19)
        );
    }

    #[test]
    fn short_period_defaults() {
        let cal = official_2026();
        // Daily: next day 16:30; Friday's report is due Monday after rolling.
        assert_eq!(
            default_deadline("20261123", &cal),
            "2026-11-24T16:30:00+07:00"
        );
        assert_eq!(
            default_deadline("20261127", &cal),
            "2026-11-30T16:30:00+07:00"
        );
        // Weekly: first working day after the week.
        assert_eq!(
            default_deadline("2026W48", &cal),
            "2026-11-30T16:30:00+07:00"
        );
        // Week 2 (5–11 Jan) holds the make-up Saturday; it is due Monday 12 Jan.
        assert_eq!(
            default_deadline("2026W2", &cal),
            "2026-01-12T16:30:00+07:00"
        );
        // The week of Tết ends Sunday 22 Feb: Monday 23 Feb.
        assert_eq!(
            default_deadline("2026W8", &cal),
            "2026-02-23T16:30:00+07:00"
        );
        // Half-month: H1 day 20 same month, H2 day 5 next month.
        assert_eq!(
            default_deadline("202611H1", &cal),
            "2026-11-20T23:59:59+07:00"
        );
        assert_eq!(
            default_deadline("202611H2", &cal),
            "2026-12-07T23:59:59+07:00"
        ); // 5 Dec is a Saturday
        assert_eq!(
            default_deadline("202609H2", &cal),
            "2026-10-05T23:59:59+07:00"
        );
    }

    #[test]
    fn school_year_deadlines() {
        let cal = WorkCalendar::default();
        let sy = p("2025Sep");
        let window = sy.window(WindowKind::Nd09);
        let end = deadline(&sy, window, &default_rule(PeriodType::SchoolYear), &cal);
        assert_eq!(to_rfc3339(end), "2026-06-22T23:59:59+07:00"); // 20 Jun 2026 is a Saturday
        let start = deadline(&sy, window, &school_year_start_rule(), &cal);
        assert_eq!(start.date(), date(2025, 9, 22)); // 20 Sep 2025 is a Saturday
    }

    #[test]
    fn before_day_d_is_due_the_day_before_then_rolls() {
        let cal = official_2026();
        let at = |id: &str, rule: &str| {
            let period = p(id);
            let w = period.window(WindowKind::Nd09);
            to_rfc3339(deadline(&period, w, &rule.parse().unwrap(), &cal))
        };
        // Thanh Hóa Art. 7(3): "gửi trước ngày 20" — 19 Mar 2026 is a Thursday.
        assert_eq!(at("202603", "day:20:before"), "2026-03-19T23:59:59+07:00");
        // Ninh Bình Art. 14: "chậm nhất vào ngày 20" is the plain rule.
        assert_eq!(at("202603", "day:20"), "2026-03-20T23:59:59+07:00");
        // 19 Sep 2026 is a Saturday: the roll starts from the last allowed day.
        assert_eq!(at("202609", "day:20:before"), "2026-09-21T23:59:59+07:00");
        assert_eq!(
            at("202609", "day:20:before,roll=prev"),
            "2026-09-18T23:59:59+07:00"
        );
        assert_eq!(
            at("202609", "day:20:before,roll=none"),
            "2026-09-19T23:59:59+07:00"
        );
        // Half-months (Thanh Hóa Art. 7(2)): before the 20th, before the 5th of the next month.
        assert_eq!(
            at("202611H1", "half:20:5:before"),
            "2026-11-19T23:59:59+07:00"
        );
        assert_eq!(
            at("202610H2", "half:20:5:before"),
            "2026-11-04T23:59:59+07:00"
        );
        // "Before the 1st of next month" is the last day of this one.
        assert_eq!(
            at("202602", "day:1:next:before,roll=none"),
            "2026-02-28T23:59:59+07:00"
        );
    }

    #[test]
    fn school_year_start_and_end_before_the_20th() {
        // Thanh Hóa Art. 7(6): before 20/9 (start-of-year data), before 20/6 (end of year).
        let cal = WorkCalendar::default();
        let sy = p("2025Sep");
        let end = sy.window(WindowKind::Nd09);
        let rule = |s: &str| s.parse::<DeadlineRule>().unwrap();
        assert_eq!(
            to_rfc3339(deadline(&sy, end, &rule("day:20:last:before"), &cal)),
            "2026-06-19T23:59:59+07:00"
        );
        let start = sy.window(WindowKind::SchoolStart);
        assert_eq!(start, (date(2025, 9, 1), date(2025, 9, 15)));
        let due = deadline(&sy, start, &rule("day:20:first:before"), &cal);
        assert_eq!(to_rfc3339(due), "2025-09-19T23:59:59+07:00");
        assert!(gap_ok(start.1, due.date(), &cal));
        assert_eq!(
            default_rule_for(PeriodType::SchoolYear, WindowKind::SchoolStart),
            school_year_start_rule()
        );
        assert_eq!(
            default_rule_for(PeriodType::SchoolYear, WindowKind::Nd09),
            default_rule(PeriodType::SchoolYear)
        );
        assert_eq!(
            default_rule_for(PeriodType::Monthly, WindowKind::SchoolStart),
            default_rule(PeriodType::Monthly)
        );
    }

    #[test]
    fn before_is_kept_in_json_only_when_set() {
        let rule: DeadlineRule = "day:20:before".parse().unwrap();
        let json = serde_json::to_string(&rule).unwrap();
        assert!(json.ends_with(r#","before":true}"#), "{json}");
        assert_eq!(serde_json::from_str::<DeadlineRule>(&json).unwrap(), rule);
        let plain = serde_json::to_string(&default_rule(PeriodType::Monthly)).unwrap();
        assert!(!plain.contains("before"));
    }

    #[test]
    fn month_refs_follow_the_period_id() {
        let cal = WorkCalendar::default();
        let q1 = p("2026Q1");
        let w = q1.window(WindowKind::Nd09);
        let at = |s: &str| deadline(&q1, w, &s.parse().unwrap(), &cal).date();
        assert_eq!(at("day:20:first,roll=none"), date(2026, 1, 20));
        assert_eq!(at("day:20:last,roll=none"), date(2026, 3, 20));
        assert_eq!(at("day:5:next,roll=none"), date(2026, 4, 5));
        assert_eq!(at("day:31:first,roll=none"), date(2026, 1, 31));
        // Clamped to the month's last day.
        let feb = p("202602");
        let w = feb.window(WindowKind::Calendar);
        let rule: DeadlineRule = "day:31,roll=none".parse().unwrap();
        assert_eq!(deadline(&feb, w, &rule, &cal).date(), date(2026, 2, 28));
        assert_eq!(
            to_rfc3339(deadline(
                &p("202612"),
                p("202612").window(WindowKind::Nd09),
                &"day:5:next".parse().unwrap(),
                &cal
            )),
            "2027-01-05T23:59:59+07:00"
        );
    }

    #[test]
    fn days_after_end_count_from_the_window_end() {
        let cal = official_2026();
        let m = p("202601");
        let w = m.window(WindowKind::Nd09); // ends 14 Jan
        let at = |s: &str| deadline(&m, w, &s.parse().unwrap(), &cal).date();
        assert_eq!(at("days:5"), date(2026, 1, 19));
        assert_eq!(at("days:3"), date(2026, 1, 19)); // Sat 17 rolls to Mon 19
        assert_eq!(at("workdays:3"), date(2026, 1, 19));
        assert_eq!(at("workdays:0"), date(2026, 1, 14));
        // Huge counts from a database are clamped, not looped over.
        let rule = DeadlineRule {
            anchor: Anchor::WorkdaysAfterEnd(u32::MAX),
            time: END_OF_DAY,
            roll: Roll::None,
            before: false,
        };
        assert!(deadline(&m, w, &rule, &cal).date() < date(2028, 1, 1));
    }

    #[test]
    fn gap_needs_a_working_day_between_window_and_deadline() {
        let cal = WorkCalendar::default();
        // Window ends Fri 13 Mar 2026; deadline Mon 16 Mar: nothing between → refused.
        assert!(!gap_ok(date(2026, 3, 13), date(2026, 3, 16), &cal));
        assert!(gap_ok(date(2026, 3, 13), date(2026, 3, 17), &cal));
        // Window ends 13 Feb 2026, Tết until 20 Feb: 23 Feb deadline is too close.
        assert!(!gap_ok(date(2026, 2, 13), date(2026, 2, 23), &cal));
        assert!(!gap_ok(date(2026, 3, 14), date(2026, 3, 14), &cal));
        assert!(gap_required(PeriodType::Monthly));
        assert!(!gap_required(PeriodType::Weekly));
    }

    #[test]
    fn default_rules_of_monthly_and_longer_leave_the_gap_except_over_tet() {
        let cal = official_2026();
        let mut short = Vec::new();
        for t in PeriodType::ALL.into_iter().filter(|t| gap_required(*t)) {
            for period in Period::list(t, 2026) {
                let w = period.window(WindowKind::Nd09);
                let due = deadline(&period, w, &default_rule(t), &cal);
                if !gap_ok(w.1, due.date(), &cal) {
                    short.push(period.to_string());
                }
            }
        }
        // February 2026: the window ends Saturday 14 Feb, then a weekend, Tết (16–20)
        // and a weekend again; the deadline rolls to 23 Feb, the first working day.
        assert_eq!(short, ["202602"]);
    }

    #[test]
    fn text_form_round_trips() {
        for (text, canonical) in [
            ("day:20:last@23:59:59", "day:20:last@23:59:59"),
            ("day:20", "day:20:last@23:59:59"),
            ("DAY:20:First@08:00", "day:20:first@08:00"),
            ("days:5", "days:5@23:59:59"),
            ("workdays:1@16:30", "workdays:1@16:30"),
            ("workdays:1@16:30,roll=none", "workdays:1@16:30,roll=none"),
            (
                "day:25:next , roll=prev",
                "day:25:next@23:59:59,roll=previous_workday",
            ),
            ("half:20:5", "half:20:5@23:59:59"),
            ("days:1@7:05", "days:1@07:05"),
            ("day:20:before", "day:20:last:before@23:59:59"),
            ("day:20:first:BEFORE", "day:20:first:before@23:59:59"),
            (
                "day:20:last:before@17:00,roll=prev",
                "day:20:last:before@17:00,roll=previous_workday",
            ),
            ("half:20:5:before", "half:20:5:before@23:59:59"),
        ] {
            let rule: DeadlineRule = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(rule.to_string(), canonical);
            assert_eq!(canonical.parse::<DeadlineRule>(), Ok(rule));
        }
    }

    #[test]
    fn bad_text_rules_are_errors_that_show_the_grammar() {
        for bad in [
            "",
            "day",
            "day:0",
            "day:32",
            "day:20:middle",
            "days:-1",
            "days:400",
            "workdays:x",
            "half:20",
            "week:1",
            "day:20@25:00",
            "day:20@12",
            "day:20@12:5",
            "day:20,roll=later",
            "day:20,foo=bar",
            "day:20:last:x",
            "day:before",
            "days:5:before",
            "workdays:1:before@16:30",
            "day:20:before:last",
            "day:20:last:before:before",
        ] {
            let e = bad.parse::<DeadlineRule>().expect_err(bad);
            assert!(e.to_string().contains("workdays:1@16:30"), "{bad}");
            assert!(e.message_vi().contains("không hợp lệ"));
        }
    }

    #[test]
    fn rules_are_stored_as_json() {
        let rule = default_rule(PeriodType::Monthly);
        let json = serde_json::to_string(&rule).unwrap();
        assert_eq!(
            json,
            r#"{"anchor":{"day_of_month":{"month":"last","day":20}},"time":"23:59:59","roll":"next_workday"}"#
        );
        assert_eq!(serde_json::from_str::<DeadlineRule>(&json).unwrap(), rule);
        let weekly: DeadlineRule =
            serde_json::from_str(r#"{"anchor":{"workdays_after_end":1},"time":"16:30"}"#).unwrap();
        assert_eq!(weekly, default_rule(PeriodType::Weekly));
        assert!(serde_json::from_str::<DeadlineRule>(
            r#"{"anchor":{"days_after_end":1},"time":"4pm"}"#
        )
        .is_err());
    }

    #[test]
    fn timestamps_are_utc_plus_7() {
        let dt = date(2026, 3, 20).to_datetime(END_OF_DAY);
        assert_eq!(
            to_timestamp(dt).unwrap().to_string(),
            "2026-03-20T16:59:59Z"
        );
    }

    fn any_rule() -> impl Strategy<Value = DeadlineRule> {
        let month = prop_oneof![
            Just(MonthRef::First),
            Just(MonthRef::Last),
            Just(MonthRef::Next)
        ];
        let anchor = prop_oneof![
            (month, 0u8..=40).prop_map(|(month, day)| Anchor::DayOfMonth { month, day }),
            (0u32..1000).prop_map(Anchor::DaysAfterEnd),
            (0u32..1000).prop_map(Anchor::WorkdaysAfterEnd),
            (0u8..=40, 0u8..=40).prop_map(|(h1_day, h2_day)| Anchor::HalfMonth { h1_day, h2_day }),
        ];
        let roll = prop_oneof![
            Just(Roll::NextWorkday),
            Just(Roll::None),
            Just(Roll::PreviousWorkday)
        ];
        (anchor, 0i8..24, 0i8..60, 0i8..60, roll, any::<bool>()).prop_map(
            |(anchor, h, m, s, roll, before)| {
                let rule = DeadlineRule {
                    anchor,
                    time: Time::new(h, m, s, 0).unwrap(),
                    roll,
                    before: false,
                };
                DeadlineRule {
                    before: before && rule.takes_before(),
                    ..rule
                }
            },
        )
    }

    fn any_period() -> impl Strategy<Value = Period> {
        let types = proptest::sample::select(PeriodType::ALL.to_vec());
        (types, 0i64..(199 * 365)).prop_filter_map("in range", |(t, n)| {
            Period::containing(t, add_days(date(1901, 1, 1), n), WindowKind::Calendar)
        })
    }

    proptest! {
        #[test]
        fn valid_rules_round_trip_through_text(rule in any_rule()) {
            if let Ok(parsed) = rule.to_string().parse::<DeadlineRule>() {
                prop_assert_eq!(parsed, rule);
            } else {
                // Only out-of-range numbers are refused by the text form.
                let bad = match rule.anchor {
                    Anchor::DayOfMonth { day, .. } => !(1..=31).contains(&day),
                    Anchor::DaysAfterEnd(k) | Anchor::WorkdaysAfterEnd(k) => k > MAX_DAYS_AFTER_END,
                    Anchor::HalfMonth { h1_day, h2_day } => !(1..=31).contains(&h1_day) || !(1..=31).contains(&h2_day),
                };
                prop_assert!(bad, "{}", rule);
            }
        }

        #[test]
        fn before_is_the_day_before_the_plain_rule(period in any_period(), rule in any_rule()) {
            let cal = official_2026();
            let w = period.window(WindowKind::Nd09);
            let plain = DeadlineRule { roll: Roll::None, before: false, ..rule };
            let before = DeadlineRule { before: plain.takes_before(), ..plain };
            let shift = if before.before { -1 } else { 0 };
            prop_assert_eq!(
                deadline(&period, w, &before, &cal).date(),
                add_days(deadline(&period, w, &plain, &cal).date(), shift)
            );
        }

        #[test]
        fn next_workday_roll_lands_on_a_workday(period in any_period(), rule in any_rule()) {
            let cal = official_2026();
            let rule = DeadlineRule { roll: Roll::NextWorkday, ..rule };
            let due = deadline(&period, period.window(WindowKind::Nd09), &rule, &cal);
            prop_assert!(cal.is_workday(due.date()));
            prop_assert_eq!(due.time(), rule.time);
        }
    }
}
